// The smoke checks of an mTLS endpoint, shared by `npm run verify` (any domain, deployed or
// local) and `npm run local -- --smoke`: without a certificate, with a fresh self-signed one, with
// the partner's, and over TLS 1.1. Each makes one real connection. `burstCheck` (verify --burst)
// makes many at once, to see the partner's usage plan throttle it.
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import { formatTable } from "../cli/table";
import { selfSignedClient } from "./certificates";

export interface Target {
    /** https URL of a method that answers the partner with 2xx, e.g. https://api.example.com/c360/customer/42. */
    readonly url: URL;
    /** The partner's certificate and key, PEM. */
    readonly cert: string;
    readonly key: string;
    /** CA(s) that issued the server certificate, PEM. Default: Node's public roots. */
    readonly ca?: string;
    /** Connect to this address instead of resolving the URL's host (as curl --resolve). */
    readonly resolve?: string;
    /** Per connection. Default: 10 s. */
    readonly timeoutMs?: number;
}

export interface CheckResult {
    readonly check: string;
    readonly expected: string;
    readonly got: string;
    readonly passed: boolean;
}

/** The host cannot be reached at all: no check can say anything. */
export class Unreachable extends Error {
    constructor(message: string) {
        super(message);
        this.name = "Unreachable";
    }
}

/** What one connection ended in. */
export type Outcome =
    | { readonly kind: "response"; readonly status: number; readonly body: string; readonly protocol: string }
    /** The server ended the handshake or the connection before answering. */
    | { readonly kind: "refused"; readonly detail: string }
    /** We did not trust the server's certificate, so nothing was sent. */
    | { readonly kind: "server-untrusted"; readonly detail: string; readonly protocol: string }
    | { readonly kind: "error"; readonly detail: string };

interface Attempt {
    readonly cert?: string;
    readonly key?: string;
    readonly minVersion?: tls.SecureVersion;
    readonly maxVersion?: tls.SecureVersion;
    readonly ciphers?: string;
}

const MAX_BODY = 64 * 1024;

function endpoint(target: Target): { host: string; port: number; servername?: string } {
    const host = target.url.hostname.replace(/^\[|\]$/g, "");
    return {
        host: target.resolve ?? host,
        port: Number(target.url.port || 443),
        servername: net.isIP(host) ? undefined : host,
    };
}

/** "tlsv13 alert certificate required" from OpenSSL's message or Node's code. */
function tlsReason(error: NodeJS.ErrnoException): string {
    const routine = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1];
    if (routine) {
        return routine.trim();
    }
    if (error.code?.startsWith("ERR_SSL_")) {
        return error.code.slice("ERR_SSL_".length).toLowerCase().replace(/_/g, " ");
    }
    return error.code ?? error.message;
}

function isRefusal(error: NodeJS.ErrnoException): boolean {
    return error.code === "EPROTO" || error.code === "ECONNRESET" || error.code === "EPIPE" || (error.code?.startsWith("ERR_SSL_") ?? false)
        || error.message === "socket hang up" || error.message === "Client network socket disconnected before secure TLS connection was established";
}

/** Makes one connection and one GET of the target URL; never rejects. Exported for testing. */
export function attempt(target: Target, how: Attempt): Promise<Outcome> {
    const { host, port, servername } = endpoint(target);
    const timeoutMs = target.timeoutMs ?? 10_000;
    return new Promise((resolve) => {
        let done = false;
        const socket = tls.connect({
            host, port, servername, ca: target.ca, cert: how.cert, key: how.key,
            minVersion: how.minVersion, maxVersion: how.maxVersion, ciphers: how.ciphers,
            // The server's certificate is checked below, before anything is sent.
            rejectUnauthorized: false,
            ALPNProtocols: ["http/1.1"],
        });
        const finish = (outcome: Outcome) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                socket.destroy();
                resolve(outcome);
            }
        };
        const timer = setTimeout(() => finish({ kind: "error", detail: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
        const fail = (error: NodeJS.ErrnoException) => finish(isRefusal(error)
            ? { kind: "refused", detail: `handshake or connection refused (${tlsReason(error)})` }
            : { kind: "error", detail: `${error.code ?? "error"}: ${error.message}` });
        socket.once("error", fail);
        socket.once("secureConnect", () => {
            const protocol = socket.getProtocol() ?? "TLS";
            if (!socket.authorized) {
                finish({ kind: "server-untrusted", detail: String(socket.authorizationError), protocol });
                return;
            }
            const request = http.request({
                method: "GET",
                path: `${target.url.pathname}${target.url.search}`,
                headers: { host: target.url.host, "user-agent": "apigw-mtls-verify", connection: "close" },
                createConnection: () => socket,
            }, (response) => {
                let body = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => {
                    body = (body + chunk).slice(0, MAX_BODY);
                });
                response.once("end", () => finish({ kind: "response", status: response.statusCode ?? 0, body, protocol }));
                response.once("error", fail);
            });
            request.once("error", fail);
            request.end();
        });
    });
}

