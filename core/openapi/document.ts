// An OpenAPI 3.0 document as this project reads it: parsed from YAML or JSON, its operations
// walked with their JSON pointers, so that every message can say where in the file it means.
import * as yaml from "js-yaml";

/** A JSON value as a document holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A problem with an OpenAPI file: where (file and JSON pointer) and what to do; one line. */
export class OpenApiError extends Error {
    constructor(readonly file: string, readonly pointer: string, readonly problem: string) {
        super(`${file}${pointer === "" ? "" : `#${pointer}`}: ${problem}`);
        this.name = "OpenApiError";
    }
}

/** The methods of an OpenAPI Path Item, and API Gateway's catch-all. */
export const operationMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "x-amazon-apigateway-any-method"] as const;
export type OperationMethod = (typeof operationMethods)[number];

/** One operation of the document, with where it is. */
export interface Operation {
    /** The path template, such as /orders/{id}. */
    readonly path: string;
    readonly method: OperationMethod;
    /** The JSON pointer of the operation object, such as /paths/~1orders~1{id}/get. */
    readonly pointer: string;
    readonly operation: JsonObject;
}

export function isObject(value: Json | undefined): value is JsonObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON pointer of the given keys (RFC 6901: `~` as `~0`, `/` as `~1`). */
export function pointer(...keys: readonly (string | number)[]): string {
    return keys.map((key) => `/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/**
 * The document in a file's text, YAML or JSON (JSON is YAML). Refuses what is not a mapping,
 * and YAML aliases (a few lines of them can expand into gigabytes).
 */
export function parseDocument(file: string, text: string): JsonObject {
    let document: unknown;
    try {
        document = yaml.load(text, { schema: yaml.CORE_SCHEMA, maxAliases: 0, filename: file });
    } catch (error) {
        const reason = error instanceof yaml.YAMLException ? `${error.reason}${error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ""}` : String(error);
        throw new OpenApiError(file, "", `is not YAML or JSON (${reason}); fix that line`);
    }
    if (!isObject(document as Json)) {
        throw new OpenApiError(file, "", "is not an OpenAPI document (a mapping with openapi, info and paths); write the API in OpenAPI 3.0");
    }
    return document as JsonObject;
}

/** Every operation of the document's `paths`, in the file's order. */
export function operationsOf(document: JsonObject): Operation[] {
    const paths = document.paths;
    if (!isObject(paths)) {
        return [];
    }
    return Object.entries(paths).flatMap(([path, item]) => {
        if (!isObject(item)) {
            return [];
        }
        return operationMethods.flatMap((method) => {
            const operation = item[method];
            return isObject(operation) ? [{ path, method, pointer: pointer("paths", path, method), operation }] : [];
        });
    });
}
