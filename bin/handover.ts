// `npm run handover -- <partner> --out <dir> [--stack S] [--local] [--passphrase-file F] [--force]`:
// the files a partner needs to call the API (certificate, chain, key, PKCS#12, README.txt), from
// the deployed stack's outputs or from local mode's `.local/<stack>/`.
import { execFile } from "node:child_process";
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { certificateBlocks } from "../core/bundle";
import { UsageError } from "../local/args";
import { mergeProjectConfig, projectDir, projectName, readProjectConfig, readStackFile } from "../mocks/stackconfig";

export const USAGE = `usage: npm run --silent handover -- <partner> --out <dir> [--stack <name>] [--local]
                                   [--passphrase-file <file>] [--force]

Writes what a partner needs to call the API into <dir>: <partner>.crt (its client certificate),
<partner>-chain.pem (the issuing chain, issuing CA first), README.txt (API URL, curl, Postman),
and for a partner whose key the stack generated <partner>.key and <partner>.p12 (PKCS#12 with
key, certificate and chain, AES-256) with its passphrase in <partner>.p12.pass, all three 0600.

  --out <dir>               where to write (made 0700 if missing)
  --stack <name>            stack to read (default: the selected stack; with --local, dev)
  --local                   read local mode's .local/<stack>/ instead of pulumi stack output
  --passphrase-file <file>  the .p12's passphrase, on the file's first line (no .p12.pass is written)
  --force                   replace the partner's files already in <dir>

Needs the pulumi CLI (without --local) and openssl (for the .p12). Exit codes: 0 written; 2
bad arguments, an unknown partner, a stack without outputs or files already in <dir>: nothing
is written then.`;

/** Why no bundle can be written; one line that says what to do. */
export class HandoverError extends Error {}

export interface HandoverArgs {
    readonly partner: string;
    readonly out: string;
    readonly stack?: string;
    readonly local: boolean;
    readonly passphraseFile?: string;
    readonly force: boolean;
}

/** What `pulumi <args>` printed and how it exited. */
export interface PulumiResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export type PulumiRunner = (args: readonly string[]) => Promise<PulumiResult>;

/** Where the command reads and writes; tests pass their own. */
export interface HandoverIo {
    /** Where relative --out and --passphrase-file paths start. */
    readonly cwd: string;
    /** The project whose Pulumi.yaml and Pulumi.<stack>.yaml local mode ran. */
    readonly projectDir: string;
    /** Where local mode writes `<stack>/`: the project's .local by default. */
    readonly localRoot: string;
    /** Runs the pulumi CLI (for the deployed stack). */
    readonly pulumi: PulumiRunner;
    out(line: string): void;
    err(line: string): void;
}

// The config's rule for partner names (core/config.ts); here it also keeps file names in --out.
const partnerName = /^[a-z0-9-]{1,48}$/;
// Local stacks name a Pulumi.<stack>.yaml and a folder; deployed ones may be org/project/stack.
const localStackName = /^[A-Za-z0-9_.-]+$/;
/** The port `npm run local` serves on unless it is given --port. */
const LOCAL_PORT = 8443;

function optionOf(message: string): string {
    return /'(-[^' ]+)/.exec(message)?.[1] ?? "an option";
}

/** Parses the command line (after the script name). Exported for testing. */
export function parseHandoverArgs(argv: readonly string[]): HandoverArgs {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            strict: true,
            options: {
                out: { type: "string" },
                stack: { type: "string" },
                local: { type: "boolean" },
                "passphrase-file": { type: "string" },
                force: { type: "boolean" },
            },
        });
    } catch (cause) {
        const { code, message } = cause as NodeJS.ErrnoException;
        if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
            throw new UsageError(`unknown option ${optionOf(message)}`);
        }
        if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
            const option = optionOf(message);
            throw new UsageError(/does not take an argument/.test(message) ? `${option} takes no value` : `${option} needs a value`);
        }
        throw cause;
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
        throw new UsageError(positionals.length === 0 ? "name the partner to hand over, such as acme-bank" : `one partner at a time, got ${positionals.length}: ${positionals.join(" ")}`);
    }
    const [partner] = positionals;
    if (!partnerName.test(partner)) {
        throw new UsageError(`${JSON.stringify(partner)} is not a partner name: 1 to 48 characters of a-z, 0-9 and '-', such as acme-bank`);
    }
    for (const option of ["out", "stack", "passphrase-file"] as const) {
        if (values[option] === "") {
            throw new UsageError(`--${option} needs a value`);
        }
    }
    if (values.out === undefined) {
        throw new UsageError("--out <dir> is required: the folder to write the partner's files to");
    }
    const local = values.local ?? false;
    if (local && values.stack !== undefined && (!localStackName.test(values.stack) || /^\.+$/.test(values.stack))) {
        throw new UsageError(`--stack ${JSON.stringify(values.stack)} is not a stack of this project; with --local name one of its Pulumi.<stack>.yaml files, such as dev`);
    }
    return { partner, out: values.out, stack: values.stack, local, passphraseFile: values["passphrase-file"], force: values.force ?? false };
}

