// Local mode end to end: the real program under mocks, the policy pack as a gate, then the
// stack's mTLS domain served on 127.0.0.1 with the files a caller needs written to .local/<stack>,
// and the SSM endpoint its functions call instead of AWS's.
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CapturedResource, ProgramFailure, RunOptions, runProgram } from "../simulator/program";
import { loadStackConfig, projectDir, projectName } from "../simulator/stack-config";
import type { Violation } from "../../policy/evaluate";
import { issueServerCredentials, selfSignedClient } from "../smoke/certificates";
import { readApiConfig } from "./api-config";
import { ClientCertificates } from "./client-certs";
import { claim, freshDir, inUse, LocalError, localDir, ownerOf, writeSecret } from "./folder";
import type { DomainModel } from "./domain-model";
import { Gateway, startGateway } from "./gateway";
import { loadFunction, LocalFunction } from "./lambda";
import type { ConnectionLimits } from "./limits";
import { buildModel } from "./model";
import { PkiChange, PkiState } from "./pki-state";
import { policyGate } from "./policy-gate";
import { SsmEndpoint, startSsmEndpoint } from "./ssm";
import { UsagePlans } from "./usage-plans";

export { LocalError };

export interface LocalOptions {
    /** Stack whose Pulumi.<stack>.yaml is used. Default: dev. */
    readonly stack?: string;
    /** Port on 127.0.0.1. Default: 8443; 0 picks a free one. */
    readonly port?: number;
    /** Where files are written; one run at a time owns it. Default: .local/<stack> in the project. */
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
    /** Timeouts and the connection cap of the gateway. Default: defaultLimits of tools/local/limits.ts. */
    readonly limits?: Partial<ConnectionLimits>;
    /** Where the keys of partners onboarded from a request are looked for, as `<name>.key`; none is copied. Default: partners/keys in the project. */
    readonly partnerKeysDir?: string;
    /** Makes a new PKI instead of the one the folder keeps from the last start. Default: false. */
    readonly fresh?: boolean;
}

/** A certificate and key file pair; the key file is mode 0600. */
export interface CredentialFiles {
    readonly certFile: string;
    readonly keyFile: string;
}

export interface LocalPartner extends CredentialFiles {
    readonly name: string;
}

/** What was found where a partner's own key would be: its key, a file that is not, or nothing. */
export type OwnKey =
    | { readonly status: "matches"; readonly file: string }
    /** A PEM private key, but not the certificate's. */
    | { readonly status: "mismatch"; readonly file: string }
    /** Not a private key Node reads without a passphrase, so it could not be checked. */
    | { readonly status: "unreadable"; readonly file: string }
    | { readonly status: "absent"; readonly file: string };

/** A partner onboarded from a certificate request: the run has its certificate, the partner its key. */
export interface CsrPartner {
    readonly name: string;
    readonly certFile: string;
    /** The request, as partners.<name>.csrFile names it (relative to the project). */
    readonly csrFile: string;
    readonly key: OwnKey;
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
    /** Partners the stack issued a certificate to for their request; their keys stay theirs. */
    readonly csrPartners: readonly CsrPartner[];
    /** A fresh self-signed certificate no truststore holds. */
    readonly untrusted: CredentialFiles;
    /** Advisory violations of the policy pack (mandatory ones stop the start). */
    readonly advisories: readonly Violation[];
    /** Everything the program declared, as the mocks captured it. */
    readonly resources: readonly CapturedResource[];
    /** The stages' API keys and usage plans, with each key's bucket and quota as the gateway counts them. */
    readonly usagePlans: UsagePlans;
    /** `http://127.0.0.1:<port>` of the SSM endpoint the functions call (their AWS_ENDPOINT_URL_SSM). */
    readonly ssmUrl: string;
    /** Milliseconds the program took under mocks. */
    readonly programMs: number;
    /** Where the stack's PKI is kept between starts (mode 0600: it holds the private keys). */
    readonly pkiStateFile: string;
    /** What this start did to each tls resource, by URN, against the PKI of the last start. */
    readonly pkiChanges: ReadonlyMap<string, PkiChange>;
    stop(): Promise<void>;
}

