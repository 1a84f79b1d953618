// Local mode end to end: the real program under mocks, the policy pack as a gate, then the
// stack's mTLS domain served on 127.0.0.1 with the files a caller needs written to .local/<stack>.
import * as fs from "node:fs";
import * as path from "node:path";
import { CapturedResource, ProgramFailure, RunOptions, runProgram } from "../mocks/program";
import { projectDir } from "../mocks/stackconfig";
import type { Violation } from "../policy/evaluate";
import { issueServerCredentials, selfSignedClient } from "./certificates";
import { ClientCertificates } from "./clientcerts";
import { Gateway, startGateway } from "./gateway";
import { loadFunction, LocalFunction } from "./lambda";
import { buildModel, DomainModel } from "./model";
import { policyGate } from "./policygate";

export interface LocalOptions {
    /** Stack whose Pulumi.<stack>.yaml is used. Default: dev. */
    readonly stack?: string;
    /** Port on 127.0.0.1. Default: 8443; 0 picks a free one. */
    readonly port?: number;
    /** Where files are written. Default: .local/<stack> in the project. */
    readonly dir?: string;
    /** Config overrides, as runProgram takes them. */
    readonly config?: RunOptions["config"];
    /** Changes the declared resources before the policy pack sees them (tests break or extend a stack with it). */
    readonly mutate?: (resources: CapturedResource[]) => void;
    /** Gateway events: refused handshakes and certificates, failed functions. */
    readonly log?: (line: string) => void;
    /** Access log lines in the stage's format. */
    readonly accessLog?: (line: string) => void;
    /** What the Lambda functions print, a line at a time. */
    readonly functionLog?: (functionName: string, line: string) => void;
}

/** A certificate and key file pair; the key file is mode 0600. */
export interface CredentialFiles {
    readonly certFile: string;
    readonly keyFile: string;
}

export interface LocalPartner extends CredentialFiles {
    readonly name: string;
}

export interface LocalRun {
    readonly stack: string;
    readonly port: number;
    readonly dir: string;
    readonly domain: DomainModel;
    /** `https://<domain>:<port>/<base path>` of the first mapping. */
    readonly baseUrl: string;
    readonly serverCaFile: string;
    readonly truststoreFile: string;
    /** Partners the stack issued a certificate and key to. */
    readonly partners: readonly LocalPartner[];
    /** A fresh self-signed certificate no truststore holds. */
    readonly untrusted: CredentialFiles;
    /** Advisory violations of the policy pack (mandatory ones stop the start). */
    readonly advisories: readonly Violation[];
    /** Everything the program declared, as the mocks captured it. */
    readonly resources: readonly CapturedResource[];
    /** Milliseconds the program took under mocks. */
    readonly programMs: number;
    stop(): Promise<void>;
}

/** Local mode cannot start; the message says why and what to do. */
export class LocalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LocalError";
    }
}

/** Writes a file readable by its owner only; an existing file is replaced, not reused with its mode. */
function writeSecret(file: string, content: string): void {
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, content, { mode: 0o600 });
}

function freshDir(dir: string): string {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
}

async function runStack(stack: string, config: RunOptions["config"]): Promise<{ resources: CapturedResource[]; outputs: Record<string, unknown>; ms: number }> {
    const started = Date.now();
    try {
        const run = await runProgram({ stack, config });
        return { resources: run.resources, outputs: run.outputs, ms: Date.now() - started };
    } catch (error) {
        const message = error instanceof ProgramFailure || error instanceof Error ? error.message : String(error);
        throw new LocalError(`the program failed on stack ${stack}: ${message}`);
    }
}

/** The partners' certificates and keys, from the program's stack outputs. */
function partnerCredentials(outputs: Record<string, unknown>): [string, { cert: string; key: string }][] {
    const certs = (outputs.partnerCertificates ?? {}) as Record<string, string>;
    const keys = (outputs.partnerPrivateKeys ?? {}) as Record<string, string>;
    return Object.keys(certs).filter((name) => typeof keys[name] === "string").sort().map((name) => [name, { cert: certs[name], key: keys[name] }]);
}

/**
 * Runs the stack's program under mocks, refuses on a mandatory policy violation (PolicyRefusal),
 * writes the files and serves the domain. Resolves once the gateway listens.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRun> {
    const stack = options.stack ?? "dev";
    const dir = path.resolve(options.dir ?? path.join(projectDir, ".local", stack));
    const program = await runStack(stack, options.config);
    options.mutate?.(program.resources);
    const advisories = await policyGate(program.resources);
    const domain = buildModel(program.resources);
    const [clients, server, outsider] = await Promise.all([
        ClientCertificates.fromTruststore(domain.truststorePem),
        issueServerCredentials(domain.domainName, `apigw-mtls local server CA (${stack})`),
        selfSignedClient("apigw-mtls local untrusted client"),
    ]);

    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const serverCaFile = path.join(dir, "server-ca.pem");
    const truststoreFile = path.join(dir, "truststore.pem");
    fs.writeFileSync(serverCaFile, server.caPem);
    fs.writeFileSync(truststoreFile, domain.truststorePem);
    const partnersDir = freshDir(path.join(dir, "partners"));
    const partners = partnerCredentials(program.outputs).map(([name, pair]) => {
        const files = { name, certFile: path.join(partnersDir, `${name}.crt`), keyFile: path.join(partnersDir, `${name}.key`) };
        fs.writeFileSync(files.certFile, pair.cert);
        writeSecret(files.keyFile, pair.key);
        return files;
    });
    const untrustedDir = freshDir(path.join(dir, "untrusted"));
    const untrusted = { certFile: path.join(untrustedDir, "self-signed.crt"), keyFile: path.join(untrustedDir, "self-signed.key") };
    fs.writeFileSync(untrusted.certFile, outsider.certPem);
    writeSecret(untrusted.keyFile, outsider.keyPem);

    const functionsDir = freshDir(path.join(dir, "functions"));
    const functions = new Map<string, LocalFunction>();
    for (const fn of domain.functions) {
        const log = options.functionLog;
        functions.set(fn.resourceName, await loadFunction(fn, path.join(functionsDir, fn.resourceName), log && ((line) => log(fn.functionName, line))));
    }

    const port = options.port ?? 8443;
    let gateway: Gateway;
    try {
        gateway = await startGateway({ domain, functions, clients, server, port, log: options.log, accessLog: options.accessLog });
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new LocalError(code === "EADDRINUSE"
            ? `port ${port} on 127.0.0.1 is in use; stop what listens there or pass --port <free port>`
            : `cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const basePath = domain.mappings[0]?.basePath.join("/") ?? "";
    return {
        stack,
        port: gateway.port,
        dir,
        domain,
        baseUrl: `https://${domain.domainName}:${gateway.port}/${basePath}`.replace(/\/$/, ""),
        serverCaFile,
        truststoreFile,
        partners,
        untrusted,
        advisories,
        resources: program.resources,
        programMs: program.ms,
        stop: () => gateway.stop(),
    };
}
