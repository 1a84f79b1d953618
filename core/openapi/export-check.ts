// What can be read of an API another stack deploys, from its stage's OpenAPI export with API
// Gateway's extensions (GetExport, exportType oas30, extensions=apigateway): whether each
// operation is guarded by this stack's authorizer and requires an API key, where the key comes
// from, and whether execute-api is off. The endpoint type is not in an export ("the API endpoint
// configuration is not included in the exported API definitions",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-export-api-endpoints.html).
import * as yaml from "js-yaml";
import { isObject, Json, JsonObject, operationsOf } from "./document";

/** The export's title: the API's name, the ApiName dimension of its CloudWatch metrics. Undefined when it cannot be read. */
export function exportTitle(body: string): string | undefined {
    const document = readExport(body);
    const info = document?.info;
    return isObject(info) && typeof info.title === "string" ? info.title : undefined;
}

/**
 * What is wrong with an exported API for partner access through this stack, one finding a
 * line; none when all that can be read is right. `authorizerFunctionArn` is the stack's
 * authorizer function.
 */
export function exportFindings(body: string, authorizerFunctionArn: string): string[] {
    const document = readExport(body);
    if (document === undefined) {
        return ["its stage's export cannot be read as OpenAPI, so nothing of it could be checked"];
    }
    const findings: string[] = [];
    if (document["x-amazon-apigateway-api-key-source"] !== "AUTHORIZER") {
        findings.push(`its API key source is ${JSON.stringify(document["x-amazon-apigateway-api-key-source"] ?? "HEADER")}, not AUTHORIZER, so partners' calls are not metered by their usage plans`);
    }
    const servers = Array.isArray(document.servers) ? document.servers : [];
    const executeApi = servers.map((server) => (isObject(server) ? server["x-amazon-apigateway-endpoint-configuration"] : undefined))
        .find((configuration) => isObject(configuration) && configuration.disableExecuteApiEndpoint === false);
    if (executeApi !== undefined) {
        findings.push("its execute-api endpoint is enabled, a way in without mutual TLS");
    }
    const schemes = isObject(document.components) && isObject(document.components.securitySchemes) ? document.components.securitySchemes : {};
    const ours = (name: string): JsonObject | undefined => {
        const scheme = schemes[name];
        const authorizer = isObject(scheme) ? scheme["x-amazon-apigateway-authorizer"] : undefined;
        return isObject(authorizer) && typeof authorizer.authorizerUri === "string" && authorizer.authorizerUri.includes(`${authorizerFunctionArn}/`) ? authorizer : undefined;
    };
    const cached = Object.keys(schemes).find((name) => {
        const authorizer = ours(name);
        return authorizer !== undefined && authorizer.authorizerResultTtlInSeconds !== 0;
    });
    if (cached !== undefined) {
        findings.push(`its authorizer ${JSON.stringify(cached)} lets API Gateway cache results, shared by every partner with the same identity source; set its result TTL to 0`);
    }
    const isApiKey = (name: string) => {
        const scheme = schemes[name];
        return isObject(scheme) && scheme.type === "apiKey" && scheme.name === "x-api-key" && scheme["x-amazon-apigateway-authorizer"] === undefined;
    };
    const operations = operationsOf(document);
    if (operations.length === 0) {
        findings.push("its stage exports no operation");
    }
    const unguarded: string[] = [];
    const keyless: string[] = [];
    for (const { path, method, operation } of operations) {
        const requirements: Json[] = Array.isArray(operation.security) ? operation.security : Array.isArray(document.security) ? document.security : [];
        const names = requirements.map((r) => (isObject(r) ? Object.keys(r) : []));
        const label = `${method === "x-amazon-apigateway-any-method" ? "ANY" : method.toUpperCase()} ${path}`;
        // Any one requirement object lets a call in: every one must hold the authorizer and the key.
        if (names.length === 0 || names.some((requirement) => !requirement.some((name) => ours(name) !== undefined))) {
            unguarded.push(label);
        }
        if (names.length === 0 || names.some((requirement) => !requirement.some(isApiKey))) {
            keyless.push(label);
        }
    }
    const listed = (labels: readonly string[]) => `${labels.slice(0, 3).join(", ")}${labels.length > 3 ? ` and ${labels.length - 3} more` : ""}`;
    if (unguarded.length > 0) {
        findings.push(`${unguarded.length} operation(s) are not guarded by this stack's authorizer, so revoked certificates and partners' access are not enforced: ${listed(unguarded)}`);
    }
    if (keyless.length > 0) {
        findings.push(`${keyless.length} operation(s) do not require an API key, so partners' throttles and quotas do not apply: ${listed(keyless)}`);
    }
    return findings;
}

function readExport(body: string): JsonObject | undefined {
    try {
        const document = yaml.load(body, { schema: yaml.CORE_SCHEMA, maxAliases: 0 }) as Json;
        return isObject(document) ? document : undefined;
    } catch {
        return undefined;
    }
}
