// An HTTPS client for local mode, as partners call it: a fresh mutual-TLS connection per request,
// the domain as SNI and Host, the local server CA trusted.
import * as fs from "node:fs";
import * as https from "node:https";
import type { SecureVersion } from "node:tls";
import * as path from "node:path";
import { LocalRun, startLocal } from "../../tools/local/start";

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

/**
 * Local mode of the dev stack with the partners given and the partner hooli on its own CA
 * (`hooli-ca.pem` in `dir`), denying `revokedSerial` and what `hooli.crl.pem` in `dir` revokes;
 * its files in `dir/local`, its functions' log lines into `log`. Returns the run and the path of
 * customer 42.
 */
export async function startHooliRevocations(dir: string, revokedSerial: string, log: string[], partners: Readonly<Record<string, object>> = {}): Promise<{ local: LocalRun; customerPath: string }> {
    const local = await startLocal({
        stack: "dev",
        port: 0,
        dir: path.join(dir, "local"),
        config: {
            partners: { ...partners, hooli: { caCertFile: path.join(dir, "hooli-ca.pem") } },
            revokedSerials: [{ serial: revokedSerial, reason: "laptop stolen, SEC-42" }],
            crlFile: path.join(dir, "hooli.crl.pem"),
        },
        functionLog: (_fn, line) => log.push(line),
    });
    return { local, customerPath: `/${local.domain.mappings[0].basePath.join("/")}/customer/42` };
}
