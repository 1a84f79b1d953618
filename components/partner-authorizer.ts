import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configDeclarations, projectName } from "../core/config/keys";
import { RevokedSerial } from "../core/config/revocation";
import { CrlRevocation } from "../core/x509/crl";
import { AuthorizerEnvironment, AuthorizerLists, authorizerListsFile, partnerNames, revocationList } from "../core/authorizer/decision";
import { NodeFunction } from "./node-function";

export interface PartnerAuthorizerArgs {
    /** Certificates to deny whoever issued them: stack config's `revokedSerials`. */
    readonly revokedSerials: readonly RevokedSerial[];
    /** Certificates that verified CRLs revoke, denied for their issuer only. Default: none. */
    readonly crlRevocations?: pulumi.Input<CrlRevocation[]>;
    /** The client certificates our CA issued, by partner name: the authorizer names their partner. */
    readonly issuedCertificates: pulumi.Input<Record<string, string>>;
    /** Partners with their own CA: the authorizer names the partner of each certificate those CAs issued. Default: none. */
    readonly ownCaPartners?: readonly { readonly name: string; readonly caCertPem: string }[];
    /** Seconds a decision is reused for the same serial in one function instance; 0 turns the cache off. Default: `authorizerCacheSeconds`' default (60). */
    readonly cacheSeconds?: number;
    /** Days to keep the function's logs. */
    readonly logRetentionDays: pulumi.Input<number>;
    /**
     * Name of the SSM parameter that holds each partner's API key (`usageKeysParameterName`); the
     * function may read that parameter only, and returns the calling partner's key. The name, not
     * the parameter: the parameter comes after the API, whose methods need this authorizer. Default: no keys.
     */
    readonly usageKeysParameterName?: string;
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
 * With usage keys it reads their parameter once per instance: key values are secrets, and the
 * package is kept in the stack's state in plain text.
 */
export class PartnerAuthorizer extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    /** The lists the function decides with, as its package carries them. */
    public readonly lists: pulumi.Output<AuthorizerLists>;

    constructor(name: string, args: PartnerAuthorizerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:PartnerAuthorizer`, name, {}, opts);
        const parameter = args.usageKeysParameterName;
        const environment: Record<string, string> = {
            DECISION_CACHE_SECONDS: String(args.cacheSeconds ?? configDeclarations.authorizerCacheSeconds.default),
            ...(parameter === undefined ? {} : { USAGE_KEYS_PARAMETER: parameter }),
            ...(args.apiStagesParameterName === undefined ? {} : { API_STAGES_PARAMETER: args.apiStagesParameterName }),
        } satisfies AuthorizerEnvironment;
        const parameters = [parameter, args.apiStagesParameterName].flatMap((name) => (name === undefined ? [] : [name]));
        this.lists = pulumi.all([args.crlRevocations ?? [], args.issuedCertificates]).apply(([crl, issued]) => ({
            revocations: revocationList(args.revokedSerials, crl),
            partnerNames: partnerNames(issued, args.ownCaPartners ?? []),
            // In the package: a change of access is a new package, so instances start afresh.
            ...(args.access === undefined ? {} : { access: args.access }),
        }));
        this.function = new NodeFunction(`${name}-function`, {
            entry: require.resolve("../handlers/authorizer"),
            // A new list is a new package: the function is updated in place, nothing else changes.
            files: this.lists.apply((lists) => ({ [authorizerListsFile]: JSON.stringify(lists) })),
            environment,
            timeout: 5,
            logRetentionDays: args.logRetentionDays,
            policyStatements: parameters.length === 0 ? undefined : parameters.map((name) => readParameterStatement(parameterArn(name, this))),
        }, { parent: this }).function;

        this.registerOutputs({ function: this.function, lists: this.lists });
    }
}