/** A partner's certificate and what goes with it, wherever it came from. */
export interface PartnerMaterial {
    readonly partner: string;
    /** Where it came from, for messages: "stack dev", "local mode's .local/dev". */
    readonly source: string;
    /** Base URL of the API, e.g. https://api.dev.example.com/c360. */
    readonly apiUrl: string;
    readonly certificatePem: string;
    /** Issuing CA first, root last. */
    readonly chainPems: readonly string[];
    /** Only for a partner whose key the stack generated. */
    readonly privateKeyPem?: string;
    /** Local mode: the CA of the server's certificate, which callers must trust. */
    readonly serverCaFile?: string;
}

const selfSigned = (cert: X509Certificate) => cert.checkIssued(cert) && cert.verify(cert.publicKey);

/**
 * The chain that issued `certificatePem`, issuing CA first, up to a self-signed root, taken
 * from `caPems` by name and signature. Exported for testing.
 */
export function issuingChain(certificatePem: string, caPems: readonly string[], source: string): string[] {
    const pool = caPems.flatMap(certificateBlocks).map((pem) => new X509Certificate(pem));
    const chain: X509Certificate[] = [];
    let current = new X509Certificate(certificatePem);
    while (chain.length === 0 || !selfSigned(current)) {
        const below = current;
        const issuer = pool.find((ca) => !chain.includes(ca) && ca !== below && below.checkIssued(ca) && below.verify(ca.publicKey));
        if (!issuer) {
            throw new HandoverError(`no CA certificate in ${source} issued "${commonName(below)}"; the chain cannot be built (deploy again so that the outputs are from one update)`);
        }
        chain.push(issuer);
        current = issuer;
    }
    return chain.map((ca) => ca.toString());
}

/** A config entry of `partners`, as stored (only the fields handover reads). */
interface ConfiguredPartner {
    readonly name?: unknown;
    readonly caCertFile?: unknown;
}

/** The error for a partner without a certificate in the source: own CA, not deployed yet, or unknown. */
function notIssued(partner: string, source: string, issued: readonly string[], configured: readonly ConfiguredPartner[], apiUrl: string, issueCommand: string): HandoverError {
    const entry = configured.find((p) => p.name === partner);
    if (entry && typeof entry.caCertFile === "string") {
        return new HandoverError(`partner "${partner}" brings its own CA (caCertFile ${entry.caCertFile}), so ${source} holds no certificate or key for it; ` +
            `its client certificates come from that CA: send it only the API URL, ${apiUrl}`);
    }
    if (entry) {
        return new HandoverError(`partner "${partner}" is configured but ${source} has issued it no certificate yet; run ${issueCommand}, then hand over again`);
    }
    const known = [...new Set([...issued, ...configured.flatMap((p) => (typeof p.name === "string" ? [p.name] : []))])].sort();
    return new HandoverError(`partner "${partner}" is not in ${source} (its partners: ${known.join(", ") || "none"}); check the name, or add the partner to the stack's partners and run ${issueCommand}`);
}

function lastLine(text: string): string {
    return text.trim().split("\n").filter(Boolean).pop() ?? "no message";
}

function isStringRecord(value: unknown): value is Record<string, string> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

