// How long a client of the local gateway may take at each step, and how many may be connected at
// once. The HTTP server gets its sockets by emit("connection") after the TLS handshake, so Node's
// own headersTimeout and requestTimeout (started by listen()) never run for it, and an idle
// timeout alone is reset by every byte: a client trickling one header byte a second would keep its
// connection for ever. These deadlines are absolute.
import type * as http from "node:http";
import type * as net from "node:net";
import type * as tls from "node:tls";

export interface ConnectionLimits {
    /** From the TCP connection to the end of the TLS handshake. Default: 10 s. */
    readonly handshakeTimeoutMs: number;
    /** From the handshake, or the previous response, to the end of a request's headers. Default: 10 s. */
    readonly headersTimeoutMs: number;
    /** From the same start to the end of the request's body. Default: 30 s. */
    readonly requestTimeoutMs: number;
    /** Silence on a connection while the gateway is not working on one of its requests (keep-alive included). Default: 5 s. */
    readonly idleTimeoutMs: number;
    /** Connections open at once; one more is closed as it arrives. Default: 512. */
    readonly maxConnections: number;
}

export const defaultLimits: ConnectionLimits = {
    handshakeTimeoutMs: 10_000,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    idleTimeoutMs: 5_000,
    maxConnections: 512,
};

interface Connection {
    /** Runs while the connection waits for a request's headers. */
    headers?: NodeJS.Timeout;
    /** Runs from the same start until the next request takes it over. */
    request?: NodeJS.Timeout;
    /** Requests whose response has not closed yet. */
    open: number;
    /** Requests the gateway is still working on. */
    working: number;
}

/** Closes a gateway's connections that miss a deadline; `expired` destroys the socket and says why. */
export class Deadlines {
    readonly #connections = new WeakMap<net.Socket, Connection>();

    constructor(private readonly limits: ConnectionLimits, private readonly expired: (socket: net.Socket, why: string) => void) {}

    /** A TCP connection arrived: its TLS handshake must end in time. */
    handshake(socket: tls.TLSSocket): void {
        const ms = this.limits.handshakeTimeoutMs;
        const timer = this.#after(socket, ms, `no TLS handshake within ${seconds(ms)}`);
        socket.once("secure", () => clearTimeout(timer));
        socket.once("close", () => clearTimeout(timer));
    }

    /** The connection waits for a request: its headers, then its body, must arrive in time. */
    awaitRequest(socket: net.Socket): void {
        let connection = this.#connections.get(socket);
        if (!connection) {
            const created: Connection = { open: 0, working: 0 };
            socket.once("close", () => clear(created));
            this.#connections.set(socket, created);
            connection = created;
        }
        clear(connection);
        connection.headers = this.#after(socket, this.limits.headersTimeoutMs, `no complete request headers within ${seconds(this.limits.headersTimeoutMs)}`);
        connection.request = this.#after(socket, this.limits.requestTimeoutMs, `no complete request within ${seconds(this.limits.requestTimeoutMs)}`);
    }

    /**
     * A request's headers arrived and the gateway works on it until `working` settles. Its body
     * must still arrive in time; once every response has closed, the connection waits again.
     */
    request(req: http.IncomingMessage, res: http.ServerResponse, working: Promise<unknown>): void {
        const socket = req.socket;
        const connection = this.#connections.get(socket);
        if (!connection) {
            return;
        }
        clearTimeout(connection.headers);
        // A pipelined request arrives while another is answered: it gets a deadline of its own.
        const bodyDeadline = connection.request ?? this.#after(socket, this.limits.requestTimeoutMs, `no complete request within ${seconds(this.limits.requestTimeoutMs)}`);
        connection.request = undefined;
        req.once("end", () => clearTimeout(bodyDeadline));
        connection.open += 1;
        connection.working += 1;
        const done = () => {
            connection.working -= 1;
        };
        working.then(done, done);
        res.once("close", () => {
            clearTimeout(bodyDeadline);
            connection.open -= 1;
            if (connection.open === 0 && !socket.destroyed) {
                this.awaitRequest(socket);
            }
        });
    }

    /** Whether silence on the connection is the gateway's doing (a function still runs), not the client's. */
    working(socket: net.Socket): boolean {
        return (this.#connections.get(socket)?.working ?? 0) > 0;
    }

    #after(socket: net.Socket, ms: number, why: string): NodeJS.Timeout {
        const timer = setTimeout(() => this.expired(socket, why), ms);
        timer.unref();
        return timer;
    }
}

function clear(connection: Connection): void {
    clearTimeout(connection.headers);
    clearTimeout(connection.request);
    connection.headers = undefined;
    connection.request = undefined;
}

function seconds(ms: number): string {
    return `${ms / 1000} s`;
}
