// Reading resource properties safely, naming resources in messages, and reading rule config.
import { PolicyConfigSchema, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";

/** A value that is not known yet (during preview): a rule skips the check that needs it. */
export const unknown: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof unknown;

/**
 * Runs `read` and returns a plain copy of what it reads, or `unknown`. The policy server wraps
 * props in a proxy that throws on unknown values, at any depth and even inside arrays; copying
 * the value out here means that no later `.includes` or loop meets one. Raw unknown sentinels
 * (props that did not come through the server) are caught by wrapping the result once more.
 */
export function known<T>(read: () => T): T | Unknown {
    try {
        return plain(unknownCheckingProxy({ value: read() }).value) as T;
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return unknown;
        }
        throw e;
    }
}

/**
 * Like `known`, but reads a list element by element: an element that is not known yet is
 * `unknown` in the copy and the others keep their values, so that a rule can judge what it
 * knows (`["EDGE", <unknown>]` is EDGE already). A value that is not a list is read as `known` reads it.
 */
export function knownItems(read: () => unknown): unknown {
    const length = known(() => {
        const value = read();
        return Array.isArray(value) ? value.length : undefined;
    });
    if (length === unknown) {
        return unknown;
    }
    if (length === undefined) {
        return known(read);
    }
    return Array.from({ length }, (_, i) => known(() => (read() as unknown[])[i]));
}

function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return Array.from({ length: value.length }, (_, i) => plain(value[i]));
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
        // A class instance (an asset): hand back the object itself, not the proxies around it,
        // because a proxied Promise (StringAsset.text) cannot be awaited.
        let target = value as Record<string, unknown>;
        while (target["__isSpecialProxy"] === true) {
            target = target["__getSpecialProxyTarget"] as Record<string, unknown>;
        }
        return target;
    }
    return Object.fromEntries(Object.keys(value).map(k => [k, plain((value as Record<string, unknown>)[k])]));
}

/** Names a resource in a message: its type and its name. */
export function subject(resource: { type: string; name: string }): string {
    return `${resource.type} "${resource.name}"`;
}

/** A value as a message shows it; `omitted` stands for undefined and null. */
export function show(value: unknown): string {
    if (value === unknown) {
        return "(unknown during preview)";
    }
    if (value === undefined || value === null) {
        return "omitted";
    }
    if (value === "") {
        return "empty";
    }
    if (Array.isArray(value)) {
        return `[${value.map(show).join(", ")}]`;
    }
    switch (typeof value) {
        case "string":
        case "number":
        case "boolean":
        case "bigint":
            return String(value);
        default:
            return JSON.stringify(value);
    }
}

/** Whether a property is set: present and, for a string, not empty. */
export function isSet(value: unknown): boolean {
    return typeof value === "string" ? value.length > 0 : value !== undefined && value !== null;
}

/**
 * The rule's config: what the policy config sets, over the defaults in the rule's schema. The
 * CLI fills in schema defaults too, but a rule must not depend on the host that runs it.
 */
export function settings<T extends object>(args: { getConfig<U extends object>(): U }, schema: PolicyConfigSchema): T {
    const defaults = Object.fromEntries(Object.entries(schema.properties)
        .filter(([, property]) => property.default !== undefined)
        .map(([key, property]) => [key, property.default]));
    return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** Whether `value` matches one of `patterns`, where a trailing `*` matches any rest. */
export function matchesAny(value: string, patterns: readonly string[]): boolean {
    return patterns.some(p => p.endsWith("*") ? value.startsWith(p.slice(0, -1)) : value === p);
}