/** The `pulumi` CLI run in `cwd` with `env` (whose PATH finds it). */
export function pulumiCli(cwd: string, env: NodeJS.ProcessEnv = process.env): PulumiRunner {
    return (args) => new Promise((resolve, reject) => {
        execFile("pulumi", [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024, timeout: 5 * 60_000 }, (error, stdout, stderr) => {
            if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
                reject(new HandoverError("the pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/), or hand over from local mode with --local"));
                return;
            }
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
    });
}

/** The stack's `partners` config, to tell an own-CA partner from an unknown one; none when unset. */
async function deployedPartners(pulumi: PulumiRunner, stackArgs: readonly string[]): Promise<ConfiguredPartner[]> {
    const result = await pulumi(["config", "get", "partners", "--json", ...stackArgs]);
    try {
        const value = result.code === 0 ? (JSON.parse(result.stdout) as { objectValue?: unknown }).objectValue : undefined;
        return Array.isArray(value) ? (value as ConfiguredPartner[]) : [];
    } catch {
        return [];
    }
}

/** A partner's material from `pulumi stack output --json --show-secrets` of a deployed stack. */
export async function readDeployed(pulumi: PulumiRunner, partner: string, stack?: string): Promise<PartnerMaterial> {
    const stackArgs = stack === undefined ? [] : ["--stack", stack];
    const source = stack === undefined ? "the selected stack" : `stack ${stack}`;
    const result = await pulumi(["stack", "output", "--json", "--show-secrets", ...stackArgs]);
    if (result.code !== 0) {
        throw new HandoverError(`pulumi stack output failed on ${source}: ${lastLine(result.stderr)}`);
    }
    let outputs: Record<string, unknown>;
    try {
        outputs = JSON.parse(result.stdout) as Record<string, unknown>;
    } catch {
        throw new HandoverError(`pulumi stack output --json printed no JSON for ${source}; run it by hand to see why`);
    }
    if (typeof outputs !== "object" || outputs === null || Object.keys(outputs).length === 0) {
        throw new HandoverError(`${source} has no outputs; deploy it first (pulumi up --policy-pack policy)`);
    }
    const { apiUrl, partnerCertificates, partnerPrivateKeys, caCertificates } = outputs;
    if (typeof apiUrl !== "string" || !isStringRecord(partnerCertificates) || !Array.isArray(caCertificates)) {
        const missing = [["apiUrl", typeof apiUrl === "string"], ["partnerCertificates", isStringRecord(partnerCertificates)], ["caCertificates", Array.isArray(caCertificates)]]
            .flatMap(([name, ok]) => (ok ? [] : [name]));
        throw new HandoverError(`${source} has no output ${missing.join(", ")}; deploy this project's program to it (pulumi up --policy-pack policy)`);
    }
    const certificatePem = partnerCertificates[partner];
    if (certificatePem === undefined) {
        throw notIssued(partner, source, Object.keys(partnerCertificates), await deployedPartners(pulumi, stackArgs), apiUrl, "pulumi up --policy-pack policy");
    }
    const keys = isStringRecord(partnerPrivateKeys) ? partnerPrivateKeys : {};
    return {
        partner,
        source,
        apiUrl,
        certificatePem,
        chainPems: issuingChain(certificatePem, caCertificates.filter((pem): pem is string => typeof pem === "string"), `${source}'s caCertificates`),
        privateKeyPem: keys[partner],
    };
}

/** A partner's material from the files local mode wrote to `<localRoot>/<stack>/`. */
export function readLocal(io: Pick<HandoverIo, "projectDir" | "localRoot" | "cwd">, partner: string, stack: string): PartnerMaterial {
    const dir = path.join(io.localRoot, stack);
    const shown = shortPath(io.cwd, dir);
    const source = `local mode's ${shown}`;
    const partnersDir = path.join(dir, "partners");
    const truststoreFile = path.join(dir, "truststore.pem");
    if (!fs.existsSync(partnersDir) || !fs.existsSync(truststoreFile)) {
        throw new HandoverError(`there are no local mode files for stack ${stack} in ${shown}; run npm run local -- --stack ${stack} first`);
    }
    let config: Record<string, string>;
    try {
        const project = readProjectConfig(io.projectDir);
        config = mergeProjectConfig(stack, project, readStackFile(stack, project, io.projectDir));
    } catch (cause) {
        throw new HandoverError(`cannot read the config of stack ${stack}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const domainName = config[`${projectName}:domainName`];
    const basePath = config[`${projectName}:basePath`] ?? "";
    const apiUrl = `https://${domainName}:${LOCAL_PORT}/${basePath}`.replace(/\/$/, "");
    const certFile = path.join(partnersDir, `${partner}.crt`);
    if (!fs.existsSync(certFile)) {
        const issued = fs.readdirSync(partnersDir).filter((file) => file.endsWith(".crt")).map((file) => file.slice(0, -".crt".length));
        const configured = JSON.parse(config[`${projectName}:partners`] ?? "[]") as ConfiguredPartner[];
        throw notIssued(partner, source, issued, configured, apiUrl, `npm run local -- --stack ${stack}`);
    }
    const keyFile = path.join(partnersDir, `${partner}.key`);
    const certificatePem = fs.readFileSync(certFile, "utf8");
    return {
        partner,
        source,
        apiUrl,
        certificatePem,
        chainPems: issuingChain(certificatePem, [fs.readFileSync(truststoreFile, "utf8")], path.join(shown, "truststore.pem")),
        privateKeyPem: fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8") : undefined,
        serverCaFile: path.join(dir, "server-ca.pem"),
    };
}

/** One file of the bundle. */
export interface BundleFile {
    readonly name: string;
    readonly content: string | Buffer;
    readonly mode: number;
    /** What it is, for the summary. */
    readonly what: string;
}

/** Every name a partner's bundle may have: the ones `--force` replaces or clears. */
export function bundleNames(partner: string): string[] {
    return [`${partner}.crt`, `${partner}-chain.pem`, `${partner}.key`, `${partner}.p12`, `${partner}.p12.pass`, "README.txt"];
}

/** A new passphrase for a .p12: 24 random bytes, base64url. */
export function newPassphrase(): string {
    return randomBytes(24).toString("base64url");
}

/** The first line of a passphrase file, as `openssl -passin file:` reads it. */
function readPassphrase(file: string, shown: string): string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new HandoverError(`cannot read --passphrase-file ${shown}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code ?? String(cause)}`);
    }
    const passphrase = text.split(/\r?\n/, 1)[0];
    if (passphrase === "") {
        throw new HandoverError(`--passphrase-file ${shown} has an empty first line; put the passphrase there`);
    }
    return passphrase;
}

/**
 * PKCS#12 of the key, certificate and chain, keys and certificates encrypted with AES-256-CBC
 * (PBES2) and a SHA-256 MAC, made by the openssl CLI. The passphrase travels in the child's
 * environment and the key on its stdin: neither is on a command line or on disk.
 */
export function buildPkcs12(material: PartnerMaterial, passphrase: string): Promise<Buffer> {
    const args = ["pkcs12", "-export", "-name", material.partner, "-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC", "-macalg", "sha256", "-passout", "env:HANDOVER_P12_PASSPHRASE"];
    return new Promise((resolve, reject) => {
        const child = execFile("openssl", args, { encoding: "buffer", env: { ...process.env, HANDOVER_P12_PASSPHRASE: passphrase }, timeout: 60_000 }, (error, stdout, stderr) => {
            if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
                reject(new HandoverError("openssl is not on PATH and the .p12 needs it; install it (apt-get install openssl)"));
            } else if (error) {
                reject(new HandoverError(`openssl pkcs12 -export failed: ${lastLine(stderr.toString("utf8"))}`));
            } else {
                resolve(stdout);
            }
        });
        child.stdin?.end([material.privateKeyPem, material.certificatePem, ...material.chainPems].join("\n"));
    });
}

