import * as aws from "@pulumi/aws";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { AuthorizerEnvironment } from "../handlers/authorizer";
import { certificateKey, issuerId, normaliseSerial, PartnerNames, RevocationList } from "../handlers/revocation";
import { RevokedSerial } from "./config";
import { CrlRevocation } from "./crl";
import { lambdaRuntime } from "./customerapi";
import { handlerArchive } from "./lambdacode";

export interface PartnerAuthorizerArgs {
    /** The certificates to deny: from stack config and from verified CRLs. */
    readonly revocations: pulumi.Input<RevocationList>;
    /** Partner names the authorizer passes on in its context, by issuer and serial. */
    readonly partnerNames: pulumi.Input<PartnerNames>;
    /** Seconds a decision is reused for the same serial in one function instance; 0 turns the cache off. Default: 60. */
    readonly cacheSeconds?: number;
    /** Days to keep the function's logs. */
    readonly logRetentionDays: pulumi.Input<number>;
}

/** Lambda's limit on a function's environment: keys and values together. */
export const lambdaEnvironmentLimit = 4096;

/** The environment is over Lambda's limit; the message says which config to trim. */
export class AuthorizerEnvironmentError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "AuthorizerEnvironmentError";
    }
}

/** The revocation list from config entries (any issuer) and verified CRL entries (their issuer only). */
export function revocationList(configured: readonly RevokedSerial[], crl: readonly CrlRevocation[]): RevocationList {
    const byIssuer: Record<string, Record<string, string>> = {};
    for (const entry of crl) {
        (byIssuer[entry.issuerId] ??= {})[entry.serial] = entry.reason;
    }
    return { anyIssuer: Object.fromEntries(configured.map((e) => [e.serial, e.reason])), byIssuer };
}

/**
 * Partner names: each certificate we issued by issuer and serial, and every certificate of a
 * partner's own CA by that CA (each CA of its file, so an intermediate counts too).
 */
export function partnerNames(issued: Readonly<Record<string, string>>, ownCas: readonly { name: string; caCertPem: string }[]): PartnerNames {
    const names: Record<string, string> = {};
    for (const { name, caCertPem } of ownCas) {
        for (const pem of caCertPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
            names[issuerId(new X509Certificate(pem).subject)] = name;
        }
    }
    for (const [name, pem] of Object.entries(issued)) {
        const certificate = new X509Certificate(pem);
        names[certificateKey(issuerId(certificate.issuer), normaliseSerial(certificate.serialNumber) ?? certificate.serialNumber)] = name;
    }
    return names;
}

/**
 * The function's environment. Delivering the list here keeps the authorizer free of any read at
 * request time (and runnable offline), at the price of Lambda's 4 KB limit: over it, this throws.
 */
export function authorizerEnvironment(revocations: RevocationList, names: PartnerNames, cacheSeconds: number): Record<string, string> {
    const env: Required<AuthorizerEnvironment> = {
        REVOKED_SERIALS: JSON.stringify(revocations),
        PARTNER_NAMES: JSON.stringify(names),
        DECISION_CACHE_SECONDS: String(cacheSeconds),
    };
    const size = Object.entries(env).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
    if (size > lambdaEnvironmentLimit) {
        const crlEntries = Object.values(revocations.byIssuer).reduce((sum, serials) => sum + Object.keys(serials).length, 0);
        throw new AuthorizerEnvironmentError(
            `the authorizer's environment would be ${size} bytes, over Lambda's ${lambdaEnvironmentLimit}: revokedSerials has ` +
            `${Object.keys(revocations.anyIssuer).length} entries, crlFile ${crlEntries}, and there are ${Object.keys(names).length} partner names; ` +
            "shorten the reasons in revokedSerials and drop entries of certificates that have expired (API Gateway refuses those anyway)");
    }
    return env;
}

/**
 * The REQUEST Lambda authorizer of the partner API (handlers/authorizer.ts): it denies revoked
 * client certificates and names the partner for the integration. It reads nothing at request
 * time: the list comes in its environment, so it needs no permission beyond its logs.
 */
export class PartnerAuthorizer extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    /** The environment the function runs with. */
    public readonly environment: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PartnerAuthorizerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("apigw-mtls:api:PartnerAuthorizer", name, {}, opts);
        const child = { parent: this };
        const cacheSeconds = args.cacheSeconds ?? 60;

        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        }, child);
        const logging = new aws.iam.RolePolicyAttachment(`${name}-logs`, {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
        }, child);
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-log`, { retentionInDays: args.logRetentionDays }, child);
        this.environment = pulumi.all([args.revocations, args.partnerNames])
            .apply(([revocations, names]) => authorizerEnvironment(revocations, names, cacheSeconds));
        this.function = new aws.lambda.Function(`${name}-function`, {
            runtime: lambdaRuntime,
            architectures: ["arm64"],
            handler: "index.handler",
            code: handlerArchive(path.join(__dirname, "..", "handlers", "authorizer.ts")),
            role: role.arn,
            memorySize: 256,
            timeout: 5,
            environment: { variables: this.environment },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        }, { ...child, dependsOn: [logging] });

        this.registerOutputs({ function: this.function, environment: this.environment });
    }
}
