import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configDeclarations, projectName } from "../core/config/keys";
import { RevokedSerial } from "../core/config/revocation";
import { CrlRevocation } from "../core/x509/crl";
import { AuthorizerEnvironment, AuthorizerLists, authorizerListsFile, partnerNames, revocationList } from "../core/authorizer/decision";
import { issuerChains } from "../core/truststore/issuer-chains";
import { NodeFunction } from "./node-function";

export interface PartnerAuthorizerArgs {
    /** Certificates to deny whoever issued them: stack config's `revokedSerials`. */
    readonly revokedSerials: readonly RevokedSerial[];
    /** Certificates that verified CRLs revoke, denied for their issuer only. Default: none. */
    readonly crlRevocations?: pulumi.Input<CrlRevocation[]>;
    /** The truststore bundle (PEM): a revoked CA certificate of it denies every certificate below it. Default: none, so only a client certificate's own revocation counts. */
    readonly truststorePem?: pulumi.Input<string>;
    /** The client certificates our CA issued, by partner name: the authorizer names their partner. */
    readonly issuedCertificates: pulumi.Input<Record<string, string>>;
    /** Partners with their own CA: the authorizer names the partner of each certificate those CAs issued. Default: none. */
    readonly ownCaPartners?: readonly { readonly name: string; readonly caCertPem: string }[];
    /** Seconds a decision is reused for the same serial in one function instance; 0 turns the cache off. Default: `authorizerCacheSeconds`' default (60). */
    readonly cacheSeconds?: number;
    /** Days to keep the function's logs. */
    readonly logRetentionDays: pulumi.Input<number>;
    /**
     * The SSM parameters that hold the partners' API keys, shard 0 first (`PartnerUsageKeys.parameters`):
     * the function may read those parameters only, and returns the calling partner's key. Default: no keys.
     */
    readonly usageKeysParameters?: readonly aws.ssm.Parameter[];
    /** The API names each partner may call (stack config's `access`). Default: none given, and no API-stages parameter read. */
    readonly access?: Readonly<Record<string, readonly string[]>>;
    /**
     * Name of the SSM parameter that holds each API's stage (`apiStagesParameterName`, an
     * `ApiStagesParameter`): an Allow names the stages of the APIs the partner may call, and only
     * those. The name, not the parameter: the parameter comes after the APIs. Default: an Allow names the called method.
     */
    readonly apiStagesParameterName?: string;
}

/**
 * The ARN of the SSM parameter `name` (a path from "/") in the stack's partition, region and
 * account, from the provider's data sources.
 */
function parameterArn(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const opts = { parent };
    return pulumi.interpolate`arn:${aws.getPartitionOutput({}, opts).partition}:ssm:${aws.getRegionOutput({}, opts).region}:${aws.getCallerIdentityOutput({}, opts).accountId}:parameter${name}`;
}

/**
 * Reading the usage keys' parameters, decrypted, ten a call (handlers/authorizer.ts's
 * GetParameters, authorized per parameter it names). GetParameter too: the role's policy is
 * updated before the function, and an instance of the previous function that starts in between
 * reads the first parameter with GetParameter.
 */
function readParametersStatement(arns: pulumi.Input<string>[]): aws.iam.PolicyStatement {
    return { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: arns };
}

/**
 * Reading one parameter, decrypted. A SecureString under the account's AWS managed key
 * (`aws/ssm`) needs no kms:Decrypt of the caller: that key's policy lets the account's principals
 * decrypt through SSM.
 */
function readParameterStatement(arn: pulumi.Input<string>): aws.iam.PolicyStatement {
    return { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [arn] };
}

/**
 * The REQUEST Lambda authorizer of the partner API (handlers/authorizer.ts): it denies revoked
 * client certificates and names the partner for the integration. It reads no list at request
 * time: the lists come in its package (`lists.json` beside the code), so it runs offline in local
 * mode, and any number of partners fits (an environment variable would stop at Lambda's 4 KB).
 * With usage keys it reads their parameters once per instance (key values are secrets, and the
 * package is kept in the stack's state in plain text), so it is updated only after every one of them.
 */
export class PartnerAuthorizer extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    /** The lists the function decides with, as its package carries them. */
    public readonly lists: pulumi.Output<AuthorizerLists>;

    constructor(name: string, args: PartnerAuthorizerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:PartnerAuthorizer`, name, {}, opts);
        const parameters = args.usageKeysParameters ?? [];
        // The shards' names follow the first (usageKeysParameterNames): their count says them.
        const environment = pulumi.all(parameters.map((parameter) => parameter.name)).apply((names) => ({
            DECISION_CACHE_SECONDS: String(args.cacheSeconds ?? configDeclarations.authorizerCacheSeconds.default),
            ...(names.length === 0 ? {} : { USAGE_KEYS_PARAMETER: names[0] }),
            ...(names.length > 1 ? { USAGE_KEYS_SHARDS: String(names.length) } : {}),
            ...(args.apiStagesParameterName === undefined ? {} : { API_STAGES_PARAMETER: args.apiStagesParameterName }),
        } satisfies AuthorizerEnvironment));
        this.lists = pulumi.all([args.crlRevocations ?? [], args.issuedCertificates, args.truststorePem ?? ""]).apply(([crl, issued, truststore]) => ({
            revocations: revocationList(args.revokedSerials, crl, issuerChains(truststore)),
            partnerNames: partnerNames(issued, args.ownCaPartners ?? []),
            // In the package: a change of access is a new package, so instances start afresh.
            ...(args.access === undefined ? {} : { access: args.access }),
        }));
        const policyStatements = [
            ...(parameters.length === 0 ? [] : [readParametersStatement(parameters.map((parameter) => parameter.arn))]),
            ...(args.apiStagesParameterName === undefined ? [] : [readParameterStatement(parameterArn(args.apiStagesParameterName, this))]),
        ];
        this.function = new NodeFunction(`${name}-function`, {
            entry: require.resolve("../handlers/authorizer"),
            // A new list is a new package: the function is updated in place, nothing else changes.
            files: this.lists.apply((lists) => ({ [authorizerListsFile]: JSON.stringify(lists) })),
            environment,
            timeout: 5,
            logRetentionDays: args.logRetentionDays,
            // The keys parameters' ARNs, not ones built from their names: the function then waits for
            // every shard, so that no instance starts and caches the keys before a new partner's key
            // is in its shard (an instance reads them once; it would deny that partner until recycled).
            // The API-stages parameter comes after the APIs, whose methods need this authorizer: its name.
            policyStatements: policyStatements.length === 0 ? undefined : policyStatements,
        }, { parent: this }).function;

        this.registerOutputs({ function: this.function, lists: this.lists });
    }
}
