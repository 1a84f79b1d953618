// The `x-amazon-apigateway-integration` of an operation in an OpenAPI body, read as API Gateway
// imports it: `aws_proxy` to a function of the stack, `http`/`http_proxy` with their parameter
// mappings, static templates and integration responses, and `mock`. Local mode does not run VTL:
// a template with `$` or `#` is refused with its place in the body.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
import type { HttpIntegration, IntegrationModel, IntegrationResponse, MappingSource, MockIntegration, ParameterMapping, ResponseHeader } from "./domain-model";
import { ModelError } from "./domain-model";
import type { BodyContext } from "./openapi-model";

type Json = Record<string, unknown>;

/** The default and maximum integration timeout of a REST API, in ms (extension table: 50..29000). */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** A string field of the body, or `fallback` when it is absent or not a string. */
export function field(value: unknown, fallback: string): string {
    return typeof value === "string" ? value : fallback;
}

export function object(value: unknown): Json | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Json : undefined;
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
    const passthrough = field(integration.passthroughBehavior, "when_no_match").toLowerCase();
    if (passthrough !== "when_no_match" && passthrough !== "when_no_templates" && passthrough !== "never") {
        throw new ModelError(`${where}/passthroughBehavior is ${passthrough}; API Gateway takes when_no_match, when_no_templates or never`);
    }
    const timeout = integration.timeoutInMillis === undefined ? INTEGRATION_TIMEOUT_MS : Number(integration.timeoutInMillis);
    return {
        kind: "http",
        proxy,
        uri,
        localUrl,
        httpMethod: field(integration.httpMethod, "ANY").toUpperCase(),
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

/** The integration of an operation; `methodArn` is the method's, for the Lambda permission check. */
export function readIntegration(operation: Json, where: string, context: BodyContext, methodArn: string): IntegrationModel {
    const integration = object(operation["x-amazon-apigateway-integration"]);
    if (!integration) {
        throw new ModelError(`${where} is missing; API Gateway imports an operation without one with a warning and cannot serve it: add the integration`);
    }
    const type = field(integration.type, "").toLowerCase();
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
