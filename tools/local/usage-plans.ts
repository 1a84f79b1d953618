// API keys and usage plans as API Gateway applies them to a method with `apiKeyRequired`: the key
// (the `x-api-key` header, or the authorizer's `usageIdentifierKey` with apiKeySource AUTHORIZER)
// must be an enabled key in a usage plan of the stage, else 403 Forbidden; then the limits of that
// plan apply to that key alone (tools/local/rate-limit.ts), so one partner's calls never use another's.
import { answers, GatewayAnswer } from "./answers";
import type { ApiKeyModel, DomainModel, StageModel, UsagePlanModel } from "./domain-model";
import { LimiterOptions, PartnerLimiter } from "./rate-limit";

/** What the key step lets through: the key, or the gateway's answer and why (the key's value never in it). */
export type KeyAdmission =
    | { readonly key: ApiKeyModel }
    | { readonly refusal: GatewayAnswer; readonly reason: string };

interface Entry {
    readonly key: ApiKeyModel;
    readonly plan: UsagePlanModel;
    /** The limiter's name for this key in this plan: stages of one plan share its bucket. */
    readonly limiterId: string;
}

function stageId(stage: Pick<StageModel, "apiId" | "stageName">): string {
    return `${stage.apiId}/${stage.stageName}`;
}

/** The usage plans of a domain's stages, with a token bucket and a quota per key and plan. */
export class UsagePlans {
    readonly #limiter: PartnerLimiter;
    /** Per stage, the entries by key value. */
    readonly #stages = new Map<string, Map<string, Entry>>();
    readonly #entries: Entry[] = [];

    constructor(domain: DomainModel, options: LimiterOptions = {}) {
        const stages = domain.mappings.flatMap((m) => [...(m.stage ? [m.stage] : []), ...m.stages.values()]);
        const limits = new Map<string, UsagePlanModel["limits"]>();
        for (const stage of stages) {
            const byValue = new Map<string, Entry>();
            for (const plan of stage.usagePlans) {
                for (const key of plan.keys) {
                    const limiterId = `${plan.id}/${key.id}`;
                    const entry = { key, plan, limiterId };
                    byValue.set(key.value, entry);
                    if (!limits.has(limiterId)) {
                        limits.set(limiterId, plan.limits);
                        this.#entries.push(entry);
                    }
                }
            }
            this.#stages.set(stageId(stage), byValue);
        }
        this.#limiter = new PartnerLimiter(limits, options);
    }

    /**
     * Admits one call of a method that requires a key, with `value` as the caller's key: refused
     * with 403 when there is none, it is unknown, disabled or in no plan of the stage; with 429
     * past its plan's burst or quota.
     */
    admit(stage: StageModel, value: string | undefined): KeyAdmission {
        const source = stage.apiKeySource === "AUTHORIZER" ? "the authorizer's usageIdentifierKey" : "the x-api-key header";
        if (value === undefined || value === "") {
            return { refusal: answers.forbidden, reason: `no API key in ${source}` };
        }
        const entry = this.#stages.get(stageId(stage))?.get(value);
        if (entry === undefined) {
            return { refusal: answers.forbidden, reason: `the API key in ${source} is in no usage plan of stage ${stage.stageName}` };
        }
        if (!entry.key.enabled) {
            return { refusal: answers.forbidden, reason: `API key ${entry.key.name} is disabled` };
        }
        const admission = this.#limiter.take(entry.limiterId);
        if (!admission.allowed) {
            const answer = admission.body === answers.quotaExceeded.body ? answers.quotaExceeded : answers.throttled;
            return { refusal: answer, reason: `API key ${entry.key.name} (${entry.key.partner}) is past the limits of usage plan ${entry.plan.name}` };
        }
        return { key: entry.key };
    }

    /** One line per key of `partner`: "acme-bank: 50 requests/s, burst 100, 100000 per DAY (usage plan ...)". */
    describe(partner: string): string[] {
        return this.#entries
            .filter((e) => e.key.partner === partner)
            .map((e) => `${this.#limiter.describe(e.limiterId, partner)} (usage plan ${e.plan.name}${e.key.enabled ? "" : ", key disabled"})`);
    }
}
