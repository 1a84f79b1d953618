// Serving a stack locally, as `npm run local` does once its command line is read: start, describe
// what runs where, then the smoke checks or the curl commands, until told to stop. Loaded only to
// serve, since the program and the policy pack take seconds to load and `--stop` needs neither.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProgramFailure } from "../simulator/program";
import { resultTable, runChecks } from "../smoke/checks";
import { describeCalls, sampleUrl, shown } from "./calls";
import type { DomainModel } from "./domain-model";
import { ModelError } from "./model";
import type { PkiChange } from "./pki-state";
import { formatViolation, PolicyRefusal } from "./policy-gate";
import { LocalError, LocalOptions, LocalRun, startLocal } from "./start";

export interface LocalIo {
    out(line: string): void;
    err(line: string): void;
    /** Resolves when the user asks to stop (Ctrl+C, SIGTERM, --stop) or the process that started this one is gone. */
    untilInterrupted(): Promise<void>;
}

/** What the command line asks of a run. */
export interface ServeCommand {
    readonly stack: string;
    readonly port: number;
    readonly smoke: boolean;
    readonly fresh: boolean;
}

/** What a start did to the PKI, as `pulumi up` sums up its changes: counts, and the names of what changed. */
function changesText(changes: ReadonlyMap<string, PkiChange>): string {
    const byChange = (change: PkiChange) => [...changes].filter(([, c]) => c === change).map(([urn]) => urn.split("::").pop() ?? urn);
    const kept = byChange("kept").length;
    const created = byChange("created");
    if (created.length === changes.size) {
        return `a new PKI, ${created.length} tls resources created`;
    }
    const changed = (["created", "replaced", "dropped"] as const).flatMap((change) => {
        const names = byChange(change);
        return names.length === 0 ? [] : [`${names.length} ${change} (${names.join(", ")})`];
    });
    return `tls resources ${[`${kept} kept`, ...changed].join(", ")}`;
}

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
    io.out(`local: PKI in ${shown(run.pkiStateFile)}: ${changesText(run.pkiChanges)}`);
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

/**
 * Serves `command.stack` until `io` says to stop (or, with `command.smoke`, runs the smoke checks)
 * and resolves to the exit code. `overrides` go to startLocal as they are (tests give their own
 * folder, config and limits). Errors of the stack or the port are printed; others are thrown.
 */
export async function serve(command: ServeCommand, io: LocalIo, overrides: Omit<LocalOptions, "stack" | "port"> = {}): Promise<number> {
    let run: LocalRun | undefined;
    // The smoke test needs its files only while it runs: in a folder of its own, it never
    // rewrites .local/<stack>/ under a run that serves from there.
    const temporaryDir = command.smoke && overrides.dir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-smoke-")) : undefined;
    try {
        run = await startLocal({
            stack: command.stack,
            port: command.port,
            fresh: command.fresh,
            log: (line) => io.out(`gateway: ${line}`),
            accessLog: command.smoke ? undefined : (line) => io.out(`access: ${line}`),
            functionLog: command.smoke ? undefined : (name, line) => io.out(`lambda ${name}: ${line}`),
            ...overrides,
            dir: overrides.dir ?? temporaryDir,
        });
        describeStart(run, io, temporaryDir !== undefined);
        if (command.smoke) {
            return await smoke(run, io);
        }
        describeCalls(run, (line) => io.out(line));
        io.out(`Ctrl+C stops (or, from another terminal, npm run local -- --stop --stack ${command.stack}).`);
        await io.untilInterrupted();
        io.out("local: stopped");
        return 0;
    } catch (error) {
        if (error instanceof PolicyRefusal) {
            io.err(`local: ${error.message}`);
            return 1;
        }
        if ([LocalError, ModelError, ProgramFailure].some((kind) => error instanceof kind)) {
            io.err(`local: ${(error as Error).message}`);
            return 2;
        }
        throw error;
    } finally {
        await run?.stop();
        if (temporaryDir !== undefined) {
            fs.rmSync(temporaryDir, { recursive: true, force: true });
        }
    }
}