function commonName(cert: X509Certificate): string {
    return /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? cert.subject.split("\n").join(", ");
}

/** README.txt for the partner: the API, its files, curl and Postman. Exported for testing. */
export function partnerReadme(material: PartnerMaterial, files: readonly BundleFile[]): string {
    const url = new URL(material.apiUrl);
    const example = `${material.apiUrl}/customer/42`;
    const p = material.partner;
    const has = (name: string) => files.some((file) => file.name === name);
    const local = material.serverCaFile
        ? `--resolve ${url.hostname}:${url.port || 443}:127.0.0.1 --cacert ${material.serverCaFile} `
        : "";
    const cert = new X509Certificate(material.certificatePem);
    const lines = [
        `API access for partner ${p}`,
        "",
        `API URL:   ${material.apiUrl}`,
        `Example:   GET ${example}`,
        "",
        "Every connection must present your client certificate (mutual TLS, TLS 1.2 or newer);",
        `yours is ${commonName(cert)}, valid until ${new Date(cert.validTo).toISOString().slice(0, 10)}.`,
        "",
        "Files",
        ...files.filter((file) => file.name !== "README.txt").map((file) => `  ${file.name.padEnd(p.length + 12)}${file.what}`),
        "",
        "curl",
    ];
    if (material.privateKeyPem) {
        const passphrase = has(`${p}.p12.pass`) ? `"$(cat ${p}.p12.pass)"` : "'<passphrase>'";
        lines.push(
            `  curl ${local}--cert ${p}.crt --key ${p}.key ${example}`,
            `  curl ${local}--cert-type P12 --cert ${p}.p12:${passphrase} ${example}`,
            "",
            "Postman",
            "  Settings > Certificates > Client certificates > Add Certificate:",
            `    Host        ${url.hostname}  (port ${url.port || 443})`,
            `    CRT file    ${p}.crt`,
            `    KEY file    ${p}.key`,
            "  or, in place of CRT and KEY file:",
            `    PFX file    ${p}.p12`,
            `    Passphrase  the passphrase of ${p}.p12${has(`${p}.p12.pass`) ? ` (in ${p}.p12.pass)` : ""}`,
            "  Then send the request to the API URL; Postman presents the certificate to that host.",
        );
    } else {
        lines.push(
            `  curl ${local}--cert ${p}.crt --key <your private key> ${example}`,
            "  (the key you made the certificate request with; it never left you)",
            "",
            "Postman",
            "  Settings > Certificates > Client certificates > Add Certificate:",
            `    Host        ${url.hostname}  (port ${url.port || 443})`,
            `    CRT file    ${p}.crt`,
            "    KEY file    your private key",
            "  Then send the request to the API URL; Postman presents the certificate to that host.",
            "",
            "Tools that want one PKCS#12 (PFX) file:",
            `  openssl pkcs12 -export -inkey <your private key> -in ${p}.crt -certfile ${p}-chain.pem \\`,
            `      -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 -out ${p}.p12`,
        );
    }
    if (material.serverCaFile) {
        lines.push(
            "",
            `Local mode: the API is served on 127.0.0.1 (port ${LOCAL_PORT} unless npm run local was given --port)`,
            `with a server certificate from its own CA, ${material.serverCaFile}: curl trusts it with`,
            "--cacert; in Postman, add it under Settings > Certificates > CA certificates, and map the",
            `host ${url.hostname} to 127.0.0.1 in /etc/hosts.`,
        );
    }
    return lines.join("\n") + "\n";
}

