import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PartnerLimits } from "../core/usage/limits";
import { usagePlanQuotaWarning } from "../core/usage/keys";
import { projectName } from "../core/config/keys";

export interface PartnerUsagePlansArgs {
    /** Each partner's throttle and quota (stack config's `partnerLimits`). */
    readonly partners: readonly PartnerLimits[];
    /** Each partner's API key, by partner name (`PartnerUsageKeys.apiKeys`). */
    readonly apiKeys: Readonly<Record<string, aws.apigateway.ApiKey>>;
    /** The stages the plans meter: every API's, each as its stage resource gives it, so that the plans wait for it. */
    readonly apiStages: readonly { readonly apiId: pulumi.Input<string>; readonly stage: pulumi.Input<string> }[];
}

/** What a plan's description says: its partner and limits in API Gateway's units. Exported for testing. */
export function planDescription(partner: PartnerLimits): string {
    const { throttle, quota } = partner;
    return `${throttle.rateLimit} requests/s, burst ${throttle.burstLimit}, ${quota.limit} requests per ${quota.period}: ${partner.name}`;
}

/**
 * Per-partner throttling and quotas: one usage plan per partner on every API's stage, and the
 * partner's key in it.
 *
 * A plan per partner, named for it: new limits update the partner's plan in place (the provider's
 * usage plan has no ForceNew property, usage_plan.go), and the key stays in it. A plan per set of
 * limits made a limit change a new plan and moved the key, and a plan key cannot move (every
 * property of aws_api_gateway_usage_plan_key is ForceNew): the partner had no plan meanwhile.
 */
export class PartnerUsagePlans extends pulumi.ComponentResource {
    /** The usage plans, by partner name. */
    public readonly plans: Readonly<Record<string, aws.apigateway.UsagePlan>>;

    constructor(name: string, args: PartnerUsagePlansArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:PartnerUsagePlans`, name, {}, opts);
        const child = { parent: this };
        const stack = pulumi.getStack();
        // Above the default quota the deployment fails at the first plan AWS refuses; warned, not
        // refused, as the account may have a higher quota.
        const quota = usagePlanQuotaWarning(args.partners.length);
        if (quota !== undefined) {
            void pulumi.log.warn(quota, this);
        }

        const plans: Record<string, aws.apigateway.UsagePlan> = {};
        for (const partner of [...args.partners].sort((a, b) => a.name.localeCompare(b.name))) {
            const plan = new aws.apigateway.UsagePlan(`${name}-${partner.name}-limits`, {
                name: `${stack}-${partner.name}`,
                description: planDescription(partner),
                apiStages: args.apiStages.map((stage) => ({ apiId: stage.apiId, stage: stage.stage })),
                throttleSettings: { rateLimit: partner.throttle.rateLimit, burstLimit: partner.throttle.burstLimit },
                quotaSettings: { limit: partner.quota.limit, period: partner.quota.period },
            }, child);
            plans[partner.name] = plan;
            new aws.apigateway.UsagePlanKey(`${name}-${partner.name}-plan`, {
                keyId: args.apiKeys[partner.name].id,
                keyType: "API_KEY",
                usagePlanId: plan.id,
            }, {
                ...child,
                // The provider returns the key's value here too, and does not mark it secret.
                additionalSecretOutputs: ["value"],
                // A key may be in one plan of a stage only: should a key ever move to another plan,
                // the old plan key has to go before the new one can be made.
                deleteBeforeReplace: true,
            });
        }
        this.plans = plans;

        this.registerOutputs({ plans: this.plans });
    }
}
