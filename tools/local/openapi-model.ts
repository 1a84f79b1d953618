// A REST API defined by its OpenAPI `body`, read as API Gateway imports it: each path a resource
// (`{name}` a parameter, a final `{name+}` greedy), each operation a method (and
// `x-amazon-apigateway-any-method` ANY), its security (a scheme with
// `x-amazon-apigateway-authorizer`, an apiKey scheme for API keys), its request validator and
// its `x-amazon-apigateway-integration`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
import { createHash } from "node:crypto";
import { load } from "js-yaml";
import type { AuthorizerModel, FunctionModel, HttpIntegration, IntegrationModel, IntegrationResponse, MappingSource, MethodModel, MockIntegration, ParameterMapping, ResponseHeader, ResourceNode } from "./domain-model";
import { ModelError } from "./domain-model";

type Json = Record<string, unknown>;

/** What the body reader needs of the model around it. */
export interface BodyContext {
    /** The RestApi's logical name and id, for messages and ids. */
    readonly apiName: string;
    readonly apiId: string;
    readonly executionArn: string;
    readonly stageName: string;
    /** The function an `aws_proxy` URI or an authorizer URI invokes; throws ModelError when the stack has none. */
    readonly functionOf: (uri: unknown, what: string) => FunctionModel;
    /** Why API Gateway could not invoke `fn` from `sourceArn`, when it could not. */
    readonly invokeProblem: (fn: FunctionModel, sourceArn: string, credentials: unknown) => string | undefined;
    /** The API's `localUrl`: where its http integrations go in local mode. */
    readonly localUrl?: string;
}

/** The resource tree of the body and the API-level settings it declares. */
export interface BodyApi {
    readonly root: ResourceNode;
    /** `x-amazon-apigateway-api-key-source`, when the body sets it. */
    readonly apiKeySource?: string;
}

const operations: Readonly<Record<string, string>> = {
    get: "GET", put: "PUT", post: "POST", delete: "DELETE", options: "OPTIONS", head: "HEAD", patch: "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
};

/** The default and maximum integration timeout of a REST API, in ms (extension table: 50..29000). */
const INTEGRATION_TIMEOUT_MS = 29_000;

function object(value: unknown): Json | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Json : undefined;
}

/** The body as JSON or YAML, the two forms API Gateway imports. */
export function parseBody(body: string, apiName: string): Json {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        try {
            parsed = load(body);
        } catch (error) {
            throw new ModelError(`REST API ${apiName}: its body is neither JSON nor YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); fix the OpenAPI file`);
        }
    }
    const document = object(parsed);
    if (!document || !object(document.paths)) {
        throw new ModelError(`REST API ${apiName}: its body has no paths object; API Gateway imports OpenAPI documents with paths`);
    }
    return document;
}

/** Where a mapping expression takes its value from; undefined for what local mode does not map. */
export function mappingSource(expression: string): MappingSource | undefined {
    const quoted = /^'(.*)'$/s.exec(expression);
    if (quoted) {
        return { from: "static", value: quoted[1] };
    }
    const request = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(expression);
    if (request) {
        return { from: request[1] as "path" | "querystring" | "header", name: request[2] };
    }
    const context = /^context\.(.+)$/.exec(expression);
    if (context) {
        return { from: "context", path: context[1].split(".") };
    }
    const stageVariable = /^stageVariables\.(.+)$/.exec(expression);
    return stageVariable ? { from: "stageVariables", name: stageVariable[1] } : undefined;
}

