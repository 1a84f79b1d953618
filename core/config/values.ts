// Reading one raw config value: the error every config module throws, and the scalar and list
// readers they share. Values arrive as strings, the way Pulumi stores them.
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "./keys";

/** Config keys as strings, the way Pulumi stores them (objects and arrays as JSON). */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/**
 * Config values that cannot work: one line each, naming the key, the value and the fix. A message
 * of several lines lists several problems (`checkEach` of ./problems gathers them).
 */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** Where a relative file of config (`caCertFile`, `csrFile`, `crlFile`) is read from, and how; tests substitute their own. */
export interface ConfigEnvironment {
    readonly projectDir: string;
    readonly readFile: (file: string) => string;
}

/**
 * A structured config value that must be a list (Pulumi hands it over as JSON).
 * Entries are as written: `T` has only `unknown` fields, for the caller to check.
 */
export function parseList<T>(key: string, value: string, shape: string): T[] {
    let list: unknown;
    try {
        list = JSON.parse(value);
    } catch {
        list = value;
    }
    if (!Array.isArray(list)) {
        throw new ConfigError(`${key} is ${JSON.stringify(list)}, not a list; set it in the stack file as a YAML list of ${shape}`);
    }
    return list as T[];
}

/**
 * A structured config value that must be a map keyed by name (Pulumi hands it over as JSON), in
 * the order written. A list, the form these keys once had, is refused with the map it should be.
 */
export function parseNamedMap<T>(key: string, value: string, example: string): [string, T][] {
    let map: unknown;
    try {
        map = JSON.parse(value);
    } catch {
        map = value;
    }
    if (Array.isArray(map)) {
        const named = map.every((entry) => typeof entry === "object" && entry !== null && typeof (entry as { name?: unknown }).name === "string");
        const written = named && map.length > 0 ? flowMap(map as { name: string }[]) : example;
        throw new ConfigError(`${key} is a list, but it is a map keyed by name now; write it in the stack file as apigw-mtls:${key}: ${written}`);
    }
    if (typeof map !== "object" || map === null) {
        throw new ConfigError(`${key} is ${JSON.stringify(map)}, not a map; write it in the stack file as apigw-mtls:${key}: ${example}`);
    }
    return Object.entries(map as Record<string, T>);
}

/** Entries `{name, ...fields}` as the YAML flow map `{name: {fields}}` they become. */
function flowMap(entries: readonly { name: string }[]): string {
    const scalar = (v: unknown): string => (typeof v === "string" && /^[\w./@-]+$/.test(v) ? v : JSON.stringify(v));
    const fields = (entry: Record<string, unknown>): string => {
        const rest = Object.entries(entry).filter(([field]) => field !== "name");
        return `{${rest.map(([field, v]) => `${field}: ${typeof v === "object" && v !== null && !Array.isArray(v) ? fields(v as Record<string, unknown>) : scalar(v)}`).join(", ")}}`;
    };
    return `{${entries.map((entry) => `${scalar(entry.name)}: ${fields(entry as unknown as Record<string, unknown>)}`).join(", ")}}`;
}

export function requireString(raw: RawConfig, key: string, example: string): string {
    const value = raw[key];
    if (value === undefined || value.trim() === "") {
        // Local mode reads the stack file without the CLI: say how to write it there too.
        throw new ConfigError(`${key} is not set; run \`pulumi config set ${key} ${example}\`, or add \`${projectName}:${key}: ${example}\` under \`config:\` in Pulumi.<stack>.yaml`);
    }
    return value.trim();
}

/** A key's value, the stack's or Pulumi.yaml's default; only a key declared without a default can be missing. */
export function setting(raw: RawConfig, key: string): string {
    const value = raw[key];
    if (value === undefined) {
        throw new ConfigError(`${key} is not set and Pulumi.yaml gives it no default; set it in Pulumi.<stack>.yaml, or declare a default for it`);
    }
    return value;
}

/** A key whose default is "" in Pulumi.yaml, which means unset. */
export function optionalSetting(raw: RawConfig, key: string): string | undefined {
    const value = raw[key];
    return value === "" ? undefined : value;
}

export function stringSetting(raw: RawConfig, key: string): string {
    return setting(raw, key).trim();
}

export function booleanSetting(raw: RawConfig, key: string): boolean {
    const value = setting(raw, key);
    if (value !== "true" && value !== "false") {
        throw new ConfigError(`${key} "${value}" is not a boolean; set it to true or false`);
    }
    return value === "true";
}

export function positiveNumber(key: string, value: string, what: string): number {
    if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) {
        throw new ConfigError(`${key} "${value}" must be a positive whole number ${what}`);
    }
    return Number(value);
}

export function positiveInteger(raw: RawConfig, key: string): number {
    return positiveNumber(key, setting(raw, key), "of days");
}

export function wholeNumber(raw: RawConfig, key: string): number {
    const value = setting(raw, key);
    if (!/^\d+$/.test(value.trim())) {
        throw new ConfigError(`${key} "${value}" must be a whole number of seconds, 0 or more`);
    }
    return Number(value);
}