/** Fails with Unreachable when nothing accepts a TCP connection at the target. */
export function probe(target: Target): Promise<void> {
    const { host, port } = endpoint(target);
    const timeoutMs = target.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host, port });
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new Unreachable(`cannot reach ${host}:${port}: no TCP connection within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        socket.once("connect", () => {
            clearTimeout(timer);
            socket.destroy();
            resolve();
        });
        socket.once("error", (error: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            reject(new Unreachable(`cannot reach ${host}:${port}: ${error.code ?? error.message}`));
        });
    });
}

function summarize(outcome: Outcome): string {
    switch (outcome.kind) {
        case "response":
            return `${outcome.status} ${outcome.body.replace(/\s+/g, " ").slice(0, 60)}`;
        case "server-untrusted":
            return `server certificate not trusted (${outcome.detail}); pass --ca with the CA that issued it`;
        default:
            return outcome.detail;
    }
}

function mustBeRefused(check: string, outcome: Outcome): CheckResult {
    const passed = outcome.kind === "refused" || (outcome.kind === "response" && outcome.status === 403);
    return { check, expected: "refused: handshake fails or 403", got: summarize(outcome), passed };
}

/** Runs the four checks, one connection each, in order. */
export async function runChecks(target: Target): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    results.push(mustBeRefused("no client certificate", await attempt(target, {})));

    const outsider = await selfSignedClient("apigw-mtls verify self-signed");
    results.push(mustBeRefused("fresh self-signed certificate", await attempt(target, { cert: outsider.certPem, key: outsider.keyPem })));

    const partner = await attempt(target, { cert: target.cert, key: target.key });
    results.push({
        check: "partner certificate",
        expected: "2xx",
        got: summarize(partner),
        passed: partner.kind === "response" && partner.status >= 200 && partner.status < 300,
    });

    // OpenSSL 3 offers TLS 1.1 only at security level 0; the server must still say no.
    const legacy = await attempt(target, { cert: target.cert, key: target.key, minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    results.push({
        check: "TLS 1.1",
        expected: "refused in the handshake",
        got: legacy.kind === "response" || legacy.kind === "server-untrusted" ? `handshake completed with ${legacy.protocol}` : summarize(legacy),
        passed: legacy.kind === "refused",
    });
    return results;
}

/** The most requests a burst check sends at once: local mode serves 512 connections at a time. */
export const MAX_BURST = 500;

/**
 * Sends `count` requests at once with the partner's certificate, each on its own connection.
 * Passes when at least one answer is 429 Too Many Requests (the usage plan's throttle) and none
 * is 5xx; the row says how many got 200 and 429.
 */
export async function burstCheck(target: Target, count: number): Promise<CheckResult> {
    const outcomes = await Promise.all(Array.from({ length: count }, () => attempt(target, { cert: target.cert, key: target.key })));
    const statuses = outcomes.flatMap((o) => (o.kind === "response" ? [o.status] : []));
    const throttled = outcomes.filter((o) => o.kind === "response" && o.status === 429 && messageOf(o.body) === "Too Many Requests").length;
    const counted = (test: (status: number) => boolean) => statuses.filter(test).length;
    const parts = [
        `${counted((s) => s === 200)} got 200`,
        `${counted((s) => s === 429)} got 429 (${throttled} Too Many Requests)`,
        ...[["other 2xx-4xx", counted((s) => s !== 200 && s !== 429 && s < 500)], ["5xx", counted((s) => s >= 500)], ["no answer", outcomes.length - statuses.length]]
            .filter(([, n]) => n !== 0).map(([what, n]) => `${n} ${what}`),
    ];
    return {
        check: `burst of ${count}`,
        expected: "some 429 Too Many Requests, no 5xx",
        got: `of ${count}: ${parts.join(", ")}`,
        passed: throttled > 0 && counted((s) => s >= 500) === 0,
    };
}

function messageOf(body: string): unknown {
    try {
        return (JSON.parse(body) as { message?: unknown } | null)?.message;
    } catch {
        return undefined;
    }
}

/** The results as a plain-text table with a PASS/FAIL column. */
export function resultTable(results: readonly CheckResult[]): string {
    return formatTable(["CHECK", "EXPECTED", "GOT", "RESULT"], results.map((r) => [r.check, r.expected, r.got, r.passed ? "PASS" : "FAIL"]));
}
