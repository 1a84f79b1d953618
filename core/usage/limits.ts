// Per-partner throttling and quotas as API Gateway's usage plans spell them: the stack default
// `throttle` / `quota` and each partner's `partners[].throttle` / `partners[].quota`, checked at
// config time, and partners with the same limits grouped into one plan.
import { closestName } from "../config/closest";
import { configDeclarations, projectName } from "../config/keys";
import { checkEach, checkEvery } from "../config/problems";

/** Steady rate and burst, as a usage plan's `throttleSettings`. */
export interface Throttle {
    /** Steady-state requests per second; API Gateway allows fractions (0.5 is one request every two seconds). */
    readonly rateLimit: number;
    /** Requests the token bucket holds: how many may arrive at once. A whole number. */
    readonly burstLimit: number;
}

export const quotaPeriods = ["DAY", "WEEK", "MONTH"] as const;
export type QuotaPeriod = (typeof quotaPeriods)[number];

/**
 * Requests per period, as a usage plan's `quotaSettings`. Without `offset`: AWS's API reference
 * defines it as "the number of requests subtracted from the given limit in the initial time
 * period", older pages and examples as the day a period starts; a setting read two ways is not
 * offered, and config that sets it is refused.
 */
export interface Quota {
    /** Requests allowed in each period. A whole number from 1. */
    readonly limit: number;
    readonly period: QuotaPeriod;
}

/** The limits one partner gets. */
export interface UsageLimits {
    readonly throttle: Throttle;
    readonly quota: Quota;
}

/** A partner's own limits; each one, when set, replaces the stack default's as a whole. */
export interface LimitOverride {
    readonly throttle?: Throttle;
    readonly quota?: Quota;
}

/** A partner with the limits it ends up with. */
export interface PartnerLimits extends UsageLimits {
    readonly name: string;
}

/** The partners that share one usage plan, and the plan's key (`r50-b100-q100000-day`). */
export interface PlanGroup extends UsageLimits {
    readonly key: string;
    /** Names of the partners, sorted. */
    readonly partners: readonly string[];
}

/** The raw values that `parseUsageLimits` reads, as Pulumi config holds them (JSON text or parsed). */
export interface RawUsageConfig {
    readonly throttle?: unknown;
    readonly quota?: unknown;
    readonly partners?: unknown;
}

/** A limit that cannot work; the one-line message names the config key, the value and the fix. */
export class UsageLimitError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageLimitError";
    }
}

/** The project's config namespace, which messages put before each key: core/config/keys.ts's projectName. */
export const configNamespace = projectName;

const throttleFields = ["rateLimit", "burstLimit"] as const;
const quotaFields = ["limit", "period"] as const;

// The stack defaults are the config table's (core/config/keys.ts, the one place a key's default is
// written, with the reasons for these values), checked as any stack's value would be.
/** Default steady rate and burst: the `throttle` key's default (50 requests per second, a burst of 100). */
export const defaultThrottle: Throttle = parseThrottle(configDeclarations.throttle.default, "throttle");
/** Default quota: the `quota` key's default (100,000 requests per UTC day). */
export const defaultQuota: Quota = parseQuota(configDeclarations.quota.default, "quota");
export const defaultLimits: UsageLimits = { throttle: defaultThrottle, quota: defaultQuota };

/**
 * Reads the stack default `throttle` and `quota` and each partner's overrides from raw config
 * values, and returns every partner's limits in config order. Omitted defaults are
 * `defaultLimits`'s. Throws `UsageLimitError` listing every value that cannot work, one a line.
 */
export function parseUsageLimits(raw: RawUsageConfig): { defaults: UsageLimits; partners: PartnerLimits[] } {
    const { throttle, quota, overrides } = checkEach(UsageLimitError, {
        throttle: () => (raw.throttle === undefined ? defaultThrottle : parseThrottle(fromText(raw.throttle, "throttle"), "throttle")),
        quota: () => (raw.quota === undefined ? defaultQuota : parseQuota(fromText(raw.quota, "quota"), "quota")),
        overrides: () => parsePartnerOverrides(raw.partners === undefined ? {} : fromText(raw.partners, "partners")),
    });
    const defaults: UsageLimits = { throttle, quota };
    return { defaults, partners: overrides.map(({ name, override }) => ({ name, ...effectiveLimits(defaults, override) })) };
}

