// The `apis` key of stack config: the REST APIs behind the partner domain, by name, each at its
// own base path. An API the stack creates comes from an OpenAPI file in the project; an API
// another stack deploys is named by its id and stage. Unset, the sample customer API.
import * as path from "node:path";
import { closestName } from "./closest";
import { ConfigEnvironment, ConfigError, parseNamedMap } from "./values";
import { CheckedApi, checkApiFile } from "../openapi/contract";
import { OpenApiError } from "../openapi/document";

interface ApiBase {
    /** The key in `apis`: what partners' `access` lists and outputs name the API by. */
    readonly name: string;
    /** The first path segment of the API on the domain, such as c360. */
    readonly basePath: string;
    /** Local mode only: the origin (http(s) on this machine) a partner's call goes to instead of the API's own backend. */
    readonly localUrl?: string;
}

/** An API this stack creates from an OpenAPI 3.0 file (YAML or JSON) of the project. */
export interface CreatedApiConfig extends ApiBase {
    readonly kind: "created";
    /** The file, relative to the project, as config names it. */
    readonly openApiFile: string;
    /** The file's text, as read. */
    readonly openApiText: string;
    /** The file's document, checked against what partner access needs (core/openapi/contract.ts). */
    readonly document: CheckedApi;
}

/** An API another stack deploys in the same account and region: this stack maps its stage and meters it. */
export interface ExternalApiConfig extends ApiBase {
    readonly kind: "external";
    readonly restApiId: string;
    readonly stageName: string;
}

export type ApiConfig = CreatedApiConfig | ExternalApiConfig;

/** The sample customer API's file: what `apis` unset stands for, at `basePath`. */
export const sampleApiName = "customer";
export const sampleApiFile = "apis/customer.yaml";

const apiFields = ["basePath", "openApiFile", "restApiId", "stageName", "localUrl"] as const;
type RawApi = Readonly<Partial<Record<(typeof apiFields)[number], unknown>>>;

const apiName = /^[a-z0-9-]{1,48}$/;
/** API Gateway's base path: one segment, as the stack's `basePath` has always been. */
export const basePathPattern = /^[A-Za-z0-9._-]{1,128}$/;
// REST API ids are ten characters of lower-case letters and digits.
const restApiIdPattern = /^[a-z0-9]{10}$/;
const stageNamePattern = /^[A-Za-z0-9_-]{1,128}$/;
const loopbackHosts = ["127.0.0.1", "localhost", "[::1]"];
const example = "{orders: {basePath: orders, openApiFile: apis/orders.yaml}, billing: {basePath: billing, restApiId: a1b2c3d4e5, stageName: prod}}";

/**
 * Reads `apis` (JSON text of a map keyed by API name), each entry checked and its file read.
 * An empty map is the sample customer API at `basePath` (the stack's key).
 */
