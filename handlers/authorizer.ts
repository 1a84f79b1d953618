import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import * as fs from "node:fs";
import * as path from "node:path";
import { BoundedCache } from "../core/cache";
import { configDeclarations } from "../core/config/keys";
import {
    AuthorizerEnvironment, AuthorizerLists, authorizerListsFile, Decision, decide, getParametersMaxNames, normaliseSerial, parseAuthorizerLists, parseUsageKeys, UsageKeys, usageKeysParameterNames,
} from "../core/authorizer/decision";
import { allowedResources, ApiStages, parseApiStages } from "../core/authorizer/access";

export interface AuthorizerOptions {
    readonly env: AuthorizerEnvironment;
    /** The `AuthorizerLists` as JSON; throws when they cannot be read. Default: the lists file beside the code. */
    readonly readLists: () => string;
    /** The clock; tests set their own. Default: the system clock. */
    readonly now?: () => Date;
    /** Where each decision is logged, as one JSON line. Default: console.log. */
    readonly log?: (line: string) => void;
    /** The value of the SSM parameter of that name, decrypted; rejects when it cannot be read. Default: SSM GetParameter. */
    readonly readParameter?: (name: string) => Promise<string | undefined>;
    /** The values of the SSM parameters of these names (at most `getParametersMaxNames`), decrypted, by name; rejects when they cannot be read. Default: SSM GetParameters. */
    readonly readParameters?: (names: readonly string[]) => Promise<Readonly<Record<string, string | undefined>>>;
}

interface CachedDecision {
    readonly pem: string;
    readonly decision: Decision;
    readonly expires: number;
}

// A warm instance sees a handful of partners; the bound only guards against a flood of serials.
const CACHE_LIMIT = 1_000;

/**
 * The IAM policy API Gateway applies: Allow lets the call through where it names the method
 * (`resource`: the called method, or every stage the partner may call), Deny answers 403. With
 * `usageKey`, the partner's API key: API Gateway meters the call against that key's usage plan.
 */
export function policyFor(decision: Decision, resource: string | readonly string[], usageKey?: string): APIGatewayAuthorizerResult {
    const context: Record<string, string> = { reason: decision.reason };
    if (decision.partner !== undefined) {
        context.partner = decision.partner;
    }
    if (decision.serial !== undefined) {
        context.serial = decision.serial;
    }
    return {
        principalId: decision.partner ?? "anonymous",
        policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: decision.effect, Resource: typeof resource === "string" ? resource : [...resource] }],
        },
        context,
        ...(usageKey === undefined ? {} : { usageIdentifierKey: usageKey }),
    };
}

/**
 * A parameter's value with SSM GetParameter, decrypted. The SDK is loaded at the first read: the
 * bundle leaves it out (Lambda's Node.js runtime provides AWS SDK v3), and an authorizer without
 * usage keys never loads it.
 */
async function ssmParameter(name: string): Promise<string | undefined> {
    const { GetParameterCommand, SSMClient } = await import("@aws-sdk/client-ssm");
    const result = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return result.Parameter?.Value;
}

/**
 * Parameters' values with SSM GetParameters, decrypted, by name. GetParameters answers names it
 * does not know in `InvalidParameters` rather than failing: such a name is a failure here.
 */
async function ssmParameters(names: readonly string[]): Promise<Record<string, string | undefined>> {
    const { GetParametersCommand, SSMClient } = await import("@aws-sdk/client-ssm");
    const result = await new SSMClient({}).send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
    if (result.InvalidParameters !== undefined && result.InvalidParameters.length > 0) {
        throw new Error(`ParameterNotFound: ${result.InvalidParameters.join(", ")}`);
    }
    return Object.fromEntries((result.Parameters ?? []).map((parameter) => [parameter.Name, parameter.Value]));
}

/**
 * Every partner's key from the usage-keys parameters `names`, read in batches of
 * `getParametersMaxNames`, each value parsed and all merged; rejects when one cannot be read or parsed.
 */
async function readUsageKeys(names: readonly string[], read: (names: readonly string[]) => Promise<Readonly<Record<string, string | undefined>>>): Promise<UsageKeys> {
    const batches = Array.from({ length: Math.ceil(names.length / getParametersMaxNames) }, (_, i) => names.slice(i * getParametersMaxNames, (i + 1) * getParametersMaxNames));
    const values = Object.assign({}, ...await Promise.all(batches.map(read))) as Record<string, string | undefined>;
    return Object.fromEntries(names.flatMap((name) => Object.entries(parseUsageKeys(Object.hasOwn(values, name) ? values[name] : undefined))));
}

/** The names of the usage-keys parameters the environment gives; throws when the count is not a whole number from 1. */
function usageKeysNames(first: string, shards: string | undefined): string[] {
    const count = Number(shards ?? "1");
    if (!Number.isInteger(count) || count < 1) {
        throw new Error(`USAGE_KEYS_SHARDS is ${JSON.stringify(shards)}, not a whole number from 1`);
    }
    return usageKeysParameterNames(first, count);
}

/**
 * A REQUEST authorizer that denies revoked client certificates. The lists come in the
 * function's package, so they are read once per instance; lists that cannot be read or do not
 * parse deny every call. Decisions are cached per serial for `DECISION_CACHE_SECONDS`.
 *
 * With `USAGE_KEYS_PARAMETER`, an Allow carries the partner's API key as `usageIdentifierKey`, so
 * that API Gateway applies the partner's usage plan; a partner without a key gets none, and API
 * Gateway answers it 403. The keys are read from that SSM parameter and the `USAGE_KEYS_SHARDS`
 * after it (GetParameters, ten names a call) once per instance, merged, not
 * packaged with the code: the package is a StringAsset, which Pulumi keeps in the stack's state in
 * plain text, where the parameter's value is a secret in state and never in the package. A read
 * that fails is logged in one line (never a key) and denies the call; the next call reads again.
 */
