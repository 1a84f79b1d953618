// What the usage-keys parameter holds and how large it may grow: every partner's API key, by
// partner name, as JSON, in one SecureString parameter of SSM Parameter Store.
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

/** The usage-keys parameter's value for these partners' keys: `{partner: key}` as JSON, by name. */
export function usageKeysValue(keys: Readonly<Record<string, string>>): string {
    return JSON.stringify(Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))));
}

/** How long the value gets for these partners, their keys being generated ones. */
export function usageKeysSize(partners: readonly string[]): number {
    return usageKeysValue(Object.fromEntries(partners.map((name) => [name, "k".repeat(generatedKeyLength)]))).length;
}

/**
 * Refuses more partners than the usage-keys parameter can hold in Parameter Store's Advanced tier
 * (the parameter's tier is Intelligent-Tiering: Standard until the value needs more than 4 KB).
 */
export function checkUsageKeysFit(partners: readonly string[]): void {
    const size = usageKeysSize(partners);
    if (size > parameterValueLimits.Advanced) {
        throw new UsageLimitError(`${configNamespace}:partners has ${partners.length} partners, whose usage keys take ${size} characters, above SSM Parameter Store's ${parameterValueLimits.Advanced} per parameter; split the partners across stacks, or shorten their names`);
    }
}
