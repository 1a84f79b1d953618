// The usage plans of a stage as API Gateway applies them, read from the declared resources:
// each plan's throttle and quota, and the API keys its plan keys add to it.
import { resourceTypes } from "../../core/resource-types";
import { QuotaPeriod, quotaPeriods, Throttle } from "../../core/usage/limits";
import type { CapturedResource } from "../simulator/program";
import { ApiKeyModel, ModelError, UsagePlanModel } from "./domain-model";

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * What a plan without throttleSettings gets: the account's own limit in most regions, 10,000
 * requests per second with a bucket of 5,000. Exported for testing.
 */
export const accountThrottle: Throttle = { rateLimit: 10_000, burstLimit: 5_000 };

interface ApiStage {
    readonly apiId?: unknown;
    readonly stage?: unknown;
    readonly throttles?: unknown;
}

function number(value: unknown, what: string): number {
    const parsed = Number(value);
    if (value === undefined || value === null || value === "" || !Number.isFinite(parsed)) {
        throw new ModelError(`${what} is ${JSON.stringify(value) ?? "omitted"}, not a number`);
    }
    return parsed;
}

/** The usage plans of one stage, each with the keys added to it; a key in two of them is refused, as API Gateway refuses it. */
export function readUsagePlans(all: (type: string) => CapturedResource[], apiId: string, stageName: string): UsagePlanModel[] {
    const plans = all(resourceTypes.apigatewayUsagePlan).flatMap((plan): UsagePlanModel[] => {
        const stages = (Array.isArray(plan.inputs.apiStages) ? plan.inputs.apiStages : []) as ApiStage[];
        const here = stages.find((s) => s.apiId === apiId && s.stage === stageName);
        if (!here) {
            return [];
        }
        const name = text(plan.inputs.name) ?? plan.name;
        if (Array.isArray(here.throttles) && here.throttles.length > 0) {
            throw new ModelError(`usage plan ${name} sets per-method throttles on stage ${stageName}; local mode emulates a plan's throttleSettings and quotaSettings only`);
        }
        const throttle = plan.inputs.throttleSettings as { rateLimit?: unknown; burstLimit?: unknown } | undefined;
        const quota = plan.inputs.quotaSettings as { limit?: unknown; period?: unknown; offset?: unknown } | undefined;
        if (quota?.offset !== undefined && Number(quota.offset) !== 0) {
            throw new ModelError(`usage plan ${name} has quotaSettings.offset ${JSON.stringify(quota.offset)}; local mode emulates periods that start on their first day (offset 0) only`);
        }
        const period = quota && quotaPeriods.find((p) => p === quota.period);
        if (quota && period === undefined) {
            throw new ModelError(`usage plan ${name} has quotaSettings.period ${JSON.stringify(quota.period)}; API Gateway takes ${quotaPeriods.join(", ")}`);
        }
        const keys = all(resourceTypes.apigatewayUsagePlanKey)
            .filter((k) => k.inputs.usagePlanId === plan.id)
            .map((k) => readApiKey(all, k, name));
        return [{
            id: plan.id,
            name,
            limits: {
                throttle: throttle
                    ? { rateLimit: number(throttle.rateLimit, `usage plan ${name}'s throttleSettings.rateLimit`), burstLimit: number(throttle.burstLimit, `usage plan ${name}'s throttleSettings.burstLimit`) }
                    : accountThrottle,
                quota: quota
                    ? { limit: number(quota.limit, `usage plan ${name}'s quotaSettings.limit`), period: period as QuotaPeriod }
                    : { limit: Number.POSITIVE_INFINITY, period: "DAY" as const },
            },
            keys,
        }];
    });
    const planOf = new Map<string, string>();
    for (const plan of plans) {
        for (const key of plan.keys) {
            const other = planOf.get(key.id);
            if (other !== undefined) {
                throw new ModelError(`API key ${key.name} is in usage plans ${other} and ${plan.name}, which both cover stage ${stageName}; API Gateway refuses a key in two plans of one stage: keep it in one`);
            }
            planOf.set(key.id, plan.name);
        }
    }
    return plans;
}

function readApiKey(all: (type: string) => CapturedResource[], planKey: CapturedResource, planName: string): ApiKeyModel {
    if (planKey.inputs.keyType !== "API_KEY") {
        throw new ModelError(`usage plan key ${planKey.name} has keyType ${String(planKey.inputs.keyType)}; API Gateway takes API_KEY`);
    }
    const key = all(resourceTypes.apigatewayApiKey).find((k) => k.id === planKey.inputs.keyId);
    if (!key) {
        throw new ModelError(`usage plan key ${planKey.name} adds key ${String(planKey.inputs.keyId)} to usage plan ${planName}, but no API key of this stack has that id`);
    }
    const name = text(key.inputs.name) ?? key.name;
    const value = text(key.outputs.value) ?? text(key.inputs.value);
    if (value === undefined) {
        throw new ModelError(`API key ${name} has no value; the mocks generate one for a key that sets none`);
    }
    const tags = (key.inputs.tags ?? {}) as Record<string, unknown>;
    return { id: key.id, name, partner: text(tags.partner) ?? name, value, enabled: key.inputs.enabled !== false };
}

