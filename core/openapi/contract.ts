// What an OpenAPI file of an API the stack creates may say. The stack adds what partner access
// needs (core/openapi/deployed-body.ts); a file that says otherwise would be overridden unseen or,
// worse, open a way around the authorizer, so it is refused, in one line naming the place and the fix.
import { isObject, Json, JsonObject, OpenApiError, Operation, operationsOf, parseDocument, pointer } from "./document";

/** The OpenAPI extension on an operation that names a Lambda handler of this repository (handlers/<name>.ts). */
export const handlerExtension = "x-apigw-mtls-handler";
/** The security scheme the stack adds for its REQUEST authorizer. */
export const authorizerScheme = "apigw-mtls-authorizer";
/** The security scheme of API keys, as API Gateway's documentation names it. */
export const apiKeyScheme = "api_key";

const integrationExtension = "x-amazon-apigateway-integration";
const endpointExtension = "x-amazon-apigateway-endpoint-configuration";
const validatorsExtension = "x-amazon-apigateway-request-validators";
const validatorExtension = "x-amazon-apigateway-request-validator";
const keySourceExtension = "x-amazon-apigateway-api-key-source";
const authorizerExtension = "x-amazon-apigateway-authorizer";

/** Integration types an operation of the file may use; aws_proxy only through `x-apigw-mtls-handler`. */
export const integrationTypes = ["http", "http_proxy", "mock"] as const;

const handlerName = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** A file that keeps the contract: the document, and the handlers its operations name. */
export interface CheckedApi {
    readonly file: string;
    readonly document: JsonObject;
    /** Names of the handlers (handlers/<name>.ts) the operations use, each once, in the file's order. */
    readonly handlers: readonly string[];
}

/** Whether the repository has handlers/<name>.ts; the caller knows where the project is. */
export type HandlerExists = (name: string) => boolean;

/** Parses and checks an API's OpenAPI file; throws `OpenApiError` at the first place that breaks the contract. */
export function checkApiFile(file: string, text: string, handlerExists: HandlerExists): CheckedApi {
    const document = parseDocument(file, text);
    const fail = (at: string, problem: string) => new OpenApiError(file, at, problem);
    const version = document.openapi;
    if (typeof version !== "string" || !/^3\.0\.\d+$/.test(version)) {
        const given = version === undefined ? (document.swagger === undefined ? "is missing" : `is missing (swagger ${JSON.stringify(document.swagger)})`) : `is ${JSON.stringify(version)}`;
        throw fail("/openapi", `openapi ${given}; write the API in OpenAPI 3.0 (openapi: 3.0.3), which API Gateway imports`);
    }
    const operations = operationsOf(document);
    if (operations.length === 0) {
        throw fail("/paths", "declares no operation; add at least one, such as paths: {/orders/{id}: {get: ...}}");
    }
    checkApiLevel(document, fail);
    const handlers: string[] = [];
    for (const op of operations) {
        checkSecurity(op.operation.security, `${op.pointer}/security`, fail);
        const handler = checkIntegration(op, handlerExists, fail);
        if (handler !== undefined && !handlers.includes(handler)) {
            handlers.push(handler);
        }
        checkValidator(document, op.operation[validatorExtension], `${op.pointer}/${validatorExtension}`, fail);
    }
    return { file, document, handlers };
}

type Fail = (at: string, problem: string) => OpenApiError;

/** The API-level settings: key source, endpoint, security, validators. */
function checkApiLevel(document: JsonObject, fail: Fail): void {
    const keySource = document[keySourceExtension];
    if (keySource !== undefined && keySource !== "AUTHORIZER") {
        throw fail(pointer(keySourceExtension), `${keySourceExtension} is ${JSON.stringify(keySource)}, but partners hold no API key: the stack's authorizer returns it; remove the extension (the stack sets AUTHORIZER)`);
    }
    const servers = Array.isArray(document.servers) ? document.servers : [];
    const places: [string, Json | undefined][] = [
        [pointer(endpointExtension), document[endpointExtension]],
        ...servers.map((server, i): [string, Json | undefined] => [pointer("servers", i, endpointExtension), isObject(server) ? server[endpointExtension] : undefined]),
    ];
    for (const [at, configuration] of places) {
        if (!isObject(configuration)) {
            continue;
        }
        if (configuration.types !== undefined && JSON.stringify(configuration.types) !== JSON.stringify(["REGIONAL"]) && configuration.types !== "REGIONAL") {
            throw fail(`${at}/types`, `the endpoint type is ${JSON.stringify(configuration.types)}, but mutual TLS needs a REGIONAL API (EDGE and PRIVATE APIs cannot be behind an mTLS domain); remove types (the stack makes the API REGIONAL)`);
        }
        if (configuration.vpcEndpointIds !== undefined) {
            throw fail(`${at}/vpcEndpointIds`, "vpcEndpointIds make a PRIVATE API, which cannot be behind an mTLS domain; remove them (the stack makes the API REGIONAL)");
        }
        if (configuration.disableExecuteApiEndpoint !== undefined && configuration.disableExecuteApiEndpoint !== true) {
            throw fail(`${at}/disableExecuteApiEndpoint`, `disableExecuteApiEndpoint is ${JSON.stringify(configuration.disableExecuteApiEndpoint)}, which leaves the execute-api endpoint open without mutual TLS; remove it (the stack disables that endpoint)`);
        }
    }
    const schemes = isObject(document.components) ? document.components.securitySchemes : undefined;
    if (isObject(schemes)) {
        for (const [name, scheme] of Object.entries(schemes)) {
            const at = pointer("components", "securitySchemes", name);
            if (isObject(scheme) && scheme[authorizerExtension] !== undefined) {
                throw fail(`${at}/${authorizerExtension}`, "declares an authorizer of its own, which would not deny revoked certificates; remove it (the stack puts its own authorizer on every operation)");
            }
            if (name !== apiKeyScheme) {
                throw fail(at, `the security scheme ${JSON.stringify(name)} is not the stack's; remove it (the stack guards every operation with its authorizer and the partner's API key)`);
            }
        }
    }
    checkSecurity(document.security, pointer("security"), fail);
    checkValidator(document, document[validatorExtension], pointer(validatorExtension), fail);
}

