// The local stand-in for an API Gateway mTLS custom domain: TLS with the domain's minimum
// version, a client certificate required in the handshake, each certificate judged against the
// truststore (403 when refused), then base path -> stage -> resource and method -> REQUEST
// authorizer -> Lambda proxy integration, with API Gateway's own answers where it answers. Every
// connection keeps to the deadlines and the cap of local/limits.ts.
import { randomBytes, randomUUID, X509Certificate } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import { decide } from "./authorizer";
import type { KeyedCertificate } from "./certificates";
import { ClientCertificates, ClientCertIdentity } from "./clientcerts";
import type { LocalFunction } from "./lambda";
import { ConnectionLimits, Deadlines, defaultLimits } from "./limits";
import { AuthorizerModel, DomainModel, MethodModel, ModelError, route, StageModel } from "./model";

export interface GatewayOptions {
    readonly domain: DomainModel;
    readonly clients: ClientCertificates;
    /** The domain's server certificate and key. */
    readonly server: KeyedCertificate;
    /** Port on 127.0.0.1; 0 picks a free one. */
    readonly port: number;
    /** Timeouts and the connection cap. Default: defaultLimits. */
    readonly limits?: Partial<ConnectionLimits>;
    /** Gateway events: refused handshakes and certificates, failed functions. */
    readonly log?: (line: string) => void;
    /** Access log lines in the stage's accessLogSettings format. */
    readonly accessLog?: (line: string) => void;
}

export interface Gateway {
    readonly port: number;
    /** Starts answering, with these functions by resource name (FunctionModel.resourceName); connections made before wait for it. */
    serve(functions: ReadonlyMap<string, LocalFunction>): void;
    /** Stops listening and closes every connection; resolves within a few seconds at most. */
    stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 3_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
// Authorizer results are keyed by identity-source values, which callers choose: bound them.
const POLICY_CACHE_LIMIT = 10_000;

/** The TLS settings of an API Gateway security policy. Exported for testing. */
export function tlsSettings(securityPolicy: string): { minVersion: tls.SecureVersion; ciphers?: string } {
    if (securityPolicy === "TLS_1_2") {
        return { minVersion: "TLSv1.2" };
    }
    if (securityPolicy === "TLS_1_0") {
        // OpenSSL 3 needs security level 0 to speak TLS 1.0 and 1.1 at all.
        return { minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" };
    }
    throw new ModelError(`securityPolicy ${securityPolicy} cannot serve mutual TLS; set it to TLS_1_2`);
}

interface GatewayError {
    readonly status: number;
    readonly type: string;
    readonly body: string;
}

const errors = {
    forbidden: { status: 403, type: "ForbiddenException", body: JSON.stringify({ message: "Forbidden" }) },
    missingToken: { status: 403, type: "MissingAuthenticationTokenException", body: JSON.stringify({ message: "Missing Authentication Token" }) },
    unauthorized: { status: 401, type: "UnauthorizedException", body: JSON.stringify({ message: "Unauthorized" }) },
    explicitDeny: { status: 403, type: "AccessDeniedException", body: JSON.stringify({ message: "User is not authorized to access this resource with an explicit deny" }) },
    implicitDeny: { status: 403, type: "AccessDeniedException", body: JSON.stringify({ message: "User is not authorized to access this resource" }) },
    authorizerFailure: { status: 500, type: "AuthorizerConfigurationException", body: JSON.stringify({ message: null }) },
    internal: { status: 500, type: "InternalServerErrorException", body: JSON.stringify({ message: "Internal server error" }) },
    badGateway: { status: 502, type: "InternalServerErrorException", body: JSON.stringify({ message: "Internal server error" }) },
    tooLarge: { status: 413, type: "RequestTooLarge", body: JSON.stringify({ message: "Request Too Long" }) },
} satisfies Record<string, GatewayError>;

function missingParameters(names: readonly string[]): GatewayError {
    return { status: 400, type: "BadRequestException", body: JSON.stringify({ message: `Missing required request parameters: [${names.join(", ")}]` }) };
}

const handshakeRefusals: Record<string, string> = {
    ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: "no client certificate",
    ERR_SSL_UNSUPPORTED_PROTOCOL: "TLS version below the security policy's minimum",
    ERR_SSL_NO_SHARED_CIPHER: "no shared cipher",
};

/** `04/Mar/2020:19:15:17 +0000`, as $context.requestTime is written. */
function requestTime(date: Date): string {
    const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
    return `${day}/${month}/${year}:${time} +0000`;
}

/** The stage's access-log format with `$context.x.y` filled from a request's context. */
function accessLogLine(format: string, values: Record<string, unknown>): string {
    return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, key: string) => {
        let value: unknown = values;
        for (const part of key.split(".")) {
            value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
        }
        return value === undefined || value === null || typeof value === "object" ? "-" : String(value);
    });
}

