// `npm run verify -- --url https://<domain>/<base>/customer/42 --cert partner.crt --key partner.key
// [--ca server-ca.pem] [--domain <name>] [--resolve <address>] [--burst <n>]`: the smoke checks of
// an mTLS domain, deployed or local, as a table; with --domain, also the domain's state in AWS;
// with --burst, n requests at once that the partner's usage plan must throttle.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as net from "node:net";
import { resolve } from "node:path";
import { parseCommandLine, UsageError } from "../cli/args";
import { blockName, scanPem } from "../../core/x509/pem";
import { burstCheck, CheckResult, MAX_BURST, probe, resultTable, runChecks, Unreachable } from "../smoke/checks";
import { checkDomain, DomainReader, DomainReadError } from "../smoke/domain-check";

export const USAGE = `usage: npm run verify -- --url <https URL> --cert <partner.crt> --key <partner.key>
                      [--ca <server-ca.pem>] [--domain <domain name>] [--resolve <address>]
                      [--burst <n>]

Checks an mTLS endpoint with real connections: no client certificate is refused, a fresh
self-signed certificate is refused (403 or handshake failure), the partner's certificate gets
2xx, TLS 1.1 is refused. --url names a method that answers the partner with 2xx.

  --ca <file>        CA certificate(s) of the server (default: the public roots)
  --domain <name>    also read the custom domain from AWS (credentials and AWS_REGION from the
                     environment): fail unless AVAILABLE, with mutual TLS and no truststore warnings
  --resolve <addr>   connect to this address instead of resolving the URL's host (as curl --resolve)
  --burst <n>        last, send n requests at once (1 to ${MAX_BURST}) with the partner's certificate:
                     pass when at least one gets 429 Too Many Requests (the partner's usage plan
                     throttles it) and none gets 5xx; n above the plan's burst limit. It uses up
                     n requests of the partner's quota

Exit codes: 0 every check passed; 1 a check failed; 2 bad arguments, unreadable files, an
unreachable host or an unreadable domain.`;

/** The options of the command line. Exported for testing. */
export const OPTIONS = {
    url: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    ca: { type: "string" },
    domain: { type: "string" },
    resolve: { type: "string" },
    burst: { type: "string" },
} as const;

/** Where the CLI reads and writes, and how it reaches AWS; tests pass their own. */
export interface VerifyIo {
    readonly cwd: string;
    out(line: string): void;
    err(line: string): void;
    /** The API Gateway client for --domain. */
    domainReader(): Promise<DomainReader>;
}

const processIo: VerifyIo = {
    // `npm run` starts scripts in the package directory; INIT_CWD is where the user typed it.
    cwd: (process.env.npm_lifecycle_event === "verify" && process.env.INIT_CWD) || process.cwd(),
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    domainReader: async () => {
        const { APIGatewayClient } = await import("@aws-sdk/client-api-gateway");
        return new APIGatewayClient({});
    },
};

/** An input file cannot be used; no --help hint, the message says what is wrong. */
class InputError extends Error {}

async function readPem(io: VerifyIo, option: string, file: string): Promise<string> {
    try {
        return await readFile(resolve(io.cwd, file), "utf8");
    } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new InputError(`cannot read --${option} ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code ?? String(cause)}`);
    }
}

function parseBurst(text: string | undefined): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    const count = Number(text);
    if (!/^\d+$/.test(text) || count < 1 || count > MAX_BURST) {
        throw new UsageError(`--burst ${JSON.stringify(text)} is not a number of requests; use 1 to ${MAX_BURST}, above the partner's burst limit`);
    }
    return count;
}

function parseUrl(text: string | undefined): URL {
    if (text === undefined) {
        throw new UsageError("--url is required");
    }
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw new UsageError(`--url ${JSON.stringify(text)} is not a URL; give https://<domain>/<base path>/<resource>`);
    }
    if (url.protocol !== "https:") {
        throw new UsageError(`--url must be https, not ${url.protocol.replace(":", "")}`);
    }
    return url;
}

/** Why --cert is no certificate: what PEM it holds instead, when it holds any. */
function notACertificate(certPem: string, certFile: string): InputError {
    const other = scanPem(certPem).blocks.find((block) => block.label !== "CERTIFICATE");
    if (other === undefined) {
        return new InputError(`--cert ${certFile} is not a PEM certificate`);
    }
    const name = blockName(other.label);
    return /PRIVATE KEY/.test(other.label)
        ? new InputError(`--cert ${certFile} holds a private key (${name}), not a certificate: pass the partner's certificate as --cert and its key as --key`)
        : new InputError(`--cert ${certFile} holds ${name}, not a certificate: pass the partner's certificate`);
}

/** The partner's certificate and key, checked to be PEM and to belong together. */
function checkCredentials(certPem: string, keyPem: string, certFile: string, keyFile: string): void {
    let cert: X509Certificate;
    try {
        cert = new X509Certificate(certPem);
    } catch {
        throw notACertificate(certPem, certFile);
    }
    let matches: boolean;
    try {
        matches = cert.checkPrivateKey(createPrivateKey(keyPem));
    } catch {
        throw new InputError(`--key ${keyFile} is not a PEM private key (encrypted keys are not supported)`);
    }
    if (!matches) {
        throw new InputError(`--key ${keyFile} is not the key of --cert ${certFile}`);
    }
}

/** Runs the command on `argv` (after the script name) and resolves to its exit code. */
export async function main(argv: readonly string[], io: VerifyIo = processIo): Promise<number> {
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            io.out(USAGE);
            return 0;
        }
        const { values } = parseCommandLine(argv, OPTIONS);
        const url = parseUrl(values.url);
        const burst = parseBurst(values.burst);
        if (values.cert === undefined || values.key === undefined) {
            throw new UsageError(`--${values.cert === undefined ? "cert" : "key"} is required`);
        }
        if (values.resolve !== undefined && net.isIP(values.resolve) === 0) {
            throw new UsageError(`--resolve ${JSON.stringify(values.resolve)} is not an IP address`);
        }
        const [cert, key, ca] = await Promise.all([
            readPem(io, "cert", values.cert),
            readPem(io, "key", values.key),
            values.ca === undefined ? undefined : readPem(io, "ca", values.ca),
        ]);
        checkCredentials(cert, key, values.cert, values.key);
        const target = { url, cert, key, ca, resolve: values.resolve };
        await probe(target);
        const results: CheckResult[] = await runChecks(target);
        if (values.domain !== undefined) {
            results.push(...await checkDomain(values.domain, await io.domainReader()));
        }
        // Last: it empties the partner's bucket, which the partner check needs full.
        if (burst !== undefined) {
            results.push(await burstCheck(target, burst));
        }
        io.out(resultTable(results));
        const failed = results.filter((r) => !r.passed).length;
        io.out(failed === 0 ? `verify: all ${results.length} checks passed` : `verify: ${failed} of ${results.length} checks FAILED`);
        return failed === 0 ? 0 : 1;
    } catch (error) {
        const known = [UsageError, InputError, Unreachable, DomainReadError].some((kind) => error instanceof kind);
        const message = error instanceof Error ? error.message : String(error);
        io.err(`verify: ${known ? message : `unexpected error: ${message}`}${error instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
