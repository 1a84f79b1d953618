import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";
import { usageKeysValue } from "../core/usage/keys";

export interface PartnerUsageKeysArgs {
    /** Names of the partners that get a key. */
    readonly partners: readonly string[];
    /** Name of the SSM parameter to hold each partner's key, the one the authorizer reads (`usageKeysParameterName`). */
    readonly parameterName: string;
}

/**
 * An API key per partner, and the keys by partner in a SecureString SSM parameter for the
 * authorizer, which returns the caller's key to API Gateway (`apiKeySource: AUTHORIZER`).
 * Partners never see a key: AWS generates each value, the provider marks it secret, and it lives
 * only in that parameter and, encrypted, in the stack's state.
 *
 * Declared before the authorizer, which waits for the parameter: a function instance that starts
 * reads the keys once, so it must never start before a new partner's key is in the parameter.
 * The keys and the parameter were children of `PartnerUsagePlans` of the same name before: the
 * alias keeps their URNs, so no existing key is replaced.
 */
export class PartnerUsageKeys extends pulumi.ComponentResource {
    /** Each partner's API key, by partner name. */
    public readonly apiKeys: Readonly<Record<string, aws.apigateway.ApiKey>>;
    /** The parameter of the keys, `{partner: key value}` as JSON. */
    public readonly parameter: aws.ssm.Parameter;

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

        const values = Object.fromEntries(Object.entries(apiKeys).map(([partner, key]) => [partner, key.value]));
        this.parameter = new aws.ssm.Parameter(`${name}-keys`, {
            name: args.parameterName,
            type: "SecureString",
            // Standard (4 KB) while the keys fit, Advanced (8 KB) once they do not; never back, as
            // AWS cannot downgrade a parameter, and the provider keeps Intelligent-Tiering from
            // diffing against the tier AWS chose (parameter.go's DiffSuppressFunc on `tier`).
            // The partner count is bounded at config time (core/usage/keys.ts).
            tier: "Intelligent-Tiering",
            description: "API key of each partner, by partner name, for the authorizer to return as usageIdentifierKey",
            value: pulumi.secret(pulumi.all(values).apply(usageKeysValue)),
        }, child);

        this.registerOutputs({ apiKeys: this.apiKeys, parameter: this.parameter });
    }
}