/** A mapping template without VTL: a `$` or a `#` directive would need Velocity, which local mode does not run. */
function staticTemplate(template: unknown, where: string): string {
    if (typeof template !== "string") {
        throw new ModelError(`${where} is not a string; a mapping template is text`);
    }
    if (/[$#]/.test(template)) {
        throw new ModelError(`${where} is a VTL template; local mode serves static mapping templates only (no $ or #): call this method on AWS, or make the template static`);
    }
    return template;
}

function readResponses(integration: Json, where: string): IntegrationResponse[] {
    const responses = object(integration.responses) ?? {};
    return Object.entries(responses).map(([pattern, value]) => {
        const response = object(value) ?? {};
        const at = `${where}/responses/${pattern}`;
        const statusCode = Number(response.statusCode);
        if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
            throw new ModelError(`${at}/statusCode is ${String(response.statusCode)}; an integration response needs an HTTP status code`);
        }
        const headers = Object.entries(object(response.responseParameters) ?? {}).map(([target, source]): ResponseHeader => {
            const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
            const value = typeof source === "string" ? source : "";
            const backend = /^integration\.response\.header\.(.+)$/.exec(value)?.[1];
            const literal = /^'(.*)'$/s.exec(value)?.[1];
            if (name === undefined || (backend === undefined && literal === undefined)) {
                throw new ModelError(`${at}/responseParameters maps ${target} from ${value}; local mode maps static values and integration.response.header.<name> to method.response.header.<name>`);
            }
            return backend === undefined ? { name, value: literal as string } : { name, fromBackendHeader: backend };
        });
        const templates = object(response.responseTemplates) ?? {};
        const template = templates["application/json"] ?? Object.values(templates)[0];
        return {
            // "default" is the default response; any other key is a regular expression over the whole status.
            selectionPattern: pattern === "default" ? undefined : new RegExp(`^(?:${pattern})$`),
            statusCode,
            headers,
            body: template === undefined || template === null ? undefined : staticTemplate(template, `${at}/responseTemplates`),
        };
    });
}

function readParameterMappings(integration: Json, where: string): ParameterMapping[] {
    return Object.entries(object(integration.requestParameters) ?? {}).map(([target, value]) => {
        const to = /^integration\.request\.(path|querystring|header)\.(.+)$/.exec(target);
        const source = typeof value === "string" ? mappingSource(value) : undefined;
        if (!to || !source) {
            throw new ModelError(`${where}/requestParameters maps ${target} from ${String(value)}; local mode maps method.request.*, context.*, stageVariables.* and 'static' values to integration.request.<path|querystring|header>.<name>`);
        }
        return { in: to[1] as ParameterMapping["in"], name: to[2], source };
    });
}

function readHttp(integration: Json, proxy: boolean, where: string, localUrl: string | undefined): HttpIntegration {
    const uri = typeof integration.uri === "string" ? integration.uri : "";
    if (!/^https?:\/\/[^/]+/.test(uri)) {
        throw new ModelError(`${where}/uri is ${uri || "missing"}; an http integration needs an http(s) URL`);
    }
    const requestParameters = readParameterMappings(integration, where);
    for (const [, name] of uri.matchAll(/\{([^}]+)\}/g)) {
        if (!requestParameters.some((p) => p.in === "path" && p.name === name)) {
            throw new ModelError(`${where}/uri names {${name}} but no requestParameters maps integration.request.path.${name}; add "integration.request.path.${name}": "method.request.path.${name}"`);
        }
    }
    const passthrough = String(integration.passthroughBehavior ?? "when_no_match").toLowerCase();
    if (passthrough !== "when_no_match" && passthrough !== "when_no_templates" && passthrough !== "never") {
        throw new ModelError(`${where}/passthroughBehavior is ${passthrough}; API Gateway takes when_no_match, when_no_templates or never`);
    }
    const timeout = integration.timeoutInMillis === undefined ? INTEGRATION_TIMEOUT_MS : Number(integration.timeoutInMillis);
    return {
        kind: "http",
        proxy,
        uri,
        localUrl,
        httpMethod: String(integration.httpMethod ?? "ANY").toUpperCase(),
        requestParameters,
        requestTemplates: proxy ? {} : Object.fromEntries(Object.entries(object(integration.requestTemplates) ?? {})
            .map(([type, template]) => [type.toLowerCase(), staticTemplate(template, `${where}/requestTemplates/${type}`)])),
        passthroughBehavior: passthrough,
        responses: proxy ? [] : readResponses(integration, where),
        timeoutMs: Number.isFinite(timeout) ? Math.min(Math.max(timeout, 50), INTEGRATION_TIMEOUT_MS) : INTEGRATION_TIMEOUT_MS,
    };
}

