// What a partner meets in local mode past its usage plan, as API Gateway answers it: a token
// bucket per partner (429 Too Many Requests past the burst) and a quota counter per UTC period
// (429 Limit Exceeded past the quota). Each partner has its own bucket and counter.
import { Quota, QuotaPeriod, UsageLimits } from "../../core/usage/limits";

/** What `take` answers: go on, or the response API Gateway would send instead. */
export type Admission = { readonly allowed: true } | { readonly allowed: false; readonly status: 429; readonly body: string };

/** Why a request was refused, as the body's `message` says it. */
export type Refusal = "Too Many Requests" | "Limit Exceeded";

export interface LimiterOptions {
    /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
    readonly now?: () => number;
}

interface PartnerState {
    readonly limits: UsageLimits;
    tokens: number;
    /** When `tokens` was last brought up to date. */
    refilledAt: number;
    /** Start of the quota period that `used` counts, in ms since the epoch. */
    periodStart: number;
    used: number;
}

const dayMs = 86_400_000;

/**
 * Admits or refuses each partner's requests by its limits. Holds one entry per partner it was
 * given and no other: a partner it does not know is a programming error, not a new entry.
 */
export class PartnerLimiter {
    readonly #partners = new Map<string, PartnerState>();
    readonly #now: () => number;

    constructor(limitsByPartner: ReadonlyMap<string, UsageLimits> | Readonly<Record<string, UsageLimits>>, options: LimiterOptions = {}) {
        this.#now = options.now ?? Date.now;
        const start = this.#now();
        const entries = limitsByPartner instanceof Map ? [...limitsByPartner.entries()] : Object.entries(limitsByPartner);
        for (const [partner, limits] of entries) {
            // A bucket starts full, as a plan's does when a key is added to it.
            this.#partners.set(partner, { limits, tokens: limits.throttle.burstLimit, refilledAt: start, periodStart: periodStart(limits.quota, start), used: 0 });
        }
    }

    /** The partners it knows, in the order it was given them. */
    get partners(): string[] {
        return [...this.#partners.keys()];
    }

    /**
     * Counts one request of `partner`. The quota is checked first and a refused request uses up
     * neither a token nor the quota, so that a partner refused for its burst keeps its quota.
     */
    take(partner: string): Admission {
        const state = this.#state(partner);
        const now = this.#now();
        const period = periodStart(state.limits.quota, now);
        if (period !== state.periodStart) {
            state.periodStart = period;
            state.used = 0;
        }
        const { rateLimit, burstLimit } = state.limits.throttle;
        // A clock that steps back refills nothing rather than draining the bucket.
        state.tokens = Math.min(burstLimit, state.tokens + Math.max(0, now - state.refilledAt) / 1000 * rateLimit);
        state.refilledAt = now;
        if (state.used >= state.limits.quota.limit) {
            return refuse("Limit Exceeded");
        }
        if (state.tokens < 1) {
            return refuse("Too Many Requests");
        }
        state.tokens -= 1;
        state.used += 1;
        return { allowed: true };
    }

    /**
     * One line for `npm run local`: "acme-bank: 50 requests/s, burst 100, 100000 per DAY", named
     * `label` instead of the partner's own name when given. A quota without a finite limit is "no quota".
     */
    describe(partner: string, label = partner): string {
        const { throttle, quota } = this.#state(partner).limits;
        const perPeriod = Number.isFinite(quota.limit) ? `${quota.limit} per ${quota.period}` : "no quota";
        return `${label}: ${throttle.rateLimit} requests/s, burst ${throttle.burstLimit}, ${perPeriod}`;
    }

    #state(partner: string): PartnerState {
        const state = this.#partners.get(partner);
        if (state === undefined) {
            throw new RangeError(`no usage limits for partner "${partner}"; the limiter knows ${this.partners.join(", ") || "no partner"}`);
        }
        return state;
    }
}

function refuse(message: Refusal): Admission {
    return { allowed: false, status: 429, body: JSON.stringify({ message }) };
}

/**
 * Start (UTC midnight) of the quota period that holds `now`: the day, the week from Sunday (a
 * plan's offset 0, the only one the program sets), the month from the 1st.
 */
export function periodStart(quota: Quota, now: number): number {
    const today = Math.floor(now / dayMs) * dayMs;
    const kinds: Record<QuotaPeriod, () => number> = {
        DAY: () => today,
        WEEK: () => today - new Date(today).getUTCDay() * dayMs,
        MONTH: () => {
            const date = new Date(today);
            return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
        },
    };
    return kinds[quota.period]();
}
