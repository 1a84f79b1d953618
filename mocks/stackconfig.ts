import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

export const projectName = "apigw-mtls";

/** The nearest folder at or above `from` that holds Pulumi.yaml. */
function findProjectDir(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (dir === path.dirname(dir)) {
            throw new Error(`no Pulumi.yaml in ${from} or any folder above it`);
        }
    }
}

// Found by Pulumi.yaml rather than by position, so that mocks compiled to another folder
// (the benchmark runs tsc output) still read the project's stack files.
export const projectDir = findProjectDir(__dirname);

type ConfigValue = string | number | boolean | object;

interface ProjectFile {
    config?: Record<string, { default?: ConfigValue }>;
}

interface StackFile {
    config?: Record<string, ConfigValue | { secure: string }>;
}

function readYaml<T>(file: string): T {
    return (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as T;
}

/** A config value as Pulumi hands it to the program: objects and lists as JSON. */
function asConfigString(key: string, value: ConfigValue): string {
    if (typeof value === "object" && value !== null && "secure" in value) {
        throw new Error(`${key} is an encrypted secret; it cannot be read without the Pulumi CLI, so give it a plain value in local runs`);
    }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A key with its namespace, as Pulumi stores it: `domainName` -> `apigw-mtls:domainName`. */
function qualify(key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/**
 * The config a stack's program sees, as `pulumi up` would give it: the project's defaults
 * from Pulumi.yaml, then Pulumi.<stack>.yaml, then `overrides` (keys with or without the
 * project namespace; `undefined` removes a key).
 */
export function loadStackConfig(stack: string, overrides: Record<string, ConfigValue | undefined> = {}): Record<string, string> {
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`there is no stack "${stack}": ${path.relative(process.cwd(), stackFile)} does not exist`);
    }
    const config: Record<string, string> = {};
    const project = readYaml<ProjectFile>(path.join(projectDir, "Pulumi.yaml"));
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration?.default !== undefined) {
            config[qualify(key)] = asConfigString(key, declaration.default);
        }
    }
    for (const [key, value] of Object.entries(readYaml<StackFile>(stackFile).config ?? {})) {
        config[qualify(key)] = asConfigString(key, value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) {
            delete config[qualify(key)];
        } else {
            config[qualify(key)] = asConfigString(key, value);
        }
    }
    return config;
}