/** The bundle's files, in the order they are listed. Exported for testing. */
export function bundleFiles(material: PartnerMaterial, pkcs12?: { readonly der: Buffer; readonly generatedPassphrase?: string }): BundleFile[] {
    const p = material.partner;
    const files: BundleFile[] = [
        { name: `${p}.crt`, content: material.certificatePem, mode: 0o644, what: "your client certificate (PEM)" },
        { name: `${p}-chain.pem`, content: material.chainPems.join(""), mode: 0o644, what: "the CA chain that issued it, issuing CA first (PEM)" },
    ];
    if (material.privateKeyPem) {
        files.push({ name: `${p}.key`, content: material.privateKeyPem, mode: 0o600, what: "your private key (PEM, unencrypted): keep it secret" });
    }
    if (pkcs12) {
        files.push({ name: `${p}.p12`, content: pkcs12.der, mode: 0o600, what: "key, certificate and chain as PKCS#12 (AES-256), for Postman, .NET, Java, browsers" });
    }
    if (pkcs12?.generatedPassphrase !== undefined) {
        files.push({ name: `${p}.p12.pass`, content: pkcs12.generatedPassphrase + "\n", mode: 0o600, what: `the passphrase of ${p}.p12` });
    }
    files.push({ name: "README.txt", content: "", mode: 0o644, what: "API URL, curl and Postman instructions" });
    return files.map((file) => (file.name === "README.txt" ? { ...file, content: partnerReadme(material, files) } : file));
}

/** Bundle names already in `dir`, apart from `keep` (the passphrase file the user gave). */
function existingNames(dir: string, names: readonly string[], keep?: string): string[] {
    return names.filter((name) => path.join(dir, name) !== keep && fs.existsSync(path.join(dir, name)));
}

/** Refuses an --out that is not a folder, or that holds the partner's files without --force. */
function checkOut(dir: string, shown: string, partner: string, force: boolean, keep?: string): void {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
        throw new HandoverError(`--out ${shown} is a file, not a folder; name a folder`);
    }
    const existing = fs.existsSync(dir) ? existingNames(dir, bundleNames(partner), keep) : [];
    if (existing.length > 0 && !force) {
        throw new HandoverError(`${shown} already holds ${existing.join(", ")}; pass --force to replace them, or name another --out`);
    }
}

