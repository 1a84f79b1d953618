import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import * as fs from "node:fs";
import * as path from "node:path";
import { BoundedCache } from "../core/cache";
import { AuthorizerEnvironment, AuthorizerLists, authorizerListsFile, Decision, decide, normaliseSerial, parseAuthorizerLists } from "../core/revocation";

export interface AuthorizerOptions {
    readonly env: AuthorizerEnvironment;
    /** The `AuthorizerLists` as JSON; throws when they cannot be read. Default: the lists file beside the code. */
    readonly readLists: () => string;
    /** The clock; tests set their own. Default: the system clock. */
    readonly now?: () => Date;
    /** Where each decision is logged, as one JSON line. Default: console.log. */
    readonly log?: (line: string) => void;
}

interface CachedDecision {
    readonly pem: string;
    readonly decision: Decision;
    readonly expires: number;
}

// A warm instance sees a handful of partners; the bound only guards against a flood of serials.
const CACHE_LIMIT = 1_000;

/** The IAM policy API Gateway applies: Allow lets the call through, Deny answers 403. */
export function policyFor(decision: Decision, methodArn: string): APIGatewayAuthorizerResult {
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
            Statement: [{ Action: "execute-api:Invoke", Effect: decision.effect, Resource: methodArn }],
        },
        context,
    };
}

/**
 * A REQUEST authorizer that denies revoked client certificates. The lists come in the
 * function's package, so they are read once per instance; lists that cannot be read or do not
 * parse deny every call. Decisions are cached per serial for `DECISION_CACHE_SECONDS`.
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
    const ttlSeconds = Number(options.env.DECISION_CACHE_SECONDS ?? "60");
    const cacheMs = Number.isFinite(ttlSeconds) && ttlSeconds > 0 ? ttlSeconds * 1000 : 0;
    const cache = new BoundedCache<string, CachedDecision>(CACHE_LIMIT);

    return async (event) => {
        // A request without a certificate cannot pass mutual TLS; still, no certificate is a Deny.
        const certificate = event.requestContext?.identity?.clientCert;
        const pem = certificate?.clientCertPem || undefined;
        const key = normaliseSerial(certificate?.serialNumber ?? "");
        const time = now();
        const cached = key !== undefined ? cache.get(key) : undefined;
        // The same serial with another PEM is another certificate: decide again.
        if (cached && cached.pem === pem && cached.expires > time.getTime()) {
            return policyFor(cached.decision, event.methodArn);
        }
        lists ??= read();
        const decision = decide(pem, lists.revocations, lists.partnerNames ?? {}, time);
        if (key !== undefined && pem !== undefined && cacheMs > 0) {
            cache.set(key, { pem, decision, expires: time.getTime() + cacheMs });
        }
        log(JSON.stringify({ message: "authorizer decision", ...decision }));
        return policyFor(decision, event.methodArn);
    };
}

/** The Lambda entry point. */
export const handler = createAuthorizer({
    env: process.env,
    readLists: () => fs.readFileSync(path.join(__dirname, authorizerListsFile), "utf8"),
});
