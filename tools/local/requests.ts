// What the gateway does with one request on an accepted connection: the client certificate judged
// against the truststore (403 when refused), then base path -> stage -> resource and method ->
// REQUEST authorizer -> API key and usage plan (methods with apiKeyRequired) -> request validation
// -> the integration (Lambda proxy here; http, mock and APIs deployed elsewhere in
// tools/local/integrations.ts), with API Gateway's own answers where it answers, and one
// access-log line per routed request.
import { randomBytes, randomUUID, X509Certificate } from "node:crypto";
import type * as http from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { answers, missingParameters, send, Sent } from "./answers";
import { RequestAuthorizers } from "./authorizer";
import type { ClientCertificates } from "./client-certs";
import type { DomainModel, FunctionModel, LambdaIntegration, MethodModel, StageModel } from "./domain-model";
import { Outcome, runElsewhere, runHttp, runMock } from "./integrations";
import type { LocalFunction } from "./lambda";
import { headerValue, ProxyRequest, proxyRequest, proxyResponse, readBody, requestTime } from "./proxy-event";
import { route } from "./routing";
import type { UsagePlans } from "./usage-plans";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RouterOptions {
    readonly domain: DomainModel;
    readonly clients: ClientCertificates;
    /** The loaded functions by resource name (FunctionModel.resourceName). */
    readonly functions: ReadonlyMap<string, LocalFunction>;
    /** The stages' API keys and usage plans, with each key's token bucket and quota. */
    readonly usagePlans: UsagePlans;
    /** The port the gateway listens on. */
    readonly port: number;
    /** The client certificate of a request's connection, from the handshake. */
    readonly peerCertificate: (socket: object) => X509Certificate | undefined;
    readonly log: (line: string) => void;
    /** Access log lines in the stage's accessLogSettings format. */
    readonly accessLog?: (line: string) => void;
}

/** The stage's access-log format with `$context.x.y` filled from a request's context. */
function accessLogLine(format: string, values: Record<string, unknown>): string {
    return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, key: string) => {
        let value: unknown = values;
        for (const part of key.split(".")) {
            value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
        }
        return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "-";
    });
}