function readMock(integration: Json, where: string): MockIntegration {
    const statusCodes: Record<string, number> = {};
    for (const [type, template] of Object.entries(object(integration.requestTemplates) ?? {})) {
        const at = `${where}/requestTemplates/${type}`;
        let statusCode: unknown;
        try {
            statusCode = object(JSON.parse(staticTemplate(template, at)))?.statusCode;
        } catch (error) {
            if (error instanceof ModelError) {
                throw error;
            }
        }
        if (!Number.isInteger(statusCode)) {
            throw new ModelError(`${at} is not {"statusCode": <number>}; a mock integration's request template names the status it selects`);
        }
        statusCodes[type.toLowerCase()] = statusCode as number;
    }
    return { kind: "mock", statusCodes, responses: readResponses(integration, where) };
}

/** The JSON pointer of a path's operation, as messages name places in the file. */
function pointer(path: string, operation: string): string {
    return `/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${operation}`;
}

/** Reads the body's paths into a resource tree; throws ModelError on what local mode cannot serve. */
export function readBodyApi(document: Json, context: BodyContext): BodyApi {
    const { apiName, apiId, executionArn } = context;
    const schemes = object(object(document.components)?.securitySchemes) ?? object(document.securityDefinitions) ?? {};
    const validators = object(document["x-amazon-apigateway-request-validators"]) ?? {};
    const authorizers = new Map<string, AuthorizerModel>();
    const authorizerOf = (name: string): AuthorizerModel => {
        const known = authorizers.get(name);
        if (known) {
            return known;
        }
        const definition = object(object(schemes[name])?.["x-amazon-apigateway-authorizer"]) ?? {};
        const kind = String(definition.type ?? "token").toUpperCase();
        const where = `REST API ${apiName} body /components/securitySchemes/${name}`;
        if (kind !== "REQUEST") {
            throw new ModelError(`${where} is a ${kind} authorizer; local mode emulates REQUEST Lambda authorizers`);
        }
        // An imported authorizer gets an id only on import; local mode derives a stable one.
        const id = createHash("sha256").update(`${apiId}/${name}`).digest("hex").slice(0, 6);
        const fn = context.functionOf(definition.authorizerUri, where);
        const ttl = definition.authorizerResultTtlInSeconds;
        const authorizer: AuthorizerModel = {
            id,
            name,
            function: fn,
            identitySources: String(definition.identitySource ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
            // "If this field is not set, the default value is 300." (API reference, Authorizer)
            ttlSeconds: ttl === undefined ? 300 : Number(ttl),
            invokeProblem: context.invokeProblem(fn, `${executionArn}/authorizers/${id}`, definition.authorizerCredentials),
        };
        authorizers.set(name, authorizer);
        return authorizer;
    };

    const root: ResourceNode = { id: resourceId(apiId, "/"), path: "/", statics: new Map(), methods: new Map() };
    const nodeAt = (path: string): ResourceNode => {
        let node = root;
        for (const part of path.split("/").filter((s) => s !== "")) {
            const variable = /^\{([^}+]+)(\+?)\}$/.exec(part);
            const below = `${node.path === "/" ? "" : node.path}/${part}`;
            const make = (): ResourceNode => ({ id: resourceId(apiId, below), path: below, statics: new Map(), methods: new Map() });
            if (!variable) {
                node = node.statics.get(part) ?? node.statics.set(part, make()).get(part) as ResourceNode;
            } else if (variable[2]) {
                node.greedy ??= { name: variable[1], node: make() };
                node = node.greedy.node;
            } else {
                node.param ??= { name: variable[1], node: make() };
                if (node.param.name !== variable[1]) {
                    throw new ModelError(`REST API ${apiName} body: ${below} and ${node.param.node.path} name one path parameter differently; API Gateway refuses sibling parameters`);
                }
                node = node.param.node;
            }
        }
        return node;
    };

    for (const [path, item] of Object.entries(object(document.paths) ?? {})) {
        const pathItem = object(item) ?? {};
        const node = nodeAt(path);
        for (const [key, value] of Object.entries(pathItem)) {
            const httpMethod = operations[key.toLowerCase()];
            const operation = object(value);
            if (httpMethod === undefined || !operation) {
                continue;
            }
            const where = `REST API ${apiName} body ${pointer(path, key)}`;
            node.methods.set(httpMethod, readOperation({ document, schemes, validators, pathItem, operation, node, httpMethod, where, context, authorizerOf }));
        }
    }
    const apiKeySource = document["x-amazon-apigateway-api-key-source"];
    return { root, apiKeySource: typeof apiKeySource === "string" ? apiKeySource.toUpperCase() : undefined };
}