/**
 * Writes the files with exactly their modes, umask aside. First removes the partner's files
 * already there (only --force gets this far with any), also those this bundle no longer has: a
 * stale key or passphrase.
 */
function writeBundle(dir: string, files: readonly BundleFile[], partner: string, keep?: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of existingNames(dir, bundleNames(partner), keep)) {
        fs.rmSync(path.join(dir, name), { force: true });
    }
    for (const file of files) {
        const target = path.join(dir, file.name);
        fs.writeFileSync(target, file.content, { mode: file.mode, flag: "wx" });
        fs.chmodSync(target, file.mode);
    }
}

function shortPath(cwd: string, file: string): string {
    const relative = path.relative(cwd, file);
    return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

function checkKey(material: PartnerMaterial): void {
    if (material.privateKeyPem !== undefined && !new X509Certificate(material.certificatePem).checkPrivateKey(createPrivateKey(material.privateKeyPem))) {
        throw new HandoverError(`the private key of partner "${material.partner}" in ${material.source} is not its certificate's; deploy again so that both are from one update`);
    }
}

/** Writes the bundle and resolves to the exit code. Checks everything before the first write. */
export async function handover(args: HandoverArgs, io: HandoverIo): Promise<number> {
    const outDir = path.resolve(io.cwd, args.out);
    const shownOut = shortPath(io.cwd, outDir);
    const passphraseFile = args.passphraseFile === undefined ? undefined : path.resolve(io.cwd, args.passphraseFile);
    const givenPassphrase = passphraseFile === undefined ? undefined : readPassphrase(passphraseFile, args.passphraseFile as string);
    checkOut(outDir, shownOut, args.partner, args.force, passphraseFile);
    const material = args.local ? readLocal(io, args.partner, args.stack ?? "dev") : await readDeployed(io.pulumi, args.partner, args.stack);
    if (material.privateKeyPem === undefined && givenPassphrase !== undefined) {
        throw new HandoverError(`partner "${args.partner}" holds its own key, so there is no .p12 to protect; leave out --passphrase-file`);
    }
    checkKey(material);
    let pkcs12: { der: Buffer; generatedPassphrase?: string } | undefined;
    if (material.privateKeyPem !== undefined) {
        const generatedPassphrase = givenPassphrase === undefined ? newPassphrase() : undefined;
        pkcs12 = { der: await buildPkcs12(material, givenPassphrase ?? (generatedPassphrase as string)), generatedPassphrase };
    }
    const files = bundleFiles(material, pkcs12);
    writeBundle(outDir, files, args.partner, passphraseFile);

    io.out(`handover: ${args.partner} from ${material.source}: wrote ${files.length} files to ${shownOut}/`);
    const width = Math.max(...files.map((file) => file.name.length)) + 2;
    files.forEach((file) => io.out(`  ${file.name.padEnd(width)}${file.mode === 0o600 ? "0600  " : "0644  "}${file.what}`));
    io.out(material.privateKeyPem === undefined
        ? "handover: no key: the partner holds its own; send the files on any channel"
        : `handover: hand the .key and .p12 over on a channel fit for a private key, and ${pkcs12?.generatedPassphrase === undefined ? "the passphrase" : `${args.partner}.p12.pass`} on another`);
    return 0;
}

/** Runs the command on `argv` (after the script name) and resolves to its exit code. */
export async function main(argv: readonly string[], io: HandoverIo = processIo()): Promise<number> {
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            io.out(USAGE);
            return 0;
        }
        return await handover(parseHandoverArgs(argv), io);
    } catch (cause) {
        const known = cause instanceof UsageError || cause instanceof HandoverError;
        const message = cause instanceof Error ? cause.message : String(cause);
        io.err(`handover: ${known ? message : `unexpected error: ${message}`}${cause instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    }
}

function processIo(): HandoverIo {
    return {
        // `npm run` starts scripts in the package directory; INIT_CWD is where the user typed it.
        cwd: (process.env.npm_lifecycle_event === "handover" && process.env.INIT_CWD) || process.cwd(),
        projectDir,
        localRoot: path.join(projectDir, ".local"),
        pulumi: pulumiCli(projectDir),
        out: (line) => process.stdout.write(line + "\n"),
        err: (line) => process.stderr.write(line + "\n"),
    };
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
