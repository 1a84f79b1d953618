// An HTTPS client for local mode, as partners call it: a fresh mutual-TLS connection per request,
// the domain as SNI and Host, the local server CA trusted.
import * as fs from "node:fs";
import * as https from "node:https";
import type { SecureVersion } from "node:tls";
import type { LocalRun } from "../local/start";

export interface Reply {
    readonly status?: number;
    readonly body?: string;
    readonly error?: NodeJS.ErrnoException;
}

export interface Credentials {
    readonly cert?: string;
    readonly key?: string;
}

/** One GET over a fresh connection, with the domain as SNI and Host; never rejects. */
export function get(run: LocalRun, urlPath: string, credentials: Credentials = {}, tls: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string } = {}): Promise<Reply> {
    return new Promise((resolve) => {
        const request = https.request({
            host: "127.0.0.1",
            port: run.port,
            servername: run.domain.domainName,
            path: urlPath,
            headers: { host: run.domain.domainName },
            ca: fs.readFileSync(run.serverCaFile),
            ...credentials,
            ...tls,
            agent: false,
            timeout: 5_000,
        }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
                body += chunk;
            });
            response.on("end", () => resolve({ status: response.statusCode, body }));
        });
        request.on("timeout", () => request.destroy(new Error("timed out")));
        request.on("error", (error: NodeJS.ErrnoException) => resolve({ error }));
        request.end();
    });
}
