import * as aws from "@pulumi/aws";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { AuthorizerEnvironment } from "../handlers/authorizer";
import { AuthorizerLists, authorizerListsFile, certificateKey, issuerId, normaliseSerial, PartnerNames, RevocationList } from "../core/revocation";
import { RevokedSerial } from "../core/config";
import { CrlRevocation } from "../core/crl";
import { lambdaRuntime } from "./customerapi";
import { handlerArchive } from "./lambdacode";
import { certificateBlocks } from "../core/bundle";

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
        for (const pem of certificateBlocks(caCertPem)) {
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
 * The REQUEST Lambda authorizer of the partner API (handlers/authorizer.ts): it denies revoked
 * client certificates and names the partner for the integration. It reads nothing at request
 * time: the lists come in its package (`lists.json` beside the code), so it needs no permission
 * beyond its logs, runs offline in local mode, and any number of partners fits (an
 * environment variable would stop at Lambda's 4 KB).
 */
export class PartnerAuthorizer extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    /** The lists the function decides with, as its package carries them. */
    public readonly lists: pulumi.Output<AuthorizerLists>;

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
        this.lists = pulumi.all([args.revocations, args.partnerNames])
            .apply(([revocations, partnerNames]) => ({ revocations, partnerNames }));
        const environment: Required<AuthorizerEnvironment> = { DECISION_CACHE_SECONDS: String(cacheSeconds) };
        this.function = new aws.lambda.Function(`${name}-function`, {
            runtime: lambdaRuntime,
            architectures: ["arm64"],
            handler: "index.handler",
            // A new list is a new package: the function is updated in place, nothing else changes.
            code: this.lists.apply((lists) => handlerArchive(require.resolve("../handlers/authorizer"), {
                [authorizerListsFile]: JSON.stringify(lists),
            })),
            role: role.arn,
            memorySize: 256,
            timeout: 5,
            environment: { variables: environment },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        }, { ...child, dependsOn: [logging] });

        this.registerOutputs({ function: this.function, lists: this.lists });
    }
}
