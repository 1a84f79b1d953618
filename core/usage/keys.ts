// What the usage-keys parameters hold and how they are split: every partner's API key, by partner
// name, as JSON, in SecureString parameters of SSM Parameter Store, each small enough for the
// Standard tier; and the API Gateway quotas that a key and a plan per partner meet.
import { configNamespace, UsageLimitError } from "./limits";

/**
 * Characters of an API key value API Gateway generates: 40 letters and digits (the keys this
 * stack makes; a value set by hand may hold 20 to 128, api_key.go StringLenBetween(20,128)).
 */
export const generatedKeyLength = 40;

/**
 * Parameter Store's value limits: Standard tier 4 KB, Advanced 8 KB ("Maximum size of a parameter
 * value", https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html;
 * the error names 4096 characters: "Standard tier parameters support a maximum parameter value of
 * 4096 characters").
 */
export const parameterValueLimits = { Standard: 4096, Advanced: 8192 } as const;

/**
 * API keys per account per Region: 10,000, not adjustable ("Quotas for configuring and running a
 * REST API in API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
 */
export const apiKeysPerRegion = 10_000;

/**
 * Usage plans per account per Region: 300 by default, adjustable in Service Quotas (same page as
 * `apiKeysPerRegion`).
 */
export const usagePlansPerRegion = 300;

/** The usage-keys parameter's value for these partners' keys: `{partner: key}` as JSON, by name. */
export function usageKeysValue(keys: Readonly<Record<string, string>>): string {
    return JSON.stringify(Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))));
}

/** Characters one partner's `"name":"key"` takes in a value, its key being a generated one: `usageKeysValue` of it alone, less its braces. */
function entrySize(partner: string): number {
    return usageKeysValue({ [partner]: "k".repeat(generatedKeyLength) }).length - 2;
}

/**
 * The partners of each usage-keys parameter (shard): the partners sorted as `usageKeysValue` sorts
 * them, each shard taking the next ones while its value, with generated keys, stays within the
 * Standard tier's 4,096 characters. Always one shard at least, empty without partners: the first
 * parameter is the one stacks had before there were shards. Throws a one-line `UsageLimitError`
 * for a partner whose key alone cannot fit.
 */
export function usageKeyShards(partners: readonly string[]): string[][] {
    const limit = parameterValueLimits.Standard;
    const shards: string[][] = [[]];
    // `{}` around the entries, a comma between two.
    let size = 2;
    for (const partner of [...partners].sort((a, b) => a.localeCompare(b))) {
        const entry = entrySize(partner);
        if (2 + entry > limit) {
            const shown = partner.length > 40 ? `${partner.slice(0, 40)}...` : partner;
            throw new UsageLimitError(`${configNamespace}:partners.${shown}: the partner's name is ${partner.length} characters, and with its usage key takes ${2 + entry} of the ${limit} characters an SSM parameter of the Standard tier holds; shorten the name`);
        }
        const current = shards[shards.length - 1];
        const grown = size + (current.length === 0 ? 0 : 1) + entry;
        if (grown <= limit) {
            current.push(partner);
            size = grown;
        } else {
            shards.push([partner]);
            size = 2 + entry;
        }
    }
    return shards;
}

/**
 * Refuses what the usage keys cannot hold: more partners than API Gateway has API keys for in an
 * account and Region, or a partner name too long for a parameter of its own.
 */
export function checkUsageKeysFit(partners: readonly string[]): void {
    if (partners.length > apiKeysPerRegion) {
        throw new UsageLimitError(`${configNamespace}:partners has ${partners.length} partners, each with an API key, above API Gateway's ${apiKeysPerRegion} API keys per account per Region (not adjustable); split the partners across accounts or Regions`);
    }
    usageKeyShards(partners);
}

/**
 * The warning for partners that need more usage plans than API Gateway's default quota: undefined
 * within it. Not a refusal: the quota can be raised.
 */
export function usagePlanQuotaWarning(plans: number): string | undefined {
    return plans <= usagePlansPerRegion ? undefined
        : `${configNamespace}:partners needs ${plans} usage plans (one per partner), above API Gateway's default quota of ${usagePlansPerRegion} per account per Region, which other stacks there share; request an increase of "Usage plans per account per Region" in Service Quotas before deploying`;
}
