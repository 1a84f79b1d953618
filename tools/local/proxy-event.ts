// The Lambda proxy event API Gateway builds for a REST API request (`APIGatewayProxyEvent`), with
// the mTLS client certificate in `requestContext.identity.clientCert`, and what it makes of the
// function's proxy result.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
import type * as http from "node:http";
import type {
    APIGatewayEventClientCertificate, APIGatewayEventDefaultAuthorizerContext, APIGatewayEventRequestContextWithAuthorizer, APIGatewayProxyEvent, APIGatewayProxyEventHeaders,
} from "aws-lambda";
import type { DomainModel, MethodModel, StageModel } from "./domain-model";

export type RequestContext = APIGatewayEventRequestContextWithAuthorizer<APIGatewayEventDefaultAuthorizerContext>;

/** The event before the body is read: what a REQUEST authorizer gets, with its type and method ARN. */
export type ProxyRequest = Omit<APIGatewayProxyEvent, "body" | "isBase64Encoded">;

/** What the gateway knows of a routed request when it builds the event. */
export interface RoutedRequest {
    readonly req: http.IncomingMessage;
    readonly domain: DomainModel;
    readonly stage: StageModel;
    readonly method: MethodModel;
    /** The path under the base path, as the stage sees it. */
    readonly path: string;
    readonly pathParameters: Record<string, string> | null;
    /** The query string, without "?"; "" for none. */
    readonly query: string;
    readonly requestId: string;
    /** When the request came, ms since the epoch, and as $context.requestTime writes it. */
    readonly epochMs: number;
    readonly requestTime: string;
    readonly clientCert: APIGatewayEventClientCertificate;
    /** The port the gateway listens on: X-Forwarded-Port. */
    readonly port: number;
}

/** `04/Mar/2020:19:15:17 +0000`, as $context.requestTime is written. */
export function requestTime(date: Date): string {
    const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
    return `${day}/${month}/${year}:${time} +0000`;
}

/** A header's value, whatever the case of its name. */
export function headerValue(headers: APIGatewayProxyEventHeaders, name: string): string | undefined {
    const wanted = name.toLowerCase();
    const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
    return key === undefined ? undefined : headers[key];
}

function headersOf(req: http.IncomingMessage, port: number): Pick<ProxyRequest, "headers" | "multiValueHeaders"> {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    const add = (name: string, value: string) => {
        headers[name] = value;
        (multiValueHeaders[name] ??= []).push(value);
    };
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
        add(raw[i], raw[i + 1]);
    }
    add("X-Forwarded-For", req.socket.remoteAddress ?? "127.0.0.1");
    add("X-Forwarded-Port", String(port));
    add("X-Forwarded-Proto", "https");
    return { headers, multiValueHeaders };
}

function queryOf(query: string): Pick<ProxyRequest, "queryStringParameters" | "multiValueQueryStringParameters"> {
    if (query === "") {
        return { queryStringParameters: null, multiValueQueryStringParameters: null };
    }
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(query)) {
        single[name] = value;
        (multi[name] ??= []).push(value);
    }
    return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** The event of a routed request, without its body. */
export function proxyRequest(request: RoutedRequest): ProxyRequest {
    const { req, domain, stage, method } = request;
    const headers = headersOf(req, request.port);
    const requestContext: RequestContext = {
        accountId: stage.accountId,
        apiId: stage.apiId,
        authorizer: undefined,
        domainName: domain.domainName,
        domainPrefix: domain.domainName.split(".")[0],
        extendedRequestId: request.requestId,
        httpMethod: req.method ?? "GET",
        identity: {
            accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
            cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null,
            sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
            userAgent: headerValue(headers.headers, "user-agent") ?? null,
            clientCert: request.clientCert,
        },
        path: (req.url ?? "/").split("?")[0],
        protocol: `HTTP/${req.httpVersion}`,
        requestId: request.requestId,
        requestTime: request.requestTime,
        requestTimeEpoch: request.epochMs,
        resourceId: method.resourceId,
        resourcePath: method.resourcePath,
        stage: stage.stageName,
    };
    return {
        resource: method.resourcePath,
        path: request.path,
        httpMethod: req.method ?? "GET",
        ...headers,
        ...queryOf(request.query),
        pathParameters: request.pathParameters,
        stageVariables: stage.variables,
        requestContext,
    };
}

/** The body, or "too-large" past `maxBytes` (read to its end all the same). */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | "too-large"> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= maxBytes) {
                chunks.push(chunk);
            }
        });
        req.on("end", () => resolve(size > maxBytes ? "too-large" : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** The response API Gateway sends for a function's proxy result. */
export interface ProxyResponse {
    readonly status: number;
    readonly headers: Record<string, string | string[]>;
    readonly body: Buffer;
}

/** A Lambda proxy result as the response API Gateway sends, or undefined when malformed. */
export function proxyResponse(result: unknown): ProxyResponse | undefined {
    if (!result || typeof result !== "object") {
        return undefined;
    }
    const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
    const status = Number(statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599 || (body !== undefined && body !== null && typeof body !== "string")) {
        return undefined;
    }
    const out: Record<string, string | string[]> = {};
    for (const [source, multi] of [[headers, false], [multiValueHeaders, true]] as const) {
        if (source === undefined || source === null) {
            continue;
        }
        if (typeof source !== "object") {
            return undefined;
        }
        for (const [name, value] of Object.entries(source)) {
            out[name] = multi && Array.isArray(value) ? value.map(String) : String(value);
        }
    }
    const text = typeof body === "string" ? body : "";
    return { status, headers: out, body: isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text) };
}