export function parseApis(value: string, basePath: string, env: ConfigEnvironment): ApiConfig[] {
    const entries = parseNamedMap<RawApi>("apis", value, example);
    if (entries.length === 0) {
        return [createdApi(sampleApiName, basePath, sampleApiFile, undefined, env)];
    }
    const byBasePath = new Map<string, string>();
    return entries.map(([name, entry]): ApiConfig => {
        const key = `apis.${name}`;
        if (!apiName.test(name)) {
            throw new ConfigError(`${key}: the API name ${JSON.stringify(name)} must be 1 to 48 characters of a-z, 0-9 and '-', such as orders`);
        }
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new ConfigError(`${key} is ${JSON.stringify(entry)}, not a map; write it as {basePath: ${name}, openApiFile: apis/${name}.yaml} or {basePath: ${name}, restApiId: <id>, stageName: <stage>}`);
        }
        const stranger = Object.keys(entry).find((field) => !(apiFields as readonly string[]).includes(field));
        if (stranger !== undefined) {
            throw new ConfigError(`${key}.${stranger} is not a field of an API (the closest is ${closestName(stranger, apiFields)}); rename it, or remove it (the fields are ${apiFields.join(", ")})`);
        }
        for (const field of apiFields) {
            if (entry[field] !== undefined && (typeof entry[field] !== "string" || entry[field] === "")) {
                throw new ConfigError(`${key}.${field} is ${JSON.stringify(entry[field])}; set it to a non-empty string or remove it`);
            }
        }
        const fields = entry as Readonly<Partial<Record<(typeof apiFields)[number], string>>>;
        if (fields.basePath === undefined || !basePathPattern.test(fields.basePath)) {
            const given = fields.basePath === undefined ? "is not set" : `"${fields.basePath}" is not one path segment`;
            throw new ConfigError(`${key}.basePath ${given}; set it to one path segment of letters, digits, '.', '_' or '-', such as ${name}`);
        }
        const other = byBasePath.get(fields.basePath);
        if (other !== undefined) {
            throw new ConfigError(`${key}.basePath "${fields.basePath}" is also the base path of apis.${other}; give each API its own base path`);
        }
        byBasePath.set(fields.basePath, name);
        const localUrl = fields.localUrl === undefined ? undefined : parseLocalUrl(`${key}.localUrl`, fields.localUrl);
        const created = fields.openApiFile !== undefined;
        const external = fields.restApiId !== undefined;
        if (created === external) {
            throw new ConfigError(`${key} sets ${created ? "both openApiFile and restApiId" : "neither openApiFile nor restApiId"}; set exactly one: openApiFile for an API this stack creates from an OpenAPI file, restApiId (with stageName) for one another stack deploys`);
        }
        if (fields.openApiFile !== undefined) {
            if (fields.stageName !== undefined) {
                throw new ConfigError(`${key}.stageName has no effect on an API this stack creates (openApiFile): its stage is the stack's stageName; remove it`);
            }
            return createdApi(name, fields.basePath, fields.openApiFile, localUrl, env);
        }
        const restApiId = fields.restApiId as string;
        if (!restApiIdPattern.test(restApiId)) {
            throw new ConfigError(`${key}.restApiId "${restApiId}" is not a REST API id; set it to the ten-character id of the API (\`aws apigateway get-rest-apis --query 'items[].[id,name]'\`)`);
        }
        if (fields.stageName === undefined || !stageNamePattern.test(fields.stageName)) {
            const given = fields.stageName === undefined ? "is not set" : `"${fields.stageName}" is not a stage name`;
            throw new ConfigError(`${key}.stageName ${given}; set it to the stage of ${restApiId} to map, such as prod (\`aws apigateway get-stages --rest-api-id ${restApiId}\`)`);
        }
        return { kind: "external", name, basePath: fields.basePath, restApiId, stageName: fields.stageName, ...(localUrl === undefined ? {} : { localUrl }) };
    });
}

function createdApi(name: string, basePath: string, file: string, localUrl: string | undefined, env: ConfigEnvironment): CreatedApiConfig {
    let openApiText: string;
    try {
        openApiText = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`apis.${name}.openApiFile "${file}" cannot be read; put the API's OpenAPI 3.0 file (YAML or JSON) at that path, relative to the project directory`);
    }
    const handlerExists = (handler: string) => {
        try {
            env.readFile(path.resolve(env.projectDir, "handlers", `${handler}.ts`));
            return true;
        } catch {
            return false;
        }
    };
    let document: CheckedApi;
    try {
        document = checkApiFile(file, openApiText, handlerExists);
    } catch (error) {
        throw error instanceof OpenApiError ? new ConfigError(`apis.${name}.openApiFile ${error.message}`) : error;
    }
    return { kind: "created", name, basePath, openApiFile: file, openApiText, document, ...(localUrl === undefined ? {} : { localUrl }) };
}

/** An http(s) origin on this machine, as local mode may call it. */
function parseLocalUrl(key: string, value: string): string {
    let url: URL | undefined;
    try {
        url = new URL(value);
    } catch {
        url = undefined;
    }
    if (url === undefined || !["http:", "https:"].includes(url.protocol) || !loopbackHosts.includes(url.hostname) || url.username !== "" || url.password !== "") {
        throw new ConfigError(`${key} "${value}" is not an http(s) URL on this machine; set it to where the API runs locally, such as http://127.0.0.1:9100`);
    }
    return value;
}