/** A `security` may name only API keys: the stack adds its authorizer; `[]` or `{}` opens the operation. */
function checkSecurity(security: Json | undefined, at: string, fail: Fail): void {
    if (security === undefined) {
        return;
    }
    if (!Array.isArray(security) || security.length === 0 || security.some((requirement) => !isObject(requirement) || Object.keys(requirement).length === 0)) {
        throw fail(at, `security is ${JSON.stringify(security)}, which would leave operations without the stack's authorizer; remove it (the stack puts its authorizer and the partner's API key on every operation)`);
    }
    for (const [i, requirement] of security.entries()) {
        const other = Object.keys(requirement as JsonObject).find((name) => name !== apiKeyScheme);
        if (other !== undefined) {
            throw fail(`${at}/${i}/${other}`, `security names ${JSON.stringify(other)}, which is not the stack's authorizer; remove it (the stack puts its authorizer and the partner's API key on every operation)`);
        }
    }
}

/** A request validator named at the API or an operation must validate the request's parameters. */
function checkValidator(document: JsonObject, name: Json | undefined, at: string, fail: Fail): void {
    if (name === undefined) {
        return;
    }
    const validators = document[validatorsExtension];
    const validator = typeof name === "string" && isObject(validators) ? validators[name] : undefined;
    if (!isObject(validator)) {
        throw fail(at, `names the request validator ${JSON.stringify(name)}, which ${validatorsExtension} does not declare; declare it, or remove the name (the stack validates parameters by default)`);
    }
    if (validator.validateRequestParameters !== true) {
        throw fail(pointer(validatorsExtension, name as string, "validateRequestParameters"), `the validator ${JSON.stringify(name)} does not validate request parameters, which every operation must; set validateRequestParameters: true`);
    }
}

/** The operation's integration: a handler of the repository, or http, http_proxy or mock. Returns the handler's name. */
function checkIntegration(op: Operation, handlerExists: HandlerExists, fail: Fail): string | undefined {
    const integration = op.operation[integrationExtension];
    const handler = op.operation[handlerExtension];
    const at = `${op.pointer}/${integrationExtension}`;
    if (handler !== undefined) {
        const here = `${op.pointer}/${handlerExtension}`;
        if (typeof handler !== "string" || !handlerName.test(handler) || handler === "authorizer") {
            throw fail(here, `${handlerExtension} is ${JSON.stringify(handler)}; name a Lambda handler of this repository, such as customer for handlers/customer.ts`);
        }
        if (!handlerExists(handler)) {
            throw fail(here, `${handlerExtension} names handlers/${handler}.ts, which does not exist; add it (exporting handler), or name an existing one`);
        }
        if (integration !== undefined && !(isObject(integration) && typeof integration.type === "string" && integration.type.toLowerCase() === "aws_proxy" && integration.uri === undefined)) {
            throw fail(at, `an operation with ${handlerExtension} gets its Lambda proxy integration from the stack; remove ${integrationExtension} (or its type and uri)`);
        }
        return handler;
    }
    if (!isObject(integration)) {
        throw fail(op.pointer, `has no integration; add ${integrationExtension} (type http, http_proxy or mock), or ${handlerExtension}: <name> for a Lambda handler of this repository`);
    }
    const type = typeof integration.type === "string" ? integration.type.toLowerCase() : JSON.stringify(integration.type);
    if (type === "aws_proxy") {
        throw fail(`${at}/type`, `aws_proxy to a function this stack does not make is not taken; set ${handlerExtension}: <name> on the operation for handlers/<name>.ts, and remove ${integrationExtension}`);
    }
    if (!(integrationTypes as readonly string[]).includes(type)) {
        throw fail(`${at}/type`, `the integration type is ${JSON.stringify(integration.type)}; use one of ${integrationTypes.join(", ")}, or ${handlerExtension} for a Lambda handler of this repository`);
    }
    if (type !== "mock" && (typeof integration.uri !== "string" || !/^https?:\/\/[^/\s]+/.test(integration.uri))) {
        throw fail(`${at}/uri`, `the ${type} integration has uri ${JSON.stringify(integration.uri)}; set it to the backend's http(s) URL, such as https://orders.internal.example.com/orders/{id}`);
    }
    if (type !== "mock" && typeof integration.httpMethod !== "string") {
        throw fail(`${at}/httpMethod`, `the ${type} integration has no httpMethod; set the method to call the backend with, such as ${op.method === "x-amazon-apigateway-any-method" ? "ANY" : op.method.toUpperCase()}`);
    }
    return undefined;
}