/** The request handler of one gateway. */
export function createRouter(options: RouterOptions): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
    const { domain, clients, log } = options;
    const invoke = (fn: FunctionModel, event: unknown): Promise<unknown> => {
        const loaded = options.functions.get(fn.resourceName);
        if (!loaded) {
            throw new Error(`function ${fn.resourceName} was not loaded`);
        }
        return loaded.invoke(event);
    };
    const authorizers = new RequestAuthorizers(invoke, log);
    // $context.requestTime has a one-second resolution: format it once a second.
    let lastSecond = 0;
    let lastRequestTime = "";
    const timeOf = (now: number): string => {
        const second = Math.floor(now / 1000);
        if (second !== lastSecond) {
            lastSecond = second;
            lastRequestTime = requestTime(new Date(now));
        }
        return lastRequestTime;
    };

    /** The method's part: authorizer, validation, integration; returns what was sent. */
    const invokeMethod = async (res: http.ServerResponse, request: ProxyRequest, stage: StageModel, method: MethodModel, received: Promise<Buffer | "too-large">, query: string): Promise<Sent> => {
        const { requestId } = request.requestContext;
        /** The key step of a method that requires one; undefined lets the call on. */
        const keyRefusal = (value: string | undefined): Sent | undefined => {
            const admitted = options.usagePlans.admit(stage, value);
            if ("refusal" in admitted) {
                log(`${requestId} ${method.httpMethod} ${method.resourcePath}: ${admitted.reason}: ${admitted.refusal.status}`);
                return send(res, requestId, admitted.refusal);
            }
            request.requestContext.identity.apiKey = admitted.key.value;
            request.requestContext.identity.apiKeyId = admitted.key.id;
            return undefined;
        };
        if (method.apiKeyRequired && stage.apiKeySource === "HEADER") {
            const refused = keyRefusal(headerValue(request.headers, "x-api-key"));
            if (refused) {
                return refused;
            }
        }
        let usageIdentifierKey: string | undefined;
        if (method.authorizer) {
            const methodArn = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/${request.httpMethod}${request.path}`;
            const started = Date.now();
            const authorized = await authorizers.authorize(method.authorizer, request, stage, methodArn, requestId);
            if ("refusal" in authorized) {
                return send(res, requestId, authorized.refusal);
            }
            request.requestContext.authorizer = { ...authorized.context, integrationLatency: Date.now() - started };
            usageIdentifierKey = authorized.usageIdentifierKey;
        }
        if (method.apiKeyRequired && stage.apiKeySource === "AUTHORIZER") {
            const refused = keyRefusal(usageIdentifierKey);
            if (refused) {
                return refused;
            }
        }
        const missing = method.requiredParameters
            .filter((p) => (p.in === "header" ? headerValue(request.headers, p.name) : request.queryStringParameters?.[p.name]) === undefined)
            .map((p) => p.name);
        if (missing.length > 0) {
            return send(res, requestId, missingParameters(missing));
        }
        const body = await received;
        if (body === "too-large") {
            return send(res, requestId, answers.tooLarge);
        }
        const { integration } = method;
        let outcome: Outcome;
        switch (integration.kind) {
            case "lambda":
                outcome = await runLambda(integration, { ...request, body: body.length > 0 ? body.toString("utf8") : null, isBase64Encoded: false });
                break;
            case "http":
                outcome = await runHttp(integration, request, body);
                break;
            case "mock":
                outcome = runMock(integration, request);
                break;
            case "elsewhere":
                outcome = await runElsewhere(integration, request, body, query);
                break;
        }
        if ("answer" in outcome) {
            log(`${requestId} ${method.httpMethod} ${method.resourcePath}: ${outcome.reason}: ${outcome.answer.status}`);
            return send(res, requestId, outcome.answer);
        }
        const { response } = outcome;
        res.writeHead(response.status, {
            ...(Object.keys(response.headers).some((name) => name.toLowerCase() === "content-type") ? {} : { "content-type": "application/json" }),
            ...response.headers,
            "content-length": response.body.length,
            "x-amzn-RequestId": requestId,
            "x-amz-apigw-id": randomBytes(6).toString("base64"),
        });
        res.end(response.body);
        return { status: response.status, length: response.body.length };
    };

    /** A Lambda proxy integration: the function's result, or 500 (not allowed to invoke) and 502 (failed, malformed). */
    const runLambda = async (integration: LambdaIntegration, event: APIGatewayProxyEvent): Promise<Outcome> => {
        const { functionName } = integration.function;
        if (integration.invokeProblem) {
            return { answer: answers.internal, reason: integration.invokeProblem };
        }
        let result: unknown;
        try {
            result = await invoke(integration.function, event);
        } catch (error) {
            return { answer: answers.badGateway, reason: `${functionName} failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        const response = proxyResponse(result);
        return response ? { response } : { answer: answers.badGateway, reason: `${functionName} returned a malformed proxy response` };
    };

    return async (req, res) => {
        const requestId = randomUUID();
        const now = Date.now();
        const cert = options.peerCertificate(req.socket);
        if (!cert) {
            send(res, requestId, answers.forbidden);
            return;
        }
        const pending = clients.check(cert, now);
        const check = pending instanceof Promise ? await pending : pending;
        if (!check.accepted) {
            log(`${requestId} refused client certificate ${check.identity.subjectDN} (serial ${check.identity.serialNumber}): ${check.reason}: 403`);
            send(res, requestId, answers.forbidden);
            return;
        }
        // Read from now on, so that the request deadline measures the client, not the authorizer;
        // a body never awaited (the request is refused first) must not leave a rejection unhandled.
        const received = readBody(req, MAX_BODY_BYTES);
        received.catch(() => undefined);
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const found = route(domain, q < 0 ? url : url.slice(0, q), req.method ?? "GET");
        if (found.kind === "no-mapping") {
            send(res, requestId, answers.forbidden);
            return;
        }
        if (found.kind === "no-method") {
            send(res, requestId, answers.missingToken);
            return;
        }
        const { stage, method } = found;
        const query = q < 0 ? "" : url.slice(q + 1);
        const request = proxyRequest({
            req, domain, stage, method, path: found.path, pathParameters: found.pathParameters, query,
            requestId, epochMs: now, requestTime: timeOf(now), clientCert: check.identity, port: options.port,
        });
        let sent: Sent;
        try {
            sent = await invokeMethod(res, request, stage, method, received, query);
        } catch (error) {
            log(`${requestId} gateway error: ${error instanceof Error ? error.message : String(error)}: 500`);
            sent = res.headersSent ? { status: res.statusCode, length: 0 } : send(res, requestId, answers.internal);
        }
        if (options.accessLog && stage.accessLogFormat) {
            options.accessLog(accessLogLine(stage.accessLogFormat, { ...request.requestContext, status: sent.status, responseLength: sent.length, responseLatency: Date.now() - now }));
        }
    };
}
