// What local mode reads of the stack's `apis` config (a map keyed by API name): each API's base
// path, the restApiId of one deployed elsewhere, and `localUrl`, the origin that serves the API on
// this machine. The program checks the rest of the entry; local mode checks only localUrl, which
// only it uses.
import { projectName } from "../../core/config/keys";
import type { LocalApiConfig } from "./domain-model";
import { ModelError } from "./domain-model";

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** The entries of the project's `apis` key (its config value as JSON; undefined when unset). */
export function readApiConfig(value: string | undefined): LocalApiConfig[] {
    if (value === undefined) {
        return [];
    }
    const apis = JSON.parse(value) as unknown;
    if (apis === null || typeof apis !== "object" || Array.isArray(apis)) {
        return [];
    }
    return Object.entries(apis as Record<string, Record<string, unknown> | null>).map(([name, entry]) => {
        const localUrl = text(entry?.localUrl);
        if (localUrl !== undefined && !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(localUrl)) {
            throw new ModelError(`${projectName}:apis.${name}.localUrl is ${localUrl}; set it to an http(s) origin such as http://127.0.0.1:9100 (pulumi config set --path 'apis.${name}.localUrl' http://127.0.0.1:9100)`);
        }
        return { name, basePath: text(entry?.basePath) ?? "", restApiId: text(entry?.restApiId), localUrl };
    });
}
