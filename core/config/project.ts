// Pulumi.yaml's `config:` is the one place each config key and its default is written: the
// program's parser, the mocks and the README check all read them from here.
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

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

/** The project's name and its declared keys, each with its default as the CLI stores it (undefined: none). */
export interface DeclaredConfig {
    readonly name: string;
    /** In Pulumi.yaml's order; a default is its text (scalars) or JSON (lists), as the program receives it. */
    readonly defaults: Readonly<Record<string, string | undefined>>;
}

/** A default as the CLI hands it to the program when the stack sets nothing. */
function storedDefault(value: unknown): string | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/** The keys of a Pulumi.yaml document's `config:` of the project's own namespace, with their defaults. */
export function declaredConfig(document: unknown): DeclaredConfig {
    const project = (document ?? {}) as { name?: unknown; config?: Record<string, unknown> };
    if (typeof project.name !== "string" || project.name === "") {
        throw new Error("Pulumi.yaml has no project name");
    }
    const defaults: Record<string, string | undefined> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (key.includes(":") && !key.startsWith(`${project.name}:`)) {
            continue;
        }
        // A bare value (`key: value`) is the key's default.
        const bare = typeof declaration !== "object" || declaration === null || Array.isArray(declaration);
        defaults[key.slice(key.indexOf(":") + 1)] = storedDefault(bare ? declaration : (declaration as { default?: unknown }).default);
    }
    return { name: project.name, defaults };
}

/** Pulumi.yaml of the project at `dir`. */
export function readDeclaredConfig(dir = projectDir): DeclaredConfig {
    return declaredConfig(yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")));
}
