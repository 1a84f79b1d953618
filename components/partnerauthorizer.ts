import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RevokedSerial } from "../core/config";
import { CrlRevocation } from "../core/crl";
import { AuthorizerEnvironment, AuthorizerLists, authorizerListsFile, partnerNames, revocationList } from "../core/revocation";
import { NodeFunction } from "./nodefunction";

export interface PartnerAuthorizerArgs {
    /** Certificates to deny whoever issued them: stack config's `revokedSerials`. */
    readonly revokedSerials: readonly RevokedSerial[];
    /** Certificates that verified CRLs revoke, denied for their issuer only. Default: none. */
    readonly crlRevocations?: pulumi.Input<CrlRevocation[]>;
    /** The client certificates our CA issued, by partner name: the authorizer names their partner. */
    readonly issuedCertificates: pulumi.Input<Record<string, string>>;
    /** Partners with their own CA: the authorizer names the partner of each certificate those CAs issued. Default: none. */
    readonly ownCaPartners?: readonly { readonly name: string; readonly caCertPem: string }[];
    /** Seconds a decision is reused for the same serial in one function instance; 0 turns the cache off. Default: 60. */
    readonly cacheSeconds?: number;
    /** Days to keep the function's logs. */
    readonly logRetentionDays: pulumi.Input<number>;
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
        const environment: Required<AuthorizerEnvironment> = { DECISION_CACHE_SECONDS: String(args.cacheSeconds ?? 60) };
        this.lists = pulumi.all([args.crlRevocations ?? [], args.issuedCertificates]).apply(([crl, issued]) => ({
            revocations: revocationList(args.revokedSerials, crl),
            partnerNames: partnerNames(issued, args.ownCaPartners ?? []),
        }));
        this.function = new NodeFunction(`${name}-function`, {
            entry: require.resolve("../handlers/authorizer"),
            // A new list is a new package: the function is updated in place, nothing else changes.
            files: this.lists.apply((lists) => ({ [authorizerListsFile]: JSON.stringify(lists) })),
            environment,
            timeout: 5,
            logRetentionDays: args.logRetentionDays,
        }, { parent: this }).function;

        this.registerOutputs({ function: this.function, lists: this.lists });
    }
}
