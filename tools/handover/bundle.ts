// The files a partner gets: its certificate and chain, its key and a PKCS#12 of all three when the
// stack generated the key, and README.txt on calling the API with curl and Postman; written with
// exactly their modes, never over another bundle's files without --force.
import { execFile, spawnSync } from "node:child_process";
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commonName, HandoverError, lastLine, LOCAL_PORT, PartnerMaterial } from "./material";

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
export function readPassphrase(file: string, shown: string): string {
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
export function checkOut(dir: string, shown: string, partner: string, force: boolean, keep?: string): void {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
        throw new HandoverError(`--out ${shown} is a file, not a folder; name a folder`);
    }
    const existing = fs.existsSync(dir) ? existingNames(dir, bundleNames(partner), keep) : [];
    if (existing.length > 0 && !force) {
        throw new HandoverError(`${shown} already holds ${existing.join(", ")}; pass --force to replace them, or name another --out`);
    }
}

/**
 * Refuses an --out inside a git work tree unless git ignores every file the bundle may write
 * there (`git check-ignore`; a tracked file counts as not ignored): the partner's key and
 * passphrase would be one `git add -A` from a commit. Outside any work tree, or where git is not
 * installed, nothing can be committed from, and any folder will do.
 */
export function checkNotCommittable(dir: string, shown: string, partner: string): void {
    let existing = dir;
    while (!fs.existsSync(existing)) {
        existing = path.dirname(existing);
    }
    const git = (args: readonly string[]) => spawnSync("git", ["-C", existing, ...args], { encoding: "utf8", timeout: 30_000 });
    const top = git(["rev-parse", "--show-toplevel"]);
    if (top.error !== undefined || top.status !== 0) {
        return;
    }
    const files = bundleNames(partner).map((name) => path.join(dir, name));
    const ignored = new Set(git(["check-ignore", "--", ...files]).stdout.split("\n"));
    if (files.some((file) => !ignored.has(file))) {
        const outside = path.join(os.homedir(), "handover", partner);
        throw new HandoverError(`--out ${shown} is inside the git work tree ${top.stdout.trim()} and git does not ignore it, so the partner's key could be committed; ` +
            `write to a folder outside the repository, such as --out ${outside}, or add ${shown} to .gitignore`);
    }
}

/**
 * Writes the files with exactly their modes, umask aside. First removes the partner's files
 * already there (only --force gets this far with any), also those this bundle no longer has: a
 * stale key or passphrase.
 */
export function writeBundle(dir: string, files: readonly BundleFile[], partner: string, keep?: string): void {
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

/** Refuses a key that is not the certificate's: the outputs of two updates. */
export function checkKey(material: PartnerMaterial): void {
    if (material.privateKeyPem !== undefined && !new X509Certificate(material.certificatePem).checkPrivateKey(createPrivateKey(material.privateKeyPem))) {
        throw new HandoverError(`the private key of partner "${material.partner}" in ${material.source} is not its certificate's; deploy again so that both are from one update`);
    }
}
