import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";
import { usageKeysParameterNames } from "../core/authorizer/decision";
import { usageKeyShards, usageKeysValue } from "../core/usage/keys";

export interface PartnerUsageKeysArgs {
    /** Names of the partners that get a key. */
    readonly partners: readonly string[];
    /** Name of the first SSM parameter of the keys, the others named after it (`usageKeysParameterName`, `usageKeysParameterNames`). */
    readonly parameterName: string;
}

/**
 * An API key per partner, and the keys by partner in SecureString SSM parameters for the
 * authorizer, which returns the caller's key to API Gateway (`apiKeySource: AUTHORIZER`).
 * Partners never see a key: AWS generates each value, the provider marks it secret, and it lives
 * only in those parameters and, encrypted, in the stack's state.
 *
 * The keys are split across as many parameters (shards) as they need, each within the Standard
 * tier's 4 KB (`usageKeyShards`): 43 partners a shard or more (48 characters is the longest
 * name), so no parameter needs the paid
 * Advanced tier. Shard 0 is the one parameter stacks had before: same resource, name and tier.
 *
 * Declared before the authorizer, which waits for every shard: a function instance that starts
 * reads the keys once, so it must never start before a new partner's key is in its shard. A new
 * or departed partner moves the partners after it across shards, which are updated one by one;
 * an instance started in between would miss a key, but the same change is a new partner list in
 * the authorizer's package, and Lambda starts afresh every instance after the function's update.
 * The keys and the parameter were children of `PartnerUsagePlans` of the same name before: the
 * alias keeps their URNs, so no existing key is replaced.
 */
export class PartnerUsageKeys extends pulumi.ComponentResource {
    /** Each partner's API key, by partner name. */
    public readonly apiKeys: Readonly<Record<string, aws.apigateway.ApiKey>>;
    /** The parameters of the keys, shard 0 first, each `{partner: key value}` as JSON for some of the partners. */
    public readonly parameters: readonly aws.ssm.Parameter[];

    constructor(name: string, args: PartnerUsageKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:PartnerUsageKeys`, name, {}, opts);
        const stack = pulumi.getStack();
        const formerParent = `urn:pulumi:${stack}::${pulumi.getProject()}::${projectName}:api:PartnerUsagePlans::${name}`;
        const child = { parent: this, aliases: [{ parent: formerParent }] };

        const apiKeys: Record<string, aws.apigateway.ApiKey> = {};
        for (const partner of args.partners) {
            apiKeys[partner] = new aws.apigateway.ApiKey(`${name}-${partner}-key`, {
                name: `${stack}-${partner}`,
                description: `Usage key of partner ${partner}: the authorizer presents it for the partner, who never holds it`,
                enabled: true,
                tags: { partner },
            }, child);
        }
        this.apiKeys = apiKeys;

        const shards = usageKeyShards(args.partners);
        const names = usageKeysParameterNames(args.parameterName, shards.length);
        // A shard that goes when partners leave is deleted after the authorizer stops naming it:
        // Pulumi deletes what the program no longer declares only once every create and update of
        // the run is done, the authorizer's among them.
        this.parameters = shards.map((partners, shard) => new aws.ssm.Parameter(shard === 0 ? `${name}-keys` : `${name}-keys-${shard}`, {
            name: names[shard],
            type: "SecureString",
            // Shard 0 keeps the Intelligent-Tiering it had when it held every key: AWS cannot
            // downgrade a parameter, and the provider keeps Intelligent-Tiering from diffing
            // against the tier AWS chose (parameter.go's DiffSuppressFunc on `tier`). Its value now
            // fits Standard, which AWS picks for it unless it grew to Advanced before. Later shards
            // are Standard: AWS refuses a value that would need more.
            tier: shard === 0 ? "Intelligent-Tiering" : "Standard",
            description: `API key of each partner${shard === 0 ? "" : ` of shard ${shard}`}, by partner name, for the authorizer to return as usageIdentifierKey`,
            value: pulumi.secret(pulumi.all(Object.fromEntries(partners.map((partner) => [partner, apiKeys[partner].value]))).apply(usageKeysValue)),
        }, child));

        this.registerOutputs({ apiKeys: this.apiKeys, parameters: this.parameters });
    }
}