function resourceId(apiId: string, path: string): string {
    return createHash("sha256").update(`${apiId}${path}`).digest("hex").slice(0, 10);
}

interface OperationInput {
    readonly document: Json;
    readonly schemes: Json;
    readonly validators: Json;
    readonly pathItem: Json;
    readonly operation: Json;
    readonly node: ResourceNode;
    readonly httpMethod: string;
    readonly where: string;
    readonly context: BodyContext;
    readonly authorizerOf: (scheme: string) => AuthorizerModel;
}

function readOperation(input: OperationInput): MethodModel {
    const { document, schemes, validators, pathItem, operation, node, httpMethod, where, context } = input;
    // The operation's security, else the document's; API Gateway takes the first requirement.
    const security = Array.isArray(operation.security) ? operation.security : Array.isArray(document.security) ? document.security : [];
    const requirement = Object.keys(object(security[0]) ?? {});
    let authorizer: AuthorizerModel | undefined;
    let apiKeyRequired = false;
    for (const name of requirement) {
        const scheme = object(schemes[name]);
        if (!scheme) {
            throw new ModelError(`${where}/security names ${name}, which components/securitySchemes does not define`);
        }
        if (scheme["x-amazon-apigateway-authorizer"] !== undefined) {
            authorizer = input.authorizerOf(name);
        } else if (scheme.type === "apiKey") {
            apiKeyRequired = true;
        } else {
            throw new ModelError(`${where}/security names ${name}, a ${String(scheme.type)} scheme; local mode emulates Lambda authorizers and API keys`);
        }
    }
    const validatorName = operation["x-amazon-apigateway-request-validator"] ?? document["x-amazon-apigateway-request-validator"];
    const validator = typeof validatorName === "string" ? object(validators[validatorName]) : undefined;
    if (typeof validatorName === "string" && !validator) {
        throw new ModelError(`${where} uses request validator ${validatorName}, which x-amazon-apigateway-request-validators does not define`);
    }
    // "whether to validate the required request parameters": only those declared required.
    const requiredParameters = validator?.validateRequestParameters === true
        ? [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]
            .map(object)
            .flatMap((p) => (p && p.required === true && (p.in === "query" || p.in === "header") && typeof p.name === "string"
                ? [{ in: p.in === "query" ? "querystring" as const : "header" as const, name: p.name }]
                : []))
        : [];
    const methodArn = `${context.executionArn}/${context.stageName}/${httpMethod === "ANY" ? "*" : httpMethod}${node.path === "/" ? "/" : node.path}`;
    return {
        httpMethod,
        resourcePath: node.path,
        resourceId: node.id,
        authorizer,
        requiredParameters,
        apiKeyRequired,
        integration: readIntegration(operation, `${where}/x-amazon-apigateway-integration`, context, methodArn),
    };
}

function readIntegration(operation: Json, where: string, context: BodyContext, methodArn: string): IntegrationModel {
    const integration = object(operation["x-amazon-apigateway-integration"]);
    if (!integration) {
        throw new ModelError(`${where} is missing; API Gateway imports an operation without one with a warning and cannot serve it: add the integration`);
    }
    const type = String(integration.type ?? "").toLowerCase();
    switch (type) {
        case "aws_proxy": {
            const fn = context.functionOf(integration.uri, where);
            return { kind: "lambda", function: fn, invokeProblem: context.invokeProblem(fn, methodArn, integration.credentials) };
        }
        case "http":
        case "http_proxy":
            return readHttp(integration, type === "http_proxy", where, context.localUrl);
        case "mock":
            return readMock(integration, where);
        default:
            throw new ModelError(`${where}/type is ${type || "missing"}; local mode serves aws_proxy, http, http_proxy and mock integrations`);
    }
}
