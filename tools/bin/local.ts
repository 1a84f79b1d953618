// `npm run local [-- --stack dev --port 8443 --smoke]`: the stack's mTLS domain on 127.0.0.1,
// with ready-to-paste curl commands; with --smoke, the verify checks against it, then stop.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCommandLine, parsePort, UsageError } from "../cli/args";
import { describeCalls, sampleUrl, shown } from "../local/calls";
import type { DomainModel } from "../local/domain-model";
import { ModelError } from "../local/model";
import { formatViolation, PolicyRefusal } from "../local/policy-gate";
import { LocalError, LocalOptions, LocalRun, startLocal } from "../local/start";
import { ProgramFailure } from "../simulator/program";
import { resultTable, runChecks } from "../smoke/checks";

const USAGE = `usage: npm run local [-- --stack <name>] [--port <port>] [--smoke]

Runs the stack's program (index.ts) under Pulumi mocks, refuses to go on when the policy pack
finds a mandatory violation, and serves the stack's mTLS custom domain on 127.0.0.1 as API
Gateway would. Certificates, keys (mode 0600), the truststore and the server CA are written to
.local/<stack>/, which one run at a time owns: a second run of the stack refuses to start. A
partner onboarded from a request keeps its key: its curl command names partners/keys/<name>.key
when that file is the key of its certificate, and asks for the key otherwise.

  --stack <name>  stack whose Pulumi.<stack>.yaml is used (default: dev)
  --port <port>   port on 127.0.0.1 (default: 8443; with --smoke, a free port)
  --smoke         run the smoke checks against the local domain with a generated partner
                  (one the stack makes the key and certificate of), stop, and exit 0 only when
                  every check passed; its files go to a temporary folder, removed at the end

Exit codes: 0 ok; 1 a check failed or the policy pack refused the stack; 2 cannot run (bad
option or config, port or folder in use; with --smoke, a stack without a generated partner).`;

export interface LocalIo {
    out(line: string): void;
    err(line: string): void;
    /** Resolves when the user asks to stop (Ctrl+C). */
    untilInterrupted(): Promise<void>;
}

const processIo: LocalIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    untilInterrupted: () => new Promise((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
    }),
};

function policyText(domain: DomainModel): string {
    return domain.securityPolicy === "TLS_1_2" ? "TLS 1.2 and up" : `security policy ${domain.securityPolicy}`;
}

function describeStart(run: LocalRun, io: LocalIo, temporary: boolean): void {
    const violations = run.advisories.length === 0 ? "no violations" : `${run.advisories.length} advisory violation(s)`;
    io.out(`local: stack ${run.stack}: ${run.resources.length} resources declared in ${(run.programMs / 1000).toFixed(1)} s; policy pack: ${violations}`);
    run.advisories.forEach((v) => io.out(`  ${formatViolation(v)}`));
    io.out(`local: serving ${run.domain.domainName} on https://127.0.0.1:${run.port} (${policyText(run.domain)}, client certificate required)`);
    const caCount = (run.domain.truststorePem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
    const ownKeys = run.csrPartners.length === 0 ? "" : ` and ${run.csrPartners.length} certificate(s) of partners that keep their key`;
    io.out(`local: wrote ${shown(run.dir)}${temporary ? " (removed at the end)" : ""}: server-ca.pem, truststore.pem (${caCount} CA certificates), ${run.partners.length} partner certificate(s) and key(s)${ownKeys} in partners/, untrusted/, functions/`);
}

async function smoke(run: LocalRun, io: LocalIo): Promise<number> {
    const partner = run.partners[0];
    if (!partner) {
        io.err(`local: stack ${run.stack} issues no partner certificate with a key of its making, so the smoke test has no partner to call with (partners from a request keep their key); add a generated partner to Pulumi.${run.stack}.yaml`);
        return 2;
    }
    const url = sampleUrl(run);
    io.out(`local: smoke test: ${url} via 127.0.0.1:${run.port} as partner ${partner.name}`);
    const results = await runChecks({
        url: new URL(url),
        cert: fs.readFileSync(partner.certFile, "utf8"),
        key: fs.readFileSync(partner.keyFile, "utf8"),
        ca: fs.readFileSync(run.serverCaFile, "utf8"),
        resolve: "127.0.0.1",
    });
    io.out(resultTable(results));
    const passed = results.filter((r) => r.passed).length;
    io.out(`local: smoke ${passed === results.length ? "passed" : "FAILED"}: ${passed}/${results.length} checks passed`);
    return passed === results.length ? 0 : 1;
}

/** The options of the command line. Exported for testing. */
export const OPTIONS = {
    stack: { type: "string" },
    port: { type: "string" },
    smoke: { type: "boolean" },
} as const;

/**
 * Runs the command on `argv` (after the script name) and resolves to its exit code. `overrides`
 * go to startLocal as they are (tests give their own folder, config and limits).
 */
export async function main(argv: readonly string[], io: LocalIo = processIo, overrides: Omit<LocalOptions, "stack" | "port"> = {}): Promise<number> {
    let run: LocalRun | undefined;
    let temporaryDir: string | undefined;
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            io.out(USAGE);
            return 0;
        }
        const { values } = parseCommandLine(argv, OPTIONS);
        const isSmoke = values.smoke ?? false;
        const port = values.port === undefined ? (isSmoke ? 0 : 8443) : parsePort(values.port);
        // The smoke test needs its files only while it runs: in a folder of its own, it never
        // rewrites .local/<stack>/ under a run that serves from there.
        temporaryDir = isSmoke && overrides.dir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-smoke-")) : undefined;
        run = await startLocal({
            stack: values.stack ?? "dev",
            port,
            log: (line) => io.out(`gateway: ${line}`),
            accessLog: isSmoke ? undefined : (line) => io.out(`access: ${line}`),
            functionLog: isSmoke ? undefined : (name, line) => io.out(`lambda ${name}: ${line}`),
            ...overrides,
            dir: overrides.dir ?? temporaryDir,
        });
        describeStart(run, io, temporaryDir !== undefined);
        if (isSmoke) {
            return await smoke(run, io);
        }
        describeCalls(run, (line) => io.out(line));
        io.out("Ctrl+C stops.");
        await io.untilInterrupted();
        io.out("local: stopped");
        return 0;
    } catch (error) {
        if (error instanceof PolicyRefusal) {
            io.err(`local: ${error.message}`);
            return 1;
        }
        const known = [UsageError, LocalError, ModelError, ProgramFailure].some((kind) => error instanceof kind);
        const message = error instanceof Error ? error.message : String(error);
        io.err(`local: ${known ? message : `unexpected error: ${message}`}${error instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    } finally {
        await run?.stop();
        if (temporaryDir !== undefined) {
            fs.rmSync(temporaryDir, { recursive: true, force: true });
        }
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exit(code);
    });
}
