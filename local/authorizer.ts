// What API Gateway makes of a Lambda REQUEST authorizer's answer: the IAM policy it returns is
// evaluated against the request's method ARN (an explicit Deny wins, then an Allow, else denied),
// and its context must hold only strings, numbers and booleans.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
import { arnPattern } from "./model";

export type AuthorizerContext = Readonly<Record<string, string | number | boolean>>;

export type Decision =
    | { readonly effect: "allow"; readonly principalId: string; readonly context: AuthorizerContext }
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
    const { principalId, policyDocument, context } = output as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown };
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
        return { effect: "allow", principalId: String(principalId), context: (context ?? {}) as AuthorizerContext };
    }
    return { effect: "implicit-deny" };
}
