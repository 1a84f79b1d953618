import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { projectName } from "../../core/config/keys";

export { projectName };

/** The nearest folder at or above `from` that holds Pulumi.yaml. */
export function findProjectDir(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (dir === path.dirname(dir)) {
            throw new Error(`no Pulumi.yaml in ${from} or any folder above it`);
        }
    }
}

// Found by Pulumi.yaml rather than by position, so that code compiled to another folder (the
// benchmark runs tsc output) still reads the project's files.
export const projectDir = findProjectDir(__dirname);

/** The `type` of a Pulumi.yaml config key, or of an array's items. */
export type ConfigTypeName = "string" | "integer" | "boolean" | "array" | "object";
const configTypeNames: readonly string[] = ["string", "integer", "boolean", "array", "object"];

/** An array's `items:` in Pulumi.yaml. */
export interface ItemsDeclaration {
    readonly type: ConfigTypeName;
    readonly items?: ItemsDeclaration;
}

/** One key of Pulumi.yaml's `config:`, with the shorthand (`key: value`) written out. */
export interface ConfigDeclaration {
    readonly type?: ConfigTypeName;
    readonly items?: ItemsDeclaration;
    readonly description?: string;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
}

/** What of Pulumi.yaml the CLI checks stacks against. */
export interface ProjectConfig {
    readonly name: string;
    readonly config: Readonly<Record<string, ConfigDeclaration>>;
}

/** A config value as the CLI keeps it: scalars as their text, lists and maps as JSON. */
interface StoredValue {
    readonly text: string;
    readonly object: boolean;
    readonly secure: boolean;
}

/** A stack the CLI would refuse before the program runs, or a Pulumi.yaml it would not load. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

const declarationFields: readonly string[] = ["type", "items", "description", "default", "value", "secret"];
const itemsFields: readonly string[] = ["type", "items"];

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** YAML's null and a missing attribute are the same to the CLI (Go's nil). */
function isSet(value: unknown): boolean {
    return value !== undefined && value !== null;
}

function namespaceOf(key: string): string | undefined {
    return key.includes(":") ? key.slice(0, key.indexOf(":")) : undefined;
}

