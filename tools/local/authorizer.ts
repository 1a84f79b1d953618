// A method's Lambda REQUEST authorizer as API Gateway runs it: its identity sources must all be
// there (else 401), its answers are cached per identity-source values for the authorizer's TTL,
// and the IAM policy it returns is evaluated against the request's method ARN (an explicit Deny
// wins, then an Allow, else denied); its context must hold only strings, numbers and booleans.
// An Allow may name the caller's API key as `usageIdentifierKey` (apiKeySource AUTHORIZER).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { BoundedCache } from "../../core/cache";
import { answers, GatewayAnswer } from "./answers";
import type { AuthorizerModel, FunctionModel, StageModel } from "./domain-model";
import { arnPattern } from "./model";
import { headerValue, ProxyRequest } from "./proxy-event";

export type AuthorizerContext = Readonly<Record<string, string | number | boolean>>;

export type Decision =
    | { readonly effect: "allow"; readonly principalId: string; readonly context: AuthorizerContext; readonly usageIdentifierKey?: string }
    | { readonly effect: "explicit-deny" }
    | { readonly effect: "implicit-deny" }
    /** The output is not a policy API Gateway can use: it answers 500. */
    | { readonly effect: "invalid"; readonly reason: string };

interface Statement {
    readonly Effect?: unknown;
    readonly Action?: unknown;
    readonly Resource?: unknown;
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function coversInvoke(action: unknown): boolean {
    return typeof action === "string" && ["execute-api:invoke", "execute-api:*", "*"].includes(action.toLowerCase());
}

const patterns = new Map<string, RegExp>();

function matches(resource: unknown, methodArn: string): boolean {
    if (typeof resource !== "string") {
        return false;
    }
    let pattern = patterns.get(resource);
    if (!pattern) {
        pattern = arnPattern(resource);
        patterns.set(resource, pattern);
    }
    return pattern.test(methodArn);
}

/** Evaluates an authorizer's output for one request. Exported for testing. */
export function decide(output: unknown, methodArn: string): Decision {
    if (!output || typeof output !== "object") {
        return { effect: "invalid", reason: "the authorizer returned no object" };
    }
    const { principalId, policyDocument, context, usageIdentifierKey } = output as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown; usageIdentifierKey?: unknown };
    if (typeof principalId !== "string" && typeof principalId !== "number") {
        return { effect: "invalid", reason: "the authorizer's output has no principalId" };
    }
    if (!policyDocument || typeof policyDocument !== "object") {
        return { effect: "invalid", reason: "the authorizer's output has no policyDocument" };
    }
    if (context !== undefined && (context === null || typeof context !== "object" || Array.isArray(context)
        || Object.values(context).some((v) => !["string", "number", "boolean"].includes(typeof v)))) {
        return { effect: "invalid", reason: "the authorizer's context must map keys to strings, numbers or booleans (no objects or arrays)" };
    }
    const statements = list(policyDocument.Statement) as Statement[];
    const applies = (s: Statement) => list(s.Action).some(coversInvoke) && list(s.Resource).some((r) => matches(r, methodArn));
    if (statements.some((s) => s.Effect === "Deny" && applies(s))) {
        return { effect: "explicit-deny" };
    }
    if (statements.some((s) => s.Effect === "Allow" && applies(s))) {
        return {
            effect: "allow", principalId: String(principalId), context: (context ?? {}) as AuthorizerContext,
            ...(typeof usageIdentifierKey === "string" ? { usageIdentifierKey } : {}),
        };
    }
    return { effect: "implicit-deny" };
}

// Results are keyed by identity-source values, which callers choose: bound them.
const RESULT_CACHE_LIMIT = 10_000;

interface CachedResult {
    readonly until: number;
    readonly output: unknown;
}

/** What the authorizer step lets through: the context the integration gets, or the gateway's answer. */
export type Authorized =
    | { readonly context: AuthorizerContext & { readonly principalId: string }; readonly usageIdentifierKey?: string }
    | { readonly refusal: GatewayAnswer };

/** The value an identity source names in the request, such as method.request.header.Host. */
function identityValue(source: string, request: ProxyRequest, stage: StageModel): unknown {
    const [, scope, name] = /^(method\.request\.header|method\.request\.querystring|stageVariables|context)\.(.+)$/.exec(source) ?? [];
    switch (scope) {
        case "method.request.header":
            return headerValue(request.headers, name);
        case "method.request.querystring":
            return request.queryStringParameters?.[name];
        case "stageVariables":
            return stage.variables?.[name];
        case "context":
            return name.split(".").reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined), request.requestContext);
        default:
            return undefined;
    }
}

/** The REQUEST authorizers of one gateway, with the cache of their results. */
export class RequestAuthorizers {
    readonly #results = new BoundedCache<string, CachedResult>(RESULT_CACHE_LIMIT);

    constructor(
        private readonly invoke: (fn: FunctionModel, event: APIGatewayRequestAuthorizerEvent) => Promise<unknown>,
        private readonly log: (line: string) => void,
    ) {}

    /** Runs the method's authorizer for `request` (or takes its cached result) and decides. */
    async authorize(authorizer: AuthorizerModel, request: ProxyRequest, stage: StageModel, methodArn: string, requestId: string): Promise<Authorized> {
        const values: string[] = [];
        for (const source of authorizer.identitySources) {
            const value = identityValue(source, request, stage);
            if (value === undefined || value === null || value === "") {
                this.log(`${requestId} authorizer ${authorizer.name}: identity source ${source} is missing: 401`);
                return { refusal: answers.unauthorized };
            }
            values.push(typeof value === "string" ? value : JSON.stringify(value));
        }
        if (authorizer.invokeProblem) {
            this.log(`${requestId} authorizer ${authorizer.name}: ${authorizer.invokeProblem}: 500`);
            return { refusal: answers.authorizerFailure };
        }
        const cacheKey = authorizer.ttlSeconds > 0 && values.length > 0 ? `${authorizer.id}\u0000${values.join("\u0000")}` : undefined;
        const cached = cacheKey === undefined ? undefined : this.#results.get(cacheKey);
        let output: unknown;
        if (cached && cached.until > Date.now()) {
            output = cached.output;
        } else {
            try {
                output = await this.invoke(authorizer.function, { type: "REQUEST", methodArn, ...request, requestContext: { ...request.requestContext, authorizer: undefined } });
            } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                if (message === "Unauthorized") {
                    return { refusal: answers.unauthorized };
                }
                this.log(`${requestId} authorizer ${authorizer.name} failed: ${message}: 500`);
                return { refusal: answers.authorizerFailure };
            }
            if (cacheKey !== undefined) {
                this.#results.set(cacheKey, { until: Date.now() + authorizer.ttlSeconds * 1000, output });
            }
        }
        const decision = decide(output, methodArn);
        switch (decision.effect) {
            case "allow":
                return { context: { ...decision.context, principalId: decision.principalId }, usageIdentifierKey: decision.usageIdentifierKey };
            case "explicit-deny":
                return { refusal: answers.explicitDeny };
            case "implicit-deny":
                return { refusal: answers.implicitDeny };
            default:
                this.log(`${requestId} authorizer ${authorizer.name}: ${decision.reason}: 500`);
                return { refusal: answers.authorizerFailure };
        }
    }
}