export function createAuthorizer(options: AuthorizerOptions): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
    const now = options.now ?? (() => new Date());
    const log = options.log ?? ((line: string) => console.log(line));
    // Read at the first call, not at import: the package does not change in an instance.
    let lists: Partial<AuthorizerLists> | undefined;
    const read = (): Partial<AuthorizerLists> => {
        try {
            return parseAuthorizerLists(options.readLists());
        } catch (error) {
            log(JSON.stringify({ message: "the authorizer's lists cannot be read: every call is denied", error: String(error) }));
            return {};
        }
    };
    const ttlSeconds = Number(options.env.DECISION_CACHE_SECONDS ?? configDeclarations.authorizerCacheSeconds.default);
    const cacheMs = Number.isFinite(ttlSeconds) && ttlSeconds > 0 ? ttlSeconds * 1000 : 0;
    const cache = new BoundedCache<string, CachedDecision>(CACHE_LIMIT);
    const parameter = options.env.USAGE_KEYS_PARAMETER || undefined;
    const readParameter = options.readParameter ?? ssmParameter;
    const readParameters = options.readParameters ?? ssmParameters;
    let usageKeys: Promise<UsageKeys> | undefined;
    /** The keys of every shard, read at the first Allow; undefined when one cannot be read. */
    const keys = async (first: string): Promise<UsageKeys | undefined> => {
        usageKeys ??= Promise.resolve().then(() => readUsageKeys(usageKeysNames(first, options.env.USAGE_KEYS_SHARDS), readParameters));
        try {
            return await usageKeys;
        } catch (error) {
            usageKeys = undefined;
            log(JSON.stringify({ message: "the usage keys cannot be read: the call is denied", parameter: first, shards: options.env.USAGE_KEYS_SHARDS ?? "1", error: String(error) }));
            return undefined;
        }
    };
    const stagesParameter = options.env.API_STAGES_PARAMETER || undefined;
    let apiStages: Promise<ApiStages> | undefined;
    /** Each API's stage, read at the first Allow; undefined when it cannot be read. */
    const stages = async (name: string): Promise<ApiStages | undefined> => {
        apiStages ??= readParameter(name).then(parseApiStages);
        try {
            return await apiStages;
        } catch (error) {
            apiStages = undefined;
            log(JSON.stringify({ message: "the API stages cannot be read: the call is denied", parameter: name, error: String(error) }));
            return undefined;
        }
    };
    /**
     * What an Allow names: with API stages, every stage the partner may call (its `access`), and
     * a Deny when that is not the called one; without, the called method.
     */
    const allowed = async (decision: Decision, methodArn: string, access: Readonly<Record<string, readonly string[]>>): Promise<{ decision: Decision; resource: string | readonly string[] }> => {
        if (decision.effect !== "Allow" || stagesParameter === undefined) {
            return { decision, resource: methodArn };
        }
        const known = await stages(stagesParameter);
        if (known === undefined) {
            return { decision: { ...decision, effect: "Deny", reason: "the API stages cannot be read" }, resource: methodArn };
        }
        const permitted = Object.hasOwn(access, decision.partner ?? "") ? access[decision.partner ?? ""] : [];
        const { resources, covers } = allowedResources(methodArn, permitted, known);
        return covers ? { decision, resource: resources } : { decision: { ...decision, effect: "Deny", reason: "the partner may not call this API (its access)" }, resource: methodArn };
    };
    /** The answer to a decision: an Allow gets the partner's usage key, or becomes a Deny when there are keys and they cannot be read. */
    const answer = async (given: Decision, methodArn: string): Promise<APIGatewayAuthorizerResult> => {
        const { decision, resource } = await allowed(given, methodArn, lists?.access ?? {});
        if (decision !== given) {
            log(JSON.stringify({ message: "authorizer decision", ...decision }));
        }
        if (decision.effect !== "Allow" || parameter === undefined) {
            return policyFor(decision, resource);
        }
        const known = await keys(parameter);
        if (known === undefined) {
            return policyFor({ ...decision, effect: "Deny", reason: "the usage keys cannot be read" }, methodArn);
        }
        // An own property only: a partner named like an Object.prototype member has no key.
        return policyFor(decision, resource, Object.hasOwn(known, decision.partner ?? "") ? known[decision.partner ?? ""] : undefined);
    };

    return async (event) => {
        // A request without a certificate cannot pass mutual TLS; still, no certificate is a Deny.
        const certificate = event.requestContext?.identity?.clientCert;
        const pem = certificate?.clientCertPem || undefined;
        const key = normaliseSerial(certificate?.serialNumber ?? "");
        const time = now();
        const cached = key !== undefined ? cache.get(key) : undefined;
        // The same serial with another PEM is another certificate: decide again.
        if (cached && cached.pem === pem && cached.expires > time.getTime()) {
            return answer(cached.decision, event.methodArn);
        }
        lists ??= read();
        const decision = decide(pem, lists.revocations, lists.partnerNames ?? {}, time);
        if (key !== undefined && pem !== undefined && cacheMs > 0) {
            cache.set(key, { pem, decision, expires: time.getTime() + cacheMs });
        }
        log(JSON.stringify({ message: "authorizer decision", ...decision }));
        return answer(decision, event.methodArn);
    };
}

/** The Lambda entry point. */
export const handler = createAuthorizer({
    env: process.env,
    readLists: () => fs.readFileSync(path.join(__dirname, authorizerListsFile), "utf8"),
});
