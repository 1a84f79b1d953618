// Local mode and a bare Node https server side by side in one process, on 127.0.0.1 ports the
// OS picks from the same ephemeral range, for tools/bench/load.ts to compare. The bare server asks for
// a client certificate and verifies it against the same truststore with OpenSSL, then answers
// what the local gateway answers for the same path; its server certificate is made the same way
// as local mode's (ECDSA P-256 from a one-run CA). Stops on "stop", when the parent goes away,
// or after `maxSeconds`; answers "cpu" with its CPU time so far.
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { customers } from "../../core/customers";
import { sampleUrl } from "../local/calls";
import { startLocal } from "../local/start";
import { issueServerCredentials } from "../smoke/certificates";
import { argument, reply } from "./harness";

export interface ServersCase {
    readonly stack: string;
    readonly maxSeconds: number;
}

/**
 * The bench's own partners, in place of the stack's: one whose limits the load never reaches
 * (the 200 path, compared with bare https) and one it throttles from the second request on (the
 * 429 path, a case of its own). The dev stack's partners share 50 requests a second, so most of a
 * load on them was answered 429.
 */
export const benchPartners = [
    { name: "unthrottled", throttle: { rateLimit: 1_000_000, burstLimit: 1_000_000 } },
    { name: "throttled", throttle: { rateLimit: 1, burstLimit: 1 } },
] as const;

/** Where and how to call one server. */
export interface Target {
    readonly port: number;
    /** TLS server name and Host header. */
    readonly servername: string;
    readonly path: string;
    /** PEM of the CA that issued the server certificate. */
    readonly ca: string;
    readonly certFile: string;
    readonly keyFile: string;
}

/** The answer to "cpu". */
export interface ServerCpu {
    readonly cpuMs: number;
}

export interface Servers {
    readonly local: Target;
    /** Local mode as the throttled partner calls it. */
    readonly throttled: Target;
    readonly bare: Target;
    /** Milliseconds local mode took to start (program under mocks, pack, functions). */
    readonly localStartMs: number;
}

async function main(): Promise<void> {
    const spec = argument<ServersCase>();
    const started = performance.now();
    const run = await startLocal({
        stack: spec.stack,
        config: { partners: Object.fromEntries(benchPartners.map(({ name, throttle }) => [name, { throttle }])) },
        port: 0,
        dir: fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-bench-local-")),
        log: () => undefined,
        accessLog: () => undefined,
        functionLog: () => undefined,
    });
    const localStartMs = Math.round(performance.now() - started);
    const partner = (name: string) => {
        const found = run.partners.find((p) => p.name === name);
        if (!found) {
            throw new Error(`local mode issued no certificate for the bench partner ${name}`);
        }
        return found;
    };
    const url = new URL(sampleUrl(run));
    const customerId = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    const body = JSON.stringify(customers.get(customerId) ?? { message: "Not found" });
    const credentials = await issueServerCredentials(run.domain.domainName, "apigw-mtls bench bare server CA");
    const bare = https.createServer({
        cert: credentials.certPem,
        key: credentials.keyPem,
        ca: run.domain.truststorePem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.2",
    }, (req, res) => {
        res.writeHead(req.url === url.pathname ? 200 : 404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
    });
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    const barePort = (bare.address() as { port: number }).port;

    const unthrottled = partner("unthrottled");
    const common = { servername: run.domain.domainName, path: url.pathname, certFile: unthrottled.certFile, keyFile: unthrottled.keyFile };
    const local = { ...common, port: run.port, ca: fs.readFileSync(run.serverCaFile, "utf8") };
    const throttled = partner("throttled");
    const servers: Servers = {
        local,
        throttled: { ...local, certFile: throttled.certFile, keyFile: throttled.keyFile },
        bare: { ...common, port: barePort, ca: credentials.caPem },
        localStartMs,
    };
    let stopping = false;
    const stop = async () => {
        if (stopping) {
            return;
        }
        stopping = true;
        bare.closeAllConnections();
        bare.close();
        await run.stop();
        fs.rmSync(run.dir, { recursive: true, force: true });
        process.exit(0);
    };
    process.on("message", (message) => {
        if (message === "stop") {
            void stop();
        } else if (message === "cpu") {
            // CPU time of this process: with the load generator on the other core, what each request costs the server.
            const used = process.cpuUsage();
            process.send?.({ cpuMs: (used.user + used.system) / 1000 } satisfies ServerCpu);
        }
    });
    process.on("disconnect", () => void stop());
    setTimeout(() => void stop(), spec.maxSeconds * 1000).unref();
    if (process.send) {
        process.send(servers);
    } else {
        reply(servers);
    }
}

main().catch((error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }));
