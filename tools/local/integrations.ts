// The integrations local mode runs besides Lambda proxy: `http_proxy` (the whole request and
// response pass, with the URI's {name} filled from integration.request.path mappings), `http`
// (only mapped parameters go, the body by passthroughBehavior, and an integration response
// picks the status), `mock` (the request template's statusCode picks the integration response)
// and an API deployed elsewhere (the call goes to its localUrl, or local mode's own 502).
// API Gateway replaces the Host header with the integration endpoint's host:
// https://repost.aws/knowledge-center/forward-host-header-api-gateway
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
import { projectName } from "../../core/config/keys";
import * as http from "node:http";
import * as https from "node:https";
import { answers, GatewayAnswer } from "./answers";
import type { ElsewhereIntegration, HttpIntegration, IntegrationResponse, MappingSource, MockIntegration, ParameterMapping } from "./domain-model";
import { headerValue, ProxyRequest, ProxyResponse } from "./proxy-event";

/** What an integration gives back: a response to send, or one of the gateway's own answers and why. */
export type Outcome = { readonly response: ProxyResponse } | { readonly answer: GatewayAnswer; readonly reason: string };

/** Headers that belong to one connection, not to the request or response a proxy passes on (RFC 9110 7.6.1). */
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "host", "content-length"]);

/** The value a mapping source takes for this request; undefined when the request has none. */
export function mappedValue(source: MappingSource, request: ProxyRequest): string | undefined {
    switch (source.from) {
        case "static":
            return source.value;
        case "path":
            return request.pathParameters?.[source.name];
        case "querystring":
            return request.queryStringParameters?.[source.name];
        case "header":
            return headerValue(request.headers, source.name);
        case "stageVariables":
            return request.stageVariables?.[source.name];
        case "context": {
            const value = source.path.reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined), request.requestContext);
            return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
        }
    }
}

function mapped(mappings: readonly ParameterMapping[], where: ParameterMapping["in"], request: ProxyRequest): [string, string][] {
    return mappings.filter((m) => m.in === where).flatMap((m) => {
        const value = mappedValue(m.source, request);
        return value === undefined ? [] : [[m.name, value] as [string, string]];
    });
}

/** The URL an http integration calls: the URI with its {name} filled, on the API's localUrl when it has one. Exported for testing. */
export function integrationUrl(integration: HttpIntegration, request: ProxyRequest): URL {
    const path = new Map(mapped(integration.requestParameters, "path", request));
    const url = new URL(integration.uri.replace(/\{([^}]+)\}/g, (_, name: string) => (path.get(name) ?? "").split("/").map(encodeURIComponent).join("/")));
    if (integration.localUrl !== undefined) {
        const local = new URL(integration.localUrl);
        url.protocol = local.protocol;
        url.host = local.host;
        url.pathname = `${local.pathname.replace(/\/$/, "")}${url.pathname}`;
    }
    // http_proxy passes the caller's query string; mapped parameters are set over it.
    const query = new URLSearchParams(url.search);
    if (integration.proxy) {
        for (const [name, values] of Object.entries(request.multiValueQueryStringParameters ?? {})) {
            (values ?? []).forEach((value) => query.append(name, value));
        }
    }
    for (const [name, value] of mapped(integration.requestParameters, "querystring", request)) {
        query.set(name, value);
    }
    url.search = query.toString();
    return url;
}

/** The caller's headers a proxy passes on, without those of its connection. */
function passedHeaders(request: ProxyRequest): Record<string, string[]> {
    return Object.fromEntries(Object.entries(request.multiValueHeaders ?? {})
        .filter(([name]) => !hopByHop.has(name.toLowerCase()))
        .map(([name, values]) => [name, (values ?? []).map(String)]));
}

interface Call {
    readonly url: URL;
    readonly method: string;
    readonly headers: Record<string, string | string[]>;
    readonly body: Buffer;
    readonly timeoutMs: number;
}

/** One HTTP call to an upstream; the response read whole. */
function call(request: Call): Promise<ProxyResponse | "timeout"> {
    return new Promise((resolve, reject) => {
        const send = request.url.protocol === "https:" ? https.request : http.request;
        const req = send(request.url, { method: request.method, headers: { ...request.headers, "content-length": String(request.body.length) }, agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
                clearTimeout(timer);
                const headers: Record<string, string | string[]> = {};
                for (const [name, value] of Object.entries(res.headers)) {
                    if (value !== undefined && !hopByHop.has(name)) {
                        headers[name] = value;
                    }
                }
                resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
            });
            res.on("error", reject);
        });
        const timer = setTimeout(() => {
            req.destroy();
            resolve("timeout");
        }, request.timeoutMs);
        timer.unref();
        req.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        req.end(request.body);
    });
}

/** 504 `{"message": "Endpoint request timed out"}` past the integration's timeout (INTEGRATION_TIMEOUT). */
const timedOut: GatewayAnswer = { status: 504, type: "InternalServerErrorException", body: JSON.stringify({ message: "Endpoint request timed out" }) };