interface Incoming {
    readonly headers: Record<string, string>;
    readonly multiValueHeaders: Record<string, string[]>;
    readonly queryStringParameters: Record<string, string> | null;
    readonly multiValueQueryStringParameters: Record<string, string[]> | null;
}

function readIncoming(req: http.IncomingMessage, query: string, sourceIp: string, port: number): Incoming {
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
    add("X-Forwarded-For", sourceIp);
    add("X-Forwarded-Port", String(port));
    add("X-Forwarded-Proto", "https");
    if (query === "") {
        return { headers, multiValueHeaders, queryStringParameters: null, multiValueQueryStringParameters: null };
    }
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(query)) {
        single[name] = value;
        (multi[name] ??= []).push(value);
    }
    return { headers, multiValueHeaders, queryStringParameters: single, multiValueQueryStringParameters: multi };
}

function headerValue(incoming: Incoming, name: string): string | undefined {
    const wanted = name.toLowerCase();
    const key = Object.keys(incoming.headers).find((k) => k.toLowerCase() === wanted);
    return key === undefined ? undefined : incoming.headers[key];
}

function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES) {
                chunks.push(chunk);
            }
        });
        req.on("end", () => resolve(size > MAX_BODY_BYTES ? "too-large" : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

/** A Lambda proxy result as the response API Gateway sends, or undefined when malformed. */
function proxyResponse(result: unknown): { status: number; headers: Record<string, string | string[]>; body: Buffer } | undefined {
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

/** What was sent: for the access log. */
interface Sent {
    readonly status: number;
    readonly length: number;
}

interface CachedPolicy {
    readonly until: number;
    readonly output: unknown;
}

/** Listens on 127.0.0.1 and resolves once it does; nothing is answered before `serve`. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
    const { domain, clients } = options;
    const log = options.log ?? (() => undefined);
    const limits: ConnectionLimits = { ...defaultLimits, ...options.limits };
    const secureContext = tls.createSecureContext({
        cert: options.server.certPem,
        key: options.server.keyPem,
        ...tlsSettings(domain.securityPolicy),
    });
    const peers = new WeakMap<object, X509Certificate>();
    const connections = new Set<tls.TLSSocket>();
    const policies = new Map<string, CachedPolicy>();
    let functions: ReadonlyMap<string, LocalFunction> | undefined;
    const waiting: net.Socket[] = [];
    let port = options.port;
    let lastSecond = 0;
    let lastRequestTime = "";

    const functionFor = (resourceName: string): LocalFunction => {
        const fn = functions?.get(resourceName);
        if (!fn) {
            throw new Error(`function ${resourceName} was not loaded`);
        }
        return fn;
    };

    const send = (res: http.ServerResponse, requestId: string, error: GatewayError): Sent => {
        const length = Buffer.byteLength(error.body);
        res.writeHead(error.status, {
            "content-type": "application/json",
            "content-length": length,
            "x-amzn-RequestId": requestId,
            "x-amzn-ErrorType": error.type,
        });
        res.end(error.body);
        return { status: error.status, length };
    };

    /** Runs the method's REQUEST authorizer; its context on Allow, or the gateway's answer. */
    const authorize = async (
        authorizer: AuthorizerModel, event: Record<string, unknown>, incoming: Incoming, stage: StageModel, methodArn: string, requestId: string,
    ): Promise<{ readonly context: Record<string, unknown> } | { readonly refusal: GatewayError }> => {
        const values: string[] = [];
        for (const source of authorizer.identitySources) {
            const [, scope, name] = /^(method\.request\.header|method\.request\.querystring|stageVariables|context)\.(.+)$/.exec(source) ?? [];
            let value: unknown;
            if (scope === "method.request.header") {
                value = headerValue(incoming, name);
            } else if (scope === "method.request.querystring") {
                value = incoming.queryStringParameters?.[name];
            } else if (scope === "stageVariables") {
                value = stage.variables?.[name];
            } else if (scope === "context") {
                value = name.split(".").reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined), event.requestContext);
            }
            if (value === undefined || value === null || value === "") {
                log(`${requestId} authorizer ${authorizer.name}: identity source ${source} is missing: 401`);
                return { refusal: errors.unauthorized };
            }
            values.push(String(value));
        }
        if (authorizer.invokeProblem) {
            log(`${requestId} authorizer ${authorizer.name}: ${authorizer.invokeProblem}: 500`);
            return { refusal: errors.authorizerFailure };
        }
        const cacheKey = authorizer.ttlSeconds > 0 && values.length > 0 ? `${authorizer.id}\u0000${values.join("\u0000")}` : undefined;
        const cached = cacheKey === undefined ? undefined : policies.get(cacheKey);
        let output: unknown;
        if (cached && cached.until > Date.now()) {
            output = cached.output;
        } else {
            try {
                output = await functionFor(authorizer.function.resourceName).invoke({
                    type: "REQUEST",
                    methodArn,
                    ...event,
                });
            } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                if (message === "Unauthorized") {
                    return { refusal: errors.unauthorized };
                }
                log(`${requestId} authorizer ${authorizer.name} failed: ${message}: 500`);
                return { refusal: errors.authorizerFailure };
            }
            if (cacheKey !== undefined) {
                if (policies.size >= POLICY_CACHE_LIMIT) {
                    policies.delete(policies.keys().next().value as string);
                }
                policies.set(cacheKey, { until: Date.now() + authorizer.ttlSeconds * 1000, output });
            }
        }
        const decision = decide(output, methodArn);
        switch (decision.effect) {
            case "allow":
                return { context: { ...decision.context, principalId: decision.principalId } };
            case "explicit-deny":
                return { refusal: errors.explicitDeny };
            case "implicit-deny":
                return { refusal: errors.implicitDeny };
            default:
                log(`${requestId} authorizer ${authorizer.name}: ${decision.reason}: 500`);
                return { refusal: errors.authorizerFailure };
        }
    };

    /** The method's part: authorizer, validation, integration; returns what was sent. */
    const invokeMethod = async (
        req: http.IncomingMessage, res: http.ServerResponse, stage: StageModel, method: MethodModel,
        path: string, pathParameters: Record<string, string> | null, query: string,
        context: Record<string, unknown>, identity: ClientCertIdentity, received: Promise<Buffer | "too-large">,
    ): Promise<Sent> => {
        const requestId = String(context.requestId);
        const sourceIp = (context.identity as { sourceIp: string }).sourceIp;
        const incoming = readIncoming(req, query, sourceIp, port);
        const requestContext: Record<string, unknown> = { ...context, identity: { ...(context.identity as object), userAgent: headerValue(incoming, "user-agent") ?? null, clientCert: identity } };
        const event: Record<string, unknown> = {
            resource: method.resourcePath,
            path,
            httpMethod: req.method,
            headers: incoming.headers,
            multiValueHeaders: incoming.multiValueHeaders,
            queryStringParameters: incoming.queryStringParameters,
            multiValueQueryStringParameters: incoming.multiValueQueryStringParameters,
            pathParameters,
            stageVariables: stage.variables,
            requestContext,
        };
        if (method.authorizer) {
            const methodArn = `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stageName}/${req.method}${path}`;
            const started = Date.now();
            const authorized = await authorize(method.authorizer, event, incoming, stage, methodArn, requestId);
            if ("refusal" in authorized) {
                return send(res, requestId, authorized.refusal);
            }
            requestContext.authorizer = { ...authorized.context, integrationLatency: Date.now() - started };
            context.authorizer = requestContext.authorizer;
        }
        const missing = method.requiredParameters
            .filter((p) => (p.in === "header" ? headerValue(incoming, p.name) : incoming.queryStringParameters?.[p.name]) === undefined)
            .map((p) => p.name);
        if (missing.length > 0) {
            return send(res, requestId, missingParameters(missing));
        }
        const body = await received;
        if (body === "too-large") {
            return send(res, requestId, errors.tooLarge);
        }
        event.body = body.length > 0 ? body.toString("utf8") : null;
        event.isBase64Encoded = false;
        if (method.integration.invokeProblem) {
            log(`${requestId} ${method.httpMethod} ${method.resourcePath}: ${method.integration.invokeProblem}: 500`);
            return send(res, requestId, errors.internal);
        }
        let result: unknown;
        try {
            result = await functionFor(method.integration.function.resourceName).invoke(event);
        } catch (error) {
            log(`${requestId} ${method.integration.function.functionName} failed: ${error instanceof Error ? error.message : String(error)}: 502`);
            return send(res, requestId, errors.badGateway);
        }
        const response = proxyResponse(result);
        if (!response) {
            log(`${requestId} ${method.integration.function.functionName} returned a malformed proxy response: 502`);
            return send(res, requestId, errors.badGateway);
        }
        const headers: Record<string, string | string[] | number> = {
            ...(Object.keys(response.headers).some((name) => name.toLowerCase() === "content-type") ? {} : { "content-type": "application/json" }),
            ...response.headers,
            "content-length": response.body.length,
            "x-amzn-RequestId": requestId,
            "x-amz-apigw-id": randomBytes(6).toString("base64"),
        };
        res.writeHead(response.status, headers);
        res.end(response.body);
        return { status: response.status, length: response.body.length };
    };

    const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
        const requestId = randomUUID();
        const now = Date.now();
        const cert = peers.get(req.socket);
        if (!cert) {
            send(res, requestId, errors.forbidden);
            return;
        }
        const pending = clients.check(cert, now);
        const check = pending instanceof Promise ? await pending : pending;
        if (!check.accepted) {
            log(`${requestId} refused client certificate ${check.identity.subjectDN} (serial ${check.identity.serialNumber}): ${check.reason}: 403`);
            send(res, requestId, errors.forbidden);
            return;
        }
        // Read from now on, so that the request deadline measures the client, not the authorizer;
        // a body never awaited (the request is refused first) must not leave a rejection unhandled.
        const received = readBody(req);
        received.catch(() => undefined);
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const pathname = q < 0 ? url : url.slice(0, q);
        const found = route(domain, pathname, req.method ?? "GET");
        if (found.kind === "no-mapping") {
            send(res, requestId, errors.forbidden);
            return;
        }
        if (found.kind === "no-method") {
            send(res, requestId, errors.missingToken);
            return;
        }
        const second = Math.floor(now / 1000);
        if (second !== lastSecond) {
            lastSecond = second;
            lastRequestTime = requestTime(new Date(now));
        }
        const { stage, method } = found;
        const context: Record<string, unknown> = {
            accountId: stage.accountId,
            apiId: stage.apiId,
            domainName: domain.domainName,
            domainPrefix: domain.domainName.split(".")[0],
            extendedRequestId: requestId,
            httpMethod: req.method,
            identity: {
                accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
                cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null,
                sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
            },
            path: pathname,
            protocol: `HTTP/${req.httpVersion}`,
            requestId,
            requestTime: lastRequestTime,
            requestTimeEpoch: now,
            resourceId: method.resourceId,
            resourcePath: method.resourcePath,
            stage: stage.stageName,
        };
        let sent: Sent;
        try {
            sent = await invokeMethod(req, res, stage, method, found.path, found.pathParameters, q < 0 ? "" : url.slice(q + 1), context, check.identity, received);
        } catch (error) {
            log(`${requestId} gateway error: ${error instanceof Error ? error.message : String(error)}: 500`);
            sent = res.headersSent ? { status: res.statusCode, length: 0 } : send(res, requestId, errors.internal);
        }
        if (options.accessLog && stage.accessLogFormat) {
            options.accessLog(accessLogLine(stage.accessLogFormat, {
                ...context,
                identity: { ...(context.identity as object), clientCert: check.identity },
                status: sent.status,
                responseLength: sent.length,
                responseLatency: Date.now() - now,
            }));
        }
    };

    const deadlines = new Deadlines(limits, (socket, why) => {
        log(`closed connection from ${socket.remoteAddress}: ${why}`);
        socket.destroy();
    });
    const httpServer = http.createServer({ keepAliveTimeout: limits.idleTimeoutMs }, (req, res) => {
        const working = handle(req, res).catch((error) => {
            log(`gateway error: ${error instanceof Error ? error.message : String(error)}`);
            res.destroy();
        });
        deadlines.request(req, res, working);
    });
    httpServer.timeout = limits.idleTimeoutMs;
    // A listener here stops Node from closing idle sockets itself: a function may still be running.
    httpServer.on("timeout", (socket: net.Socket) => {
        if (!deadlines.working(socket)) {
            socket.destroy();
        }
    });

    const accept = (raw: net.Socket): void => {
        // requestCert + rejectUnauthorized make OpenSSL fail the handshake without a certificate,
        // as API Gateway does; the chain itself is judged by the truststore rules, afterwards.
        const socket = new tls.TLSSocket(raw, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ["http/1.1"] });
        connections.add(socket);
        socket.once("close", () => connections.delete(socket));
        deadlines.handshake(socket);
        socket.on("error", (error: NodeJS.ErrnoException) => {
            const refusal = error.code ? handshakeRefusals[error.code] : undefined;
            if (refusal) {
                log(`refused handshake from ${raw.remoteAddress}: ${refusal}`);
            }
            socket.destroy();
        });
        socket.once("secure", () => {
            const cert = socket.getPeerX509Certificate();
            if (!cert) {
                socket.destroy();
                return;
            }
            peers.set(socket, cert);
            deadlines.awaitRequest(socket);
            httpServer.emit("connection", socket);
        });
    };

    // Paused, so that no byte is read before the TLS socket takes over (a socket may wait for serve).
    const listener = net.createServer({ pauseOnConnect: true }, (raw) => {
        if (functions) {
            accept(raw);
        } else {
            waiting.push(raw);
        }
    });
    listener.maxConnections = limits.maxConnections;
    listener.on("drop", (dropped?: { remoteAddress?: string }) => {
        log(`refused connection from ${dropped?.remoteAddress}: ${limits.maxConnections} connections are open, the most local mode serves at once`);
    });

    await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(options.port, "127.0.0.1", () => {
            listener.off("error", reject);
            resolve();
        });
    });
    port = (listener.address() as net.AddressInfo).port;

    let stopping: Promise<void> | undefined;
    return {
        port,
        serve: (loaded) => {
            functions = loaded;
            waiting.splice(0).filter((raw) => !raw.destroyed).forEach(accept);
        },
        stop: () => {
            stopping ??= new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
                timer.unref();
                listener.close(() => {
                    clearTimeout(timer);
                    resolve();
                });
                for (const socket of [...connections, ...waiting]) {
                    socket.destroy();
                }
            });
            return stopping;
        },
    };
}
