// `npm run local [-- --stack dev --port 8443 --smoke]`: the stack's mTLS domain on 127.0.0.1,
// with ready-to-paste curl commands; with --smoke, the verify checks against it, then stop.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProgramFailure } from "../mocks/program";
import { projectDir } from "../mocks/stackconfig";
import { parseOptions, parsePort, UsageError } from "./args";
import { formatTable, runChecks } from "./checks";
import { DomainModel, ModelError, ResourceNode } from "./model";
import { formatViolation, PolicyRefusal } from "./policygate";
import { CredentialFiles, CsrPartner, LocalError, LocalOptions, LocalRun, startLocal } from "./start";

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

/** A path as short as it can be said from the working directory. */
function shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative.startsWith("..") ? file : relative;
}

function firstGet(node: ResourceNode): string | undefined {
    if (node.methods.has("GET")) {
        return node.path;
    }
    for (const child of [...node.statics.values(), ...(node.param ? [node.param.node] : [])]) {
        const found = firstGet(child);
        if (found) {
            return found;
        }
    }
    return undefined;
}

/** A URL worth calling: the first GET method, path parameters filled with 42. Exported for testing. */
export function sampleUrl(run: Pick<LocalRun, "baseUrl" | "domain">): string {
    const mapping = run.domain.mappings[0];
    const stage = mapping?.stage ?? mapping?.stages.values().next().value;
    const method = stage ? firstGet(stage.root) ?? "/" : "/";
    const stagePart = mapping && !mapping.stage && stage ? `/${stage.stageName}` : "";
    return `${run.baseUrl}${stagePart}${method.replace(/\{[^}]+\}/g, "42")}`;
}

function policyText(domain: DomainModel): string {
    return domain.securityPolicy === "TLS_1_2" ? "TLS 1.2 and up" : `security policy ${domain.securityPolicy}`;
}

/** A curl command line; `credentials` are its --cert and --key arguments as printed. */
function curl(run: LocalRun, url: string, credentials?: { cert: string; key: string }): string {
    const resolve = `--resolve ${run.domain.domainName}:${run.port}:127.0.0.1`;
    const auth = credentials ? ` --cert ${credentials.cert} --key ${credentials.key}` : "";
    return `  curl -sS -w ' %{http_code}\\n' ${resolve} --cacert ${shown(run.serverCaFile)}${auth} ${url}`;
}

function files(pair: CredentialFiles): { cert: string; key: string } {
    return { cert: shown(pair.certFile), key: shown(pair.keyFile) };
}

/** The call as a partner that keeps its key: with its key file where we found it, or a placeholder and one line on why. */
function csrPartnerCall(run: LocalRun, url: string, partner: CsrPartner): string[] {
    const request = shown(path.resolve(projectDir, partner.csrFile));
    const cert = shown(partner.certFile);
    const keyFile = shown(partner.key.file);
    const key = partner.key.status === "matches" ? keyFile : `<the key you made ${request} with>`;
    const lines = [`Trusted partner ${partner.name}, with its own key (expect 200):`, curl(run, url, { cert, key })];
    switch (partner.key.status) {
        case "matches":
            return lines;
        case "absent":
            return [...lines, `  ${partner.name} keeps its key: pass the one ${request} was made with as --key (there is none at ${keyFile})`];
        case "mismatch":
            return [...lines, `  ${keyFile} is not the key of ${cert} (issued for ${request}), so it is not used: pass the key ${request} was made with`];
        case "unreadable":
            return [...lines, `  ${keyFile} is no private key local mode can read (PEM, no passphrase), so it is not checked against ${cert}: pass the key ${request} was made with (curl takes --pass for an encrypted one)`];
    }
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

function describeCalls(run: LocalRun, io: LocalIo): void {
    const url = sampleUrl(run);
    io.out("");
    for (const partner of run.partners) {
        io.out(`Trusted partner ${partner.name} (expect 200):`);
        io.out(curl(run, url, files(partner)));
    }
    run.csrPartners.flatMap((partner) => csrPartnerCall(run, url, partner)).forEach((line) => io.out(line));
    io.out(`Untrusted certificate (expect 403 {"message":"Forbidden"}):`);
    io.out(curl(run, url, files(run.untrusted)));
    io.out("No certificate (expect the TLS handshake to fail):");
    io.out(curl(run, url));
    if (run.partners.length === 0 && run.csrPartners.length === 0) {
        io.out("This stack issues no partner certificates (its partners bring their own CA); sign one with such a CA to call it.");
    }
    io.out("");
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
    io.out(formatTable(results));
    const passed = results.filter((r) => r.passed).length;
    io.out(`local: smoke ${passed === results.length ? "passed" : "FAILED"}: ${passed}/${results.length} checks passed`);
    return passed === results.length ? 0 : 1;
}

/** The options of the command line. Exported for testing. */
export const OPTIONS = { values: ["stack", "port"], flags: ["smoke"] } as const;

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
        const options = parseOptions(argv, OPTIONS);
        const isSmoke = options.flags.has("smoke");
        const port = options.values.port === undefined ? (isSmoke ? 0 : 8443) : parsePort(options.values.port);
        // The smoke test needs its files only while it runs: in a folder of its own, it never
        // rewrites .local/<stack>/ under a run that serves from there.
        temporaryDir = isSmoke && overrides.dir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-smoke-")) : undefined;
        run = await startLocal({
            stack: options.values.stack ?? "dev",
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
        describeCalls(run, io);
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
    main(process.argv.slice(2)).then((code) => {
        process.exit(code);
    });
}
