import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PartnerLimits, planGroups, PlanGroup } from "../core/usage/limits";
import { projectName } from "../core/config/keys";

export interface PartnerUsagePlansArgs {
    /** Each partner's throttle and quota (stack config's `partnerLimits`); partners with the same limits share one plan. */
    readonly partners: readonly PartnerLimits[];
    /** The stages the plans meter: every API's, each as its stage resource gives it, so that the plans wait for it. */
    readonly apiStages: readonly { readonly apiId: pulumi.Input<string>; readonly stage: pulumi.Input<string> }[];
    /** Name of the SSM parameter to hold each partner's key, the one the authorizer reads (`usageKeysParameterName`). */
    readonly parameterName: string;
}

/** What a plan's description says: its limits in API Gateway's units, and who is on it. Exported for testing. */
export function planDescription(group: PlanGroup): string {
    const { throttle, quota } = group;
    return `${throttle.rateLimit} requests/s, burst ${throttle.burstLimit}, ${quota.limit} requests per ${quota.period}: ${group.partners.join(", ")}`;
}

/**
 * Per-partner throttling and quotas: an API key per partner, one usage plan on the stage per
 * set of limits that partners share, each key in its partner's plan, and the keys by partner in
 * a SecureString SSM parameter for the authorizer, which returns the caller's key to API Gateway
 * (`apiKeySource: AUTHORIZER`). Partners never see a key: AWS generates each value, the provider
 * marks it secret, and it lives only in that parameter and, encrypted, in the stack's state.
 */
export class PartnerUsagePlans extends pulumi.ComponentResource {
    /** Each partner's API key, by partner name. */
    public readonly apiKeys: Readonly<Record<string, aws.apigateway.ApiKey>>;
    /** The usage plans, by plan key (`r50-b100-q100000-day`, see `planKey`). */
    public readonly plans: Readonly<Record<string, aws.apigateway.UsagePlan>>;
    /** The parameter of the keys, `{partner: key value}` as JSON. */
    public readonly parameter: aws.ssm.Parameter;

    constructor(name: string, args: PartnerUsagePlansArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:PartnerUsagePlans`, name, {}, opts);
        const child = { parent: this };
        const stack = pulumi.getStack();

        const apiKeys: Record<string, aws.apigateway.ApiKey> = {};
        const plans: Record<string, aws.apigateway.UsagePlan> = {};
        for (const group of planGroups(args.partners)) {
            const plan = new aws.apigateway.UsagePlan(`${name}-${group.key}`, {
                name: `${stack}-${group.key}`,
                description: planDescription(group),
                apiStages: args.apiStages.map((stage) => ({ apiId: stage.apiId, stage: stage.stage })),
                throttleSettings: { rateLimit: group.throttle.rateLimit, burstLimit: group.throttle.burstLimit },
                quotaSettings: { limit: group.quota.limit, period: group.quota.period },
            }, child);
            plans[group.key] = plan;
            for (const partner of group.partners) {
                const key = new aws.apigateway.ApiKey(`${name}-${partner}-key`, {
                    name: `${stack}-${partner}`,
                    description: `Usage key of partner ${partner}: the authorizer presents it for the partner, who never holds it`,
                    enabled: true,
                    tags: { partner },
                }, child);
                apiKeys[partner] = key;
                new aws.apigateway.UsagePlanKey(`${name}-${partner}-plan`, {
                    keyId: key.id,
                    keyType: "API_KEY",
                    usagePlanId: plan.id,
                }, {
                    ...child,
                    // The provider returns the key's value here too, and does not mark it secret.
                    additionalSecretOutputs: ["value"],
                    // A key may be in one plan of a stage only: when its partner moves to another
                    // plan, the old plan key has to go before the new one can be made.
                    deleteBeforeReplace: true,
                });
            }
        }
        this.apiKeys = apiKeys;
        this.plans = plans;

        const byPartner = Object.fromEntries(Object.entries(apiKeys).sort(([a], [b]) => a.localeCompare(b)).map(([partner, key]) => [partner, key.value]));
        this.parameter = new aws.ssm.Parameter(`${name}-keys`, {
            name: args.parameterName,
            type: "SecureString",
            description: "API key of each partner, by partner name, for the authorizer to return as usageIdentifierKey",
            value: pulumi.secret(pulumi.all(byPartner).apply((keys) => JSON.stringify(keys))),
        }, child);

        this.registerOutputs({ apiKeys: this.apiKeys, plans: this.plans, parameter: this.parameter });
    }
}