async function runStack(stack: string, config: RunOptions["config"], pki: PkiState): Promise<{ resources: CapturedResource[]; outputs: Record<string, unknown>; ms: number }> {
    const started = Date.now();
    try {
        const run = await runProgram({ stack, config, tls: pki.make });
        return { resources: run.resources, outputs: run.outputs, ms: Date.now() - started };
    } catch (error) {
        const message = error instanceof ProgramFailure || error instanceof Error ? error.message : String(error);
        throw new LocalError(`the program failed on stack ${stack}: ${message}`);
    }
}

/** The issued partners' certificates, with the key where the stack made it, from the program's stack outputs. */
function partnerCredentials(outputs: Record<string, unknown>): [string, { cert: string; key?: string }][] {
    const certs = (outputs.partnerCertificates ?? {}) as Record<string, string>;
    const keys = (outputs.partnerPrivateKeys ?? {}) as Partial<Record<string, string>>;
    return Object.keys(certs).sort().map((name) => [name, { cert: certs[name], key: keys[name] }]);
}

/** Each partner's csrFile, by name, from the config the program ran with (it has checked it). */
function csrFiles(stack: string, config: RunOptions["config"]): Map<string, string> {
    const partners = JSON.parse(loadStackConfig(stack, config)[`${projectName}:partners`] ?? "{}") as Record<string, { csrFile?: unknown } | null>;
    return new Map(Object.entries(partners).flatMap(([name, p]) => (typeof p?.csrFile === "string" ? [[name, p.csrFile] as const] : [])));
}

