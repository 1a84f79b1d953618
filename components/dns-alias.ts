import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface DnsAliasArgs {
    /** Route 53 zone that holds the name. */
    readonly zoneId: pulumi.Input<string>;
    /** The name partners call, such as api.dev.example.com. */
    readonly name: pulumi.Input<string>;
    /** The domain's `regionalDomainName`, the alias target. */
    readonly targetName: pulumi.Input<string>;
    /** The domain's `regionalZoneId`. */
    readonly targetZoneId: pulumi.Input<string>;
    /** Add an AAAA alias for a dual-stack domain. Default: false. */
    readonly ipv6?: boolean;
}

/** Route 53 alias records from the partners' host name to the Regional domain. */
export class DnsAlias extends pulumi.ComponentResource {
    /** The A record, then the AAAA record when there is one. */
    public readonly records: aws.route53.Record[];

    constructor(name: string, args: DnsAliasArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:dns:DnsAlias`, name, {}, opts);
        const types = args.ipv6 ? ["A", "AAAA"] : ["A"];
        this.records = types.map((type) => new aws.route53.Record(`${name}-${type.toLowerCase()}`, {
            zoneId: args.zoneId,
            name: args.name,
            type,
            aliases: [{ name: args.targetName, zoneId: args.targetZoneId, evaluateTargetHealth: false }],
        }, { parent: this }));
        this.registerOutputs({ records: this.records });
    }
}
