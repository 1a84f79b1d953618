// A load generator for tools/bench/servers.ts: each request opens a new TLS connection (no agent, no
// session reuse), so every request pays a full mutual-TLS handshake, as a partner's first call does.
import * as fs from "node:fs";
import * as https from "node:https";
import * as tls from "node:tls";
import { argument, serve } from "./harness";
import type { Target } from "./servers";

export interface LoadCase {
    readonly target: Target;
    /** Requests to make; the run also ends after `maxSeconds`. */
    readonly requests: number;
    readonly concurrency: number;
    readonly maxSeconds: number;
    /** The statuses a request may get: 200; 429 and 200 on the throttled path (1 request a second passes). */
    readonly expect: readonly number[];
}

export interface LoadResult {
    readonly ok: number;
    readonly failed: number;
    /** First failure, if any. */
    readonly failure?: string;
    /** Responses by HTTP status. */
    readonly statuses: Record<string, number>;
    readonly elapsedMs: number;
    /** Latency of each request answered with the expected status (connect to last byte), ms. */
    readonly latenciesMs: number[];
}

function call(target: Target, secureContext: tls.SecureContext, expect: readonly number[], statuses: Record<string, number>): Promise<number> {
    return new Promise((resolve, reject) => {
        // https.request hands these to tls.connect, which takes a secureContext; its types do not say so.
        const options: https.RequestOptions & Pick<tls.ConnectionOptions, "secureContext"> = {
            host: "127.0.0.1",
            port: target.port,
            servername: target.servername,
            path: target.path,
            headers: { host: target.servername },
            secureContext,
            agent: false,
        };
        const started = performance.now();
        const req = https.request(options, (res) => {
            res.resume();
            res.on("end", () => {
                const status = res.statusCode ?? 0;
                statuses[status] = (statuses[status] ?? 0) + 1;
                return expect.includes(status) ? resolve(performance.now() - started) : reject(new Error(`status ${status}`));
            });
        });
        req.on("error", reject);
        req.end();
    });
}

async function main(): Promise<LoadResult> {
    const spec = argument<LoadCase>();
    // One context for the run: the client's own PEM parsing stays out of the figures.
    const secureContext = tls.createSecureContext({
        ca: spec.target.ca,
        cert: fs.readFileSync(spec.target.certFile, "utf8"),
        key: fs.readFileSync(spec.target.keyFile, "utf8"),
    });
    const latenciesMs: number[] = [];
    const statuses: Record<string, number> = {};
    let failed = 0;
    let failure: string | undefined;
    let next = 0;
    const started = performance.now();
    const deadline = started + spec.maxSeconds * 1000;
    const worker = async () => {
        while (next < spec.requests && performance.now() < deadline) {
            next++;
            try {
                latenciesMs.push(await call(spec.target, secureContext, spec.expect, statuses));
            } catch (error) {
                failed++;
                failure ??= error instanceof Error ? error.message : String(error);
            }
        }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
    return { ok: latenciesMs.length, failed, failure, statuses, elapsedMs: performance.now() - started, latenciesMs };
}

serve(main);