/** A key with its namespace, as Pulumi stores it: `domainName` -> `<project>:domainName`. */
function qualify(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** JSON's name for a YAML value, as the CLI's schema errors give it. */
function jsonType(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value;
}

/**
 * The shape Pulumi.yaml's JSON schema (sdk/go/common/workspace/project.json) demands of a
 * declaration or of its `items`; throws with the schema's most telling complaint.
 */
function checkShape(file: string, where: string, declaration: unknown, kind: "declaration" | "items"): void {
    const fail = (at: string, message: string) => new StackConfigError(`could not validate '${file}': #/config/${at}: ${message}`);
    if (!isMap(declaration)) {
        throw fail(where, `expected object, but got ${jsonType(declaration)}`);
    }
    const fields = kind === "items" ? itemsFields : declarationFields;
    const unknown = Object.keys(declaration).find((field) => !fields.includes(field));
    if (unknown !== undefined) {
        throw fail(where, `additionalProperties '${unknown}' not allowed`);
    }
    if (kind === "items" && declaration.type === undefined) {
        throw fail(where, "missing properties: 'type'");
    }
    if (declaration.type !== undefined && !configTypeNames.includes(declaration.type as string)) {
        throw fail(`${where}/type`, `value must be one of ${configTypeNames.map((t) => `"${t}"`).join(", ")}`);
    }
    if (kind === "items" && declaration.type === "array" && declaration.items === undefined) {
        throw fail(where, "missing properties: 'items'");
    }
    if (declaration.items !== undefined) {
        checkShape(file, `${where}/items`, declaration.items, "items");
    }
}

/**
 * Pulumi.yaml's `config:` as the CLI loads it (`LoadProjectBytes`, sdk/go/common/workspace/
 * loaders.go): a bare value becomes the key's `default` (or, for another namespace, its `value`),
 * then each declaration is checked.
 */
export function parseProjectConfig(document: unknown, file = "Pulumi.yaml"): ProjectConfig {
    if (!isMap(document) || typeof document.name !== "string" || document.name === "") {
        throw new StackConfigError(`could not validate '${file}': project is missing a non-empty string 'name' attribute`);
    }
    const name = document.name;
    const config: Record<string, ConfigDeclaration> = {};
    for (const [key, raw] of Object.entries(isMap(document.config) ? document.config : {})) {
        const bare = typeof raw === "string" || typeof raw === "boolean" || Number.isInteger(raw) || Array.isArray(raw);
        if (bare) {
            const ours = namespaceOf(key) === undefined || namespaceOf(key) === name;
            config[key] = ours ? { default: raw } : { value: raw };
        } else {
            checkShape(file, key, raw, "declaration");
            config[key] = raw as ConfigDeclaration;
        }
    }
    for (const [key, declaration] of Object.entries(config)) {
        checkDeclaration(file, name, key, declaration);
    }
    return { name, config };
}

/** The checks of the CLI's `Project.Validate` (sdk/go/common/workspace/project.go). */
function checkDeclaration(file: string, project: string, key: string, declaration: ConfigDeclaration): void {
    const fail = (message: string) => new StackConfigError(`could not unmarshal '${file}': ${message}`);
    if (isSet(declaration.default) && isSet(declaration.value)) {
        throw fail(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    const namespace = namespaceOf(key);
    if (namespace === undefined || namespace === project) {
        if (declaration.type === "array" && declaration.items === undefined) {
            throw fail(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
        }
        if (declaration.type !== undefined && isSet(declaration.default) && !matchesType(declaration.type, declaration.items, declaration.default)) {
            throw fail(`The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(declaration.type, declaration.items)}'`);
        }
        return;
    }
    if (declaration.type !== undefined) {
        throw fail(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
    }
    if (isSet(declaration.default)) {
        throw fail(`Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`);
    }
    if (!isSet(declaration.value)) {
        throw fail(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
}

/** `array<integer>` for an array of integers, as the CLI names types in its errors. */
function fullTypeName(type: string, items: ItemsDeclaration | undefined): string {
    return items === undefined ? type : `array<${fullTypeName(items.type, items.items)}>`;
}

/** Go's `strconv.Atoi` on 64 bits: an optional sign, decimal digits, within int64. */
function parsesAsInteger(text: string): boolean {
    if (!/^[+-]?\d+$/.test(text)) {
        return false;
    }
    const value = BigInt(text);
    return value >= -(2n ** 63n) && value < 2n ** 63n;
}

/**
 * Whether a value fits a declared type, as the CLI's `ValidateConfigValue` decides: scalars
 * from a stack arrive as text, so "730" is an integer and "true" a boolean; lists and maps
 * arrive parsed from JSON.
 */
function matchesType(type: string, items: ItemsDeclaration | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && parsesAsInteger(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return isMap(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((item) => matchesType(items.type, items.items, item));
    }
}

/** A value from a stack file, kept as the CLI keeps it (its `config.Value`). */
function storedFromStack(value: unknown): StoredValue {
    if (isMap(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
        return { text: value.secure, object: false, secure: true };
    }
    if (typeof value === "string") {
        return { text: value, object: false, secure: false };
    }
    // An empty value (YAML null) reads as "", for now: the CLI warns that it will become null.
    if (typeof value === "number" || typeof value === "boolean" || value === null) {
        return { text: String(value ?? ""), object: false, secure: false };
    }
    return { text: JSON.stringify(value), object: true, secure: false };
}

/** A project default or value, as the CLI stores it in the stack's config when the stack has none. */
function storedFromProject(value: unknown): StoredValue {
    const scalar = typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
    return scalar ? { text: String(value), object: false, secure: false } : { text: JSON.stringify(value), object: true, secure: false };
}

/** `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`, as the CLI lists missing keys. */
function listKeys(keys: readonly string[]): string {
    const quoted = keys.map((key) => `'${key}'`);
    return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

function plaintext(key: string, value: StoredValue): StoredValue {
    if (value.secure) {
        throw new StackConfigError(`${key} is an encrypted secret; it cannot be read without the Pulumi CLI, so give it a plain value in local runs`);
    }
    return value;
}

/**
 * The stack's config after the CLI's `mergeConfig` (pkg/workspace/config.go), which runs before
 * every preview and update: a key of the project that the stack does not set takes its
 * `default` (or `value`); one with neither refuses the stack; then every stack value of an
 * explicitly typed key must fit the type. `stackConfig` holds the stack file's values by key,
 * with or without the project namespace. Returns each key's value as the program reads it.
 */
export function mergeProjectConfig(stack: string, project: ProjectConfig, stackConfig: Readonly<Record<string, unknown>>): Record<string, string> {
    const merged = new Map<string, StoredValue>();
    for (const [key, value] of Object.entries(stackConfig)) {
        merged.set(qualify(key, project.name), storedFromStack(value));
    }
    // Sorted, as the CLI goes through them: missing keys are listed, and the first bad value named, in this order.
    const keys = Object.keys(project.config).sort();
    const missing: string[] = [];
    for (const key of keys) {
        const declaration = project.config[key];
        const qualified = qualify(key, project.name);
        if (merged.has(qualified)) {
            continue;
        }
        if (isSet(declaration.default) || isSet(declaration.value)) {
            merged.set(qualified, storedFromProject(isSet(declaration.default) ? declaration.default : declaration.value));
        } else if (namespaceOf(qualified) === project.name) {
            missing.push(key);
        }
    }
    if (missing.length > 0) {
        throw new StackConfigError(`Stack '${stack}' is missing configuration ${missing.length === 1 ? "value" : "values"} ${listKeys(missing)}`);
    }
    for (const key of keys) {
        const declaration = project.config[key];
        if (declaration.type === undefined) {
            continue;
        }
        // Only a hand-made ProjectConfig types a key of another namespace; the CLI reads it as "" when unset.
        const value = merged.get(qualify(key, project.name)) ?? storedFromProject("");
        if (declaration.secret && !value.secure) {
            throw new StackConfigError(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
        }
        const stored = plaintext(key, value);
        const content: unknown = stored.object ? JSON.parse(stored.text) : stored.text;
        if (!matchesType(declaration.type, declaration.items, content)) {
            throw new StackConfigError(`Stack '${stack}' with configuration key '${key}' must be of type '${fullTypeName(declaration.type, declaration.items)}'`);
        }
    }
    return Object.fromEntries([...merged].map(([key, value]) => [key, plaintext(key, value).text]));
}

/** A YAML file's content; a syntax error names the file and the place, but quotes none of it (a stack file may hold secrets). */
function readYaml(file: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    try {
        return yaml.load(text);
    } catch (error) {
        if (!(error instanceof yaml.YAMLException)) {
            throw error;
        }
        const where = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : "";
        throw new StackConfigError(`${path.relative(process.cwd(), file)} is not valid YAML: ${error.reason}${where}; fix that line (indent with spaces, quote a value that holds ": " or " #")`);
    }
}

/** The project's Pulumi.yaml, loaded and checked as the CLI does. */
export function readProjectConfig(dir = projectDir): ProjectConfig {
    const file = path.join(dir, "Pulumi.yaml");
    return parseProjectConfig(readYaml(file), file);
}

/** The config Pulumi.<stack>.yaml sets itself, keys with their namespace. */
export function readStackFile(stack: string, project: ProjectConfig, dir = projectDir): Record<string, unknown> {
    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`there is no stack "${stack}": ${path.relative(process.cwd(), stackFile)} does not exist`);
    }
    const document = readYaml(stackFile);
    const config = isMap(document) && isMap(document.config) ? document.config : {};
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [qualify(key, project.name), value]));
}

/**
 * The config a stack's program sees, as `pulumi up` would give it, or the error with which the
 * CLI would refuse the stack: Pulumi.<stack>.yaml with `overrides` applied (keys with or without
 * the project namespace; `undefined` removes a key, as `pulumi config rm` would), then merged
 * with Pulumi.yaml's declarations.
 */
export function loadStackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const project = readProjectConfig();
    const stackConfig = readStackFile(stack, project);
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) {
            delete stackConfig[qualify(key, project.name)];
        } else {
            stackConfig[qualify(key, project.name)] = value;
        }
    }
    return mergeProjectConfig(stack, project, stackConfig);
}
