// The local stand-in for an API Gateway mTLS custom domain, as a server: TLS with the domain's
// minimum version and a client certificate required in the handshake, on 127.0.0.1; each request
// then goes to tools/local/requests.ts. Every connection keeps to the deadlines and the cap
// of tools/local/limits.ts.
import { X509Certificate } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import type { KeyedCertificate } from "../smoke/certificates";
import type { ClientCertificates } from "./client-certs";
import type { DomainModel } from "./domain-model";
import type { LocalFunction } from "./lambda";
import { ConnectionLimits, Deadlines, defaultLimits } from "./limits";
import { ModelError } from "./model";
import { createRouter } from "./requests";
import type { UsagePlans } from "./usage-plans";

export interface GatewayOptions {
    readonly domain: DomainModel;
    readonly clients: ClientCertificates;
    /** The domain's server certificate and key. */
    readonly server: KeyedCertificate;
    /** The stages' API keys and usage plans, with each key's bucket and quota. */
    readonly usagePlans: UsagePlans;
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

const handshakeRefusals: Record<string, string> = {
    ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: "no client certificate",
    ERR_SSL_UNSUPPORTED_PROTOCOL: "TLS version below the security policy's minimum",
    ERR_SSL_NO_SHARED_CIPHER: "no shared cipher",
};

/** Listens on 127.0.0.1 and resolves once it does; nothing is answered before `serve`. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
    const { domain } = options;
    const log = options.log ?? (() => undefined);
    const limits: ConnectionLimits = { ...defaultLimits, ...options.limits };
    const secureContext = tls.createSecureContext({
        cert: options.server.certPem,
        key: options.server.keyPem,
        ...tlsSettings(domain.securityPolicy),
    });
    const peers = new WeakMap<object, X509Certificate>();
    const connections = new Set<tls.TLSSocket>();
    // Set by serve; until then connections wait, unread.
    let router: ReturnType<typeof createRouter> | undefined;
    const waiting: net.Socket[] = [];
    const deadlines = new Deadlines(limits, (socket, why) => {
        log(`closed connection from ${socket.remoteAddress}: ${why}`);
        socket.destroy();
    });
    const httpServer = http.createServer({ keepAliveTimeout: limits.idleTimeoutMs }, (req, res) => {
        const working = (router ? router(req, res) : Promise.reject(new Error("a request before serve"))).catch((error) => {
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
        if (router) {
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
    const { port } = listener.address() as net.AddressInfo;

    let stopping: Promise<void> | undefined;
    return {
        port,
        serve: (functions) => {
            router = createRouter({ domain, clients: options.clients, usagePlans: options.usagePlans, functions, port, peerCertificate: (socket) => peers.get(socket), log, accessLog: options.accessLog });
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