/** Each partner's name and own limits, every partner checked. */
function parsePartnerOverrides(partners: unknown): { name: string; override: LimitOverride }[] {
    if (!isRecord(partners)) {
        throw new UsageLimitError(`${keyOf("partners")} is ${show(partners)}, not a map; set it in the stack file as a YAML map of partner names to {throttle?, quota?, ...}`);
    }
    // `acme-bank:` with nothing after it (YAML null) is a partner with the defaults, as `{}` is.
    return checkEvery(UsageLimitError, Object.entries(partners), ([name, entry]) => ({ name, override: parseOverride(entry ?? {}, name) }));
}

/** A partner's `throttle` and `quota`, each checked; `name` is its key in `partners`. */
export function parseOverride(entry: unknown, name: string): LimitOverride {
    const key = `partners.${name}`;
    if (!isRecord(entry)) {
        throw new UsageLimitError(`${keyOf(key)} is ${show(entry)}; write each partner as a YAML mapping such as {throttle: {rateLimit: 10, burstLimit: 20}}`);
    }
    return {
        ...(entry.throttle === undefined ? {} : { throttle: parseThrottle(entry.throttle, `${key}.throttle`) }),
        ...(entry.quota === undefined ? {} : { quota: parseQuota(entry.quota, `${key}.quota`) }),
    };
}

/** The limits a partner gets: its own throttle and quota where it sets them, the stack's elsewhere. */
export function effectiveLimits(defaults: UsageLimits, override: LimitOverride = {}): UsageLimits {
    return { throttle: override.throttle ?? defaults.throttle, quota: override.quota ?? defaults.quota };
}

/** Checks a `throttleSettings`-shaped value; `key` is its config key without the namespace. */
export function parseThrottle(value: unknown, key: string): Throttle {
    const fields = fieldsOf(value, key, throttleFields, "{rateLimit: 50, burstLimit: 100}");
    const rateLimit = number(fields.rateLimit, `${key}.rateLimit`, "requests per second");
    if (rateLimit <= 0) {
        const why = rateLimit < 0 ? "below 0" : "which refuses every request";
        throw new UsageLimitError(`${keyOf(`${key}.rateLimit`)} is ${show(fields.rateLimit)}, ${why}; set it to the requests per second the partner may send, above 0 (remove the partner to shut it out)`);
    }
    const burstLimit = number(fields.burstLimit, `${key}.burstLimit`, "requests");
    const atLeast = Math.ceil(rateLimit);
    if (burstLimit < 0 || !Number.isInteger(burstLimit)) {
        const why = burstLimit < 0 ? "below 0" : "not a whole number";
        throw new UsageLimitError(`${keyOf(`${key}.burstLimit`)} is ${show(fields.burstLimit)}, ${why}; set it to a whole number of requests, ${atLeast} (rateLimit) or more`);
    }
    if (burstLimit < rateLimit) {
        throw new UsageLimitError(`${keyOf(`${key}.burstLimit`)} is ${burstLimit}, below rateLimit ${rateLimit}, so the partner could never reach its rate; set burstLimit to ${atLeast} or more (twice the rate is usual)`);
    }
    return { rateLimit, burstLimit };
}

/** Checks a `quotaSettings`-shaped value; `key` is its config key without the namespace. */
export function parseQuota(value: unknown, key: string): Quota {
    if (isRecord(value) && value.offset !== undefined) {
        throw new UsageLimitError(`${keyOf(`${key}.offset`)} is ${show(value.offset)}, which this program does not take: AWS's API reference reads it as requests taken off the limit in the first period, older pages as the day a period starts; remove it`);
    }
    const fields = fieldsOf(value, key, quotaFields, "{limit: 100000, period: DAY}");
    const limit = number(fields.limit, `${key}.limit`, "requests per period");
    if (!Number.isInteger(limit) || limit < 1) {
        throw new UsageLimitError(`${keyOf(`${key}.limit`)} is ${show(fields.limit)}, not a positive whole number; set it to the requests allowed per period, 1 or more`);
    }
    const period = typeof fields.period === "string" ? quotaPeriods.find(p => p === (fields.period as string).trim().toUpperCase()) : undefined;
    if (period === undefined) {
        throw new UsageLimitError(`${keyOf(`${key}.period`)} is ${show(fields.period)}, not a quota period; set it to one of ${quotaPeriods.join(", ")}`);
    }
    return { limit, period };
}