/** Whether `file` holds the private key of `certPem`; its content is never shown. */
function ownKey(file: string, certPem: string): OwnKey {
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch (error) {
        return { status: (error as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : "unreadable", file };
    }
    let key: ReturnType<typeof createPrivateKey>;
    try {
        key = createPrivateKey(pem);
    } catch {
        return { status: "unreadable", file };
    }
    return { status: new X509Certificate(certPem).checkPrivateKey(key) ? "matches" : "mismatch", file };
}

async function listen(options: Parameters<typeof startGateway>[0]): Promise<Gateway> {
    try {
        return await startGateway(options);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new LocalError(code === "EADDRINUSE"
            ? `port ${options.port} on 127.0.0.1 is in use; stop what listens there or pass --port <free port>`
            : `cannot listen on 127.0.0.1:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** What a caller needs, written into the run's folder. */
interface Written {
    readonly serverCaFile: string;
    readonly truststoreFile: string;
    readonly partners: LocalPartner[];
    readonly csrPartners: CsrPartner[];
    readonly untrusted: CredentialFiles;
}

/** Where partners' own keys are, and which request each certificate was issued for. */
interface OwnKeys {
    readonly dir: string;
    readonly csrFiles: ReadonlyMap<string, string>;
}

function writeFiles(dir: string, truststorePem: string, serverCaPem: string, outputs: Record<string, unknown>, ownKeys: OwnKeys, outsider: { certPem: string; keyPem: string }): Written {
    const serverCaFile = path.join(dir, "server-ca.pem");
    const truststoreFile = path.join(dir, "truststore.pem");
    fs.writeFileSync(serverCaFile, serverCaPem);
    fs.writeFileSync(truststoreFile, truststorePem);
    const partnersDir = freshDir(path.join(dir, "partners"));
    const partners: LocalPartner[] = [];
    const csrPartners: CsrPartner[] = [];
    for (const [name, issued] of partnerCredentials(outputs)) {
        const certFile = path.join(partnersDir, `${name}.crt`);
        fs.writeFileSync(certFile, issued.cert);
        const csrFile = ownKeys.csrFiles.get(name);
        if (issued.key !== undefined) {
            const keyFile = path.join(partnersDir, `${name}.key`);
            writeSecret(keyFile, issued.key);
            partners.push({ name, certFile, keyFile });
        } else if (csrFile !== undefined) {
            // The partner made its key and keeps it: point at it where it is, never copy it here.
            csrPartners.push({ name, certFile, csrFile, key: ownKey(path.join(ownKeys.dir, `${name}.key`), issued.cert) });
        }
    }
    const untrustedDir = freshDir(path.join(dir, "untrusted"));
    const untrusted = { certFile: path.join(untrustedDir, "self-signed.crt"), keyFile: path.join(untrustedDir, "self-signed.key") };
    fs.writeFileSync(untrusted.certFile, outsider.certPem);
    writeSecret(untrusted.keyFile, outsider.keyPem);
    return { serverCaFile, truststoreFile, partners, csrPartners, untrusted };
}

/**
 * What every function finds in its environment besides its own: the local SSM endpoint and
 * the credentials it takes. Every other AWS service points there too and is refused, so that a
 * function never reaches AWS with them.
 */
function functionEnvironment(ssm: SsmEndpoint): Record<string, string> {
    return {
        AWS_ENDPOINT_URL: ssm.url,
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: ssm.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ssm.credentials.secretAccessKey,
        AWS_SESSION_TOKEN: ssm.credentials.sessionToken,
    };
}

/**
 * Runs the stack's program under mocks with the PKI the folder keeps, refuses on a mandatory
 * policy violation (PolicyRefusal), listens, takes the folder, keeps the PKI, writes the files and
 * serves the domain. Resolves once it serves. Nothing is written before the port listens and the
 * folder is this run's, so a start that fails on either leaves the folder as it was.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRun> {
    const stack = options.stack ?? "dev";
    const dir = path.resolve(options.dir ?? localDir(stack));
    const owner = ownerOf(dir);
    if (owner) {
        throw inUse(dir, owner);
    }
    const pki = PkiState.load(path.join(dir, "state", "pki.json"), { fresh: options.fresh });
    const program = await runStack(stack, options.config, pki);
    options.mutate?.(program.resources);
    const advisories = await policyGate(program.resources);
    const domain = buildModel(program.resources, readApiConfig(loadStackConfig(stack, options.config)[`${projectName}:apis`]));
    const ownKeys: OwnKeys = { dir: path.resolve(options.partnerKeysDir ?? path.join(projectDir, "partners", "keys")), csrFiles: csrFiles(stack, options.config) };
    const [clients, server, outsider] = await Promise.all([
        ClientCertificates.fromTruststore(domain.truststorePem),
        issueServerCredentials(domain.domainName, `apigw-mtls local server CA (${stack})`),
        selfSignedClient("apigw-mtls local untrusted client"),
    ]);

    const usagePlans = new UsagePlans(domain);
    const gateway = await listen({ domain, clients, server, usagePlans, port: options.port ?? 8443, limits: options.limits, log: options.log, accessLog: options.accessLog });
    let release: (() => void) | undefined;
    let ssm: SsmEndpoint | undefined;
    try {
        release = claim(dir, gateway.port);
        pki.save();
        ssm = await startSsmEndpoint(domain.parameters, { log: options.log });
        const local = functionEnvironment(ssm);
        const written = writeFiles(dir, domain.truststorePem, server.caPem, program.outputs, ownKeys, outsider);
        const functionsDir = freshDir(path.join(dir, "functions"));
        const functions = new Map<string, LocalFunction>();
        for (const fn of domain.functions) {
            const log = options.functionLog;
            functions.set(fn.resourceName, await loadFunction(fn, path.join(functionsDir, fn.resourceName), log && ((line) => log(fn.functionName, line)), local));
        }
        gateway.serve(functions);
        const basePath = domain.mappings[0]?.basePath.join("/") ?? "";
        const releaseFolder = release;
        const ssmEndpoint = ssm;
        return {
            stack,
            port: gateway.port,
            dir,
            domain,
            baseUrl: `https://${domain.domainName}:${gateway.port}/${basePath}`.replace(/\/$/, ""),
            ...written,
            advisories,
            resources: program.resources,
            programMs: program.ms,
            pkiStateFile: pki.file,
            pkiChanges: pki.summary(),
            usagePlans,
            ssmUrl: ssmEndpoint.url,
            stop: async () => {
                await Promise.all([gateway.stop(), ssmEndpoint.stop()]);
                releaseFolder();
            },
        };
    } catch (error) {
        await Promise.all([gateway.stop(), ssm?.stop()]);
        release?.();
        throw error;
    }
}