async function outcomeOf(upstream: Call, what: string): Promise<ProxyResponse | Exclude<Outcome, { response: ProxyResponse }>> {
    try {
        const response = await call(upstream);
        return response === "timeout" ? { answer: timedOut, reason: `${what} did not answer within ${upstream.timeoutMs} ms` } : response;
    } catch (error) {
        return { answer: answers.internal, reason: `${what} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
}

/** The integration response API Gateway picks for a status: the first pattern that matches all of it, else the default. */
function pick(responses: readonly IntegrationResponse[], status: string): IntegrationResponse | undefined {
    return responses.find((r) => r.selectionPattern?.test(status)) ?? responses.find((r) => r.selectionPattern === undefined);
}

function methodResponse(chosen: IntegrationResponse, backend: ProxyResponse | undefined): ProxyResponse {
    const headers: Record<string, string | string[]> = {};
    for (const header of chosen.headers) {
        const value = "value" in header ? header.value : backend?.headers[header.fromBackendHeader.toLowerCase()];
        if (value !== undefined) {
            headers[header.name] = value;
        }
    }
    const body = chosen.body !== undefined ? Buffer.from(chosen.body) : backend?.body ?? Buffer.alloc(0);
    return { status: chosen.statusCode, headers, body };
}

function contentType(request: ProxyRequest): string {
    // API Gateway takes application/json for a request without a Content-Type.
    return (headerValue(request.headers, "content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
}

/** Runs an `http` or `http_proxy` integration for the request with its body. */
export async function runHttp(integration: HttpIntegration, request: ProxyRequest, body: Buffer): Promise<Outcome> {
    const url = integrationUrl(integration, request);
    const method = integration.httpMethod === "ANY" ? request.httpMethod : integration.httpMethod;
    const headers: Record<string, string | string[]> = integration.proxy ? passedHeaders(request) : {};
    for (const [name, value] of mapped(integration.requestParameters, "header", request)) {
        headers[name] = value;
    }
    let sent = body;
    if (!integration.proxy) {
        const type = contentType(request);
        const template = integration.requestTemplates[type];
        const templates = Object.keys(integration.requestTemplates).length;
        if (template !== undefined) {
            sent = Buffer.from(template);
        } else if (integration.passthroughBehavior === "never" || (integration.passthroughBehavior === "when_no_templates" && templates > 0)) {
            return { answer: answers.unsupportedMediaType, reason: `no request template for ${type} and passthroughBehavior ${integration.passthroughBehavior}` };
        }
        headers["content-type"] = template !== undefined ? "application/json" : type;
    }
    const result = await outcomeOf({ url, method, headers, body: sent, timeoutMs: integration.timeoutMs }, `${method} ${url.href}`);
    if (!("status" in result)) {
        return result;
    }
    if (integration.proxy) {
        return { response: result };
    }
    const chosen = pick(integration.responses, String(result.status));
    return chosen
        ? { response: methodResponse(chosen, result) }
        : { answer: answers.internal, reason: `no integration response of ${method} ${url.href} matches status ${result.status} and none is the default` };
}

/** Answers a `mock` integration: its request template's statusCode selects the integration response. */
export function runMock(integration: MockIntegration, request: ProxyRequest): Outcome {
    const statusCode = integration.statusCodes[contentType(request)] ?? Object.values(integration.statusCodes)[0];
    const chosen = statusCode === undefined ? pick(integration.responses, "") : pick(integration.responses, String(statusCode));
    return chosen
        ? { response: methodResponse(chosen, undefined) }
        : { answer: answers.internal, reason: `no integration response of the mock matches status ${statusCode} and none is the default` };
}

/** Passes a call to an API deployed elsewhere on to its localUrl, or answers 502 naming the key to set. */
export async function runElsewhere(integration: ElsewhereIntegration, request: ProxyRequest, body: Buffer, query: string): Promise<Outcome> {
    const key = `${projectName}:apis.${integration.apiName}.localUrl`;
    if (integration.localUrl === undefined) {
        const message = `API ${integration.apiName} (REST API ${integration.restApiId}) is deployed elsewhere and local mode has no address for it: set ${key} to where it runs on this machine (pulumi config set --path 'apis.${integration.apiName}.localUrl' http://127.0.0.1:<port>)`;
        return { answer: { status: 502, type: "LocalModeNoUpstream", body: JSON.stringify({ message }) }, reason: `${key} is not set` };
    }
    const local = new URL(integration.localUrl);
    const url = new URL(`${local.pathname.replace(/\/$/, "")}${request.path}${query === "" ? "" : `?${query}`}`, local.origin);
    const result = await outcomeOf({ url, method: request.httpMethod, headers: passedHeaders(request), body, timeoutMs: 29_000 }, `${request.httpMethod} ${url.href} (${key})`);
    return "status" in result ? { response: result } : result;
}