/**
 * Groups partners with identical limits, one group per usage plan. Groups come in order of their
 * limits (rate, burst, period, quota), partners in a group by name, so that the plans do
 * not depend on the order of `partners` in the stack file.
 */
export function planGroups(partners: readonly PartnerLimits[]): PlanGroup[] {
    const groups = new Map<string, { limits: UsageLimits; partners: string[] }>();
    for (const partner of partners) {
        const key = planKey(partner);
        const group = groups.get(key) ?? { limits: { throttle: partner.throttle, quota: partner.quota }, partners: [] };
        group.partners.push(partner.name);
        groups.set(key, group);
    }
    return [...groups.entries()]
        .sort(([, a], [, b]) => compareLimits(a.limits, b.limits))
        .map(([key, group]) => ({ key, ...group.limits, partners: [...group.partners].sort() }));
}

/**
 * A key for a set of limits, the same whenever the limits are: `r50-b100-q100000-day`, with
 * `p` for a decimal point (`r0p5`), so that it fits in any resource name.
 */
export function planKey(limits: UsageLimits): string {
    const n = (value: number) => String(value).replace(".", "p");
    return `r${n(limits.throttle.rateLimit)}-b${limits.throttle.burstLimit}-q${limits.quota.limit}-${limits.quota.period.toLowerCase()}`;
}

function compareLimits(a: UsageLimits, b: UsageLimits): number {
    return a.throttle.rateLimit - b.throttle.rateLimit
        || a.throttle.burstLimit - b.throttle.burstLimit
        || quotaPeriods.indexOf(a.quota.period) - quotaPeriods.indexOf(b.quota.period)
        || a.quota.limit - b.quota.limit;
}

function keyOf(key: string): string {
    return `${configNamespace}:${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Pulumi hands a top-level object or list key over as JSON text. */
function fromText(value: unknown, key: string): unknown {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        throw new UsageLimitError(`${keyOf(key)} is ${show(value)}, not a YAML mapping or list; write it in the stack file as YAML under ${keyOf(key)}`);
    }
}

/** The value's fields, after refusing a value that is not a mapping, a field not in `known`, and a missing required one. */
function fieldsOf<F extends string>(value: unknown, key: string, known: readonly F[], example: string): Partial<Record<F, unknown>> {
    if (!isRecord(value)) {
        throw new UsageLimitError(`${keyOf(key)} is ${show(value)}, not a mapping; write it as ${example}`);
    }
    const stranger = Object.keys(value).find(field => !(known as readonly string[]).includes(field));
    if (stranger !== undefined) {
        throw new UsageLimitError(`${keyOf(`${key}.${stranger}`)} is not a field of ${key.replace(/^.*\./, "")} (the closest is ${closestName(stranger, known)}); rename it, or remove it (the fields are ${known.join(", ")})`);
    }
    const missing = known.find(field => value[field] === undefined);
    if (missing !== undefined) {
        const whole = key.startsWith("partners.") ? " (a partner's throttle or quota replaces the stack default's as a whole)" : "";
        throw new UsageLimitError(`${keyOf(`${key}.${missing}`)} is omitted; set it, as in ${example}${whole}`);
    }
    return value as Partial<Record<F, unknown>>;
}

/** A finite number, or a string of digits (Pulumi keeps `config set --path` scalars as strings). */
function number(value: unknown, key: string, unit: string): number {
    const parsed = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof parsed !== "number" || !Number.isFinite(parsed)) {
        throw new UsageLimitError(`${keyOf(key)} is ${show(value)}, not a number; set it to a number of ${unit}`);
    }
    return parsed;
}

function show(value: unknown): string {
    if (value === undefined) {
        return "omitted";
    }
    // JSON has no text for a function or a symbol.
    return typeof value === "function" || typeof value === "symbol" ? String(value) : JSON.stringify(value);
}
