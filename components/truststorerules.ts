// Checks a truststore (a PEM bundle of CA certificates) against Amazon API Gateway's rules for
// mutual TLS before it is uploaded, and answers whether API Gateway would accept a client
// certificate with it. API Gateway itself accepts a bad truststore and only reports
// `truststoreWarnings`, which Pulumi never shows. Pure logic: no AWS, no Pulumi.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
import { createHash, KeyObject, X509Certificate as NativeCertificate } from "node:crypto";
import { x509 } from "./x509";

export type Severity = "error" | "warning";

/** One problem in a bundle. `subject` is the certificate's subject DN, or `bundle` / `block #N`. */
export interface Finding {
    severity: Severity;
    code: string;
    subject: string;
    message: string;
}

export interface CheckOptions {
    /** The time to check validity at. Default: now. */
    now?: Date;
    /** Warn about certificates that expire within this many days. Default: 30. */
    warnDays?: number;
}

/** Whether API Gateway would accept a client certificate, and along which chain. */
export interface ClientVerdict {
    accepted: boolean;
    /** Why it is refused, or "chains to <root subject>". */
    reason: string;
    /** Subjects from the client certificate up to the root, as far as the chain was built. */
    chain: string[];
}

export interface ClientVerifier {
    verify(clientCertPemOrDer: string | Uint8Array, now?: Date): Promise<ClientVerdict>;
}

const MAX_BUNDLE_BYTES = 1_048_576;
const MAX_CERTIFICATES = 1_000;
const MAX_CA_LEVELS = 4;
const DEFAULT_WARN_DAYS = 30;
const DAY_MS = 86_400_000;
// Bounds the per-verifier caches: a local gateway runs for hours and meets many clients.
const CACHE_LIMIT = 50_000;

const STRONG_HASHES = new Set(["SHA-256", "SHA-384", "SHA-512"]);
const SIGNING_ALGORITHMS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA"]);
const RSA_KEYS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"]);
const EC_KEYS = new Set(["ECDSA", "ECDH"]);
const ACCEPTED_CURVES = new Set(["P-256", "P-384"]);
// Algorithms @peculiar/x509 has no WebCrypto name for; it reports them by OID.
const OID_NAMES: Record<string, string> = {
    "1.2.840.113549.1.1.2": "MD2 with RSA",
    "1.2.840.113549.1.1.3": "MD4 with RSA",
    "1.2.840.113549.1.1.4": "MD5 with RSA",
    "1.3.14.3.2.29": "SHA-1 with RSA",
    "1.2.840.10040.4.3": "SHA-1 with DSA",
    "1.2.840.10040.4.1": "DSA",
    "2.16.840.1.101.3.4.3.2": "SHA-256 with DSA",
};
const WEAK_SIGNATURE_OIDS = new Set([
    "1.2.840.113549.1.1.2",
    "1.2.840.113549.1.1.3",
    "1.2.840.113549.1.1.4",
    "1.3.14.3.2.29",
    "1.2.840.10040.4.3",
]);

const BEGIN = /^-----BEGIN ([^-]+)-----$/;
const END = /^-----END ([^-]+)-----$/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One parsed certificate; both parsers run once per certificate, here. */
class Cert {
    readonly parsed: x509.X509Certificate;
    readonly native: NativeCertificate;
    readonly fingerprint: string;
    readonly subject: string;
    readonly issuer: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    #key: KeyObject | null | undefined;

    /** `block` is the certificate's block number in a bundle; none for a client certificate. */
    constructor(der: Buffer<ArrayBuffer>, readonly block?: number) {
        this.parsed = new x509.X509Certificate(der);
        this.native = new NativeCertificate(der);
        this.fingerprint = this.native.fingerprint256;
        this.subject = this.parsed.subject;
        this.issuer = this.parsed.issuer;
        this.notBefore = this.parsed.notBefore;
        this.notAfter = this.parsed.notAfter;
    }

    /** Subject DN, or where the certificate is when its subject is empty. */
    get label(): string {
        return this.subject || (this.block === undefined ? "(empty subject)" : `block #${this.block}`);
    }

    /** The public key for verifying what this certificate signed; null when unusable. */
    get key(): KeyObject | null {
        if (this.#key === undefined) {
            try {
                this.#key = this.native.publicKey;
            } catch {
                this.#key = null;
            }
        }
        return this.#key;
    }
}

/** Certificates indexed by subject, with a cache of signature checks per (child, issuer). */
class CertIndex {
    readonly bySubject = new Map<string, Cert[]>();
    readonly #signatures = new Map<string, boolean>();

    constructor(certs: readonly Cert[]) {
        for (const cert of certs) {
            const same = this.bySubject.get(cert.subject);
            if (same) {
                same.push(cert);
            } else {
                this.bySubject.set(cert.subject, [cert]);
            }
        }
    }

    /** Whether `issuer`'s key verifies `child`'s signature. */
    signedBy(child: Cert, issuer: Cert): boolean {
        const pair = `${child.fingerprint}>${issuer.fingerprint}`;
        let ok = this.#signatures.get(pair);
        if (ok === undefined) {
            const key = issuer.key;
            try {
                ok = key !== null && child.native.verify(key);
            } catch {
                ok = false;
            }
            remember(this.#signatures, pair, ok);
        }
        return ok;
    }

    selfSigned(cert: Cert): boolean {
        return cert.subject === cert.issuer && this.signedBy(cert, cert);
    }
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
    if (cache.size >= CACHE_LIMIT) {
        cache.delete(cache.keys().next().value as K);
    }
    cache.set(key, value);
}

interface PemBlock {
    /** 1-based position among all blocks of the file. */
    readonly number: number;
    readonly label: string;
    /** 1-based line of the BEGIN line. */
    readonly line: number;
    readonly body: string[];
    /** The END line's label; undefined when the block never ends. */
    endLabel?: string;
}

interface PemScan {
    readonly blocks: PemBlock[];
    /** 1-based numbers of non-blank lines outside any block. */
    readonly strayLines: number[];
    readonly lines: string[];
}

function scanPem(text: string): PemScan {
    const lines = text.split(/\r\n|\r|\n/);
    const blocks: PemBlock[] = [];
    const strayLines: number[] = [];
    let open: PemBlock | undefined;
    lines.forEach((raw, index) => {
        const line = raw.trim();
        const begin = BEGIN.exec(line);
        if (begin) {
            open = { number: blocks.length + 1, label: begin[1], line: index + 1, body: [] };
            blocks.push(open);
            return;
        }
        if (open) {
            const end = END.exec(line);
            if (end) {
                open.endLabel = end[1];
                open = undefined;
            } else {
                open.body.push(line);
            }
        } else if (line !== "") {
            strayLines.push(index + 1);
        }
    });
    return { blocks, strayLines, lines };
}

/** The DER of a complete CERTIFICATE block with valid base64, else why not. */
function certificateDer(block: PemBlock): { der: Buffer<ArrayBuffer> } | { code: string; message: string } {
    const where = `block #${block.number} (line ${block.line})`;
    if (block.endLabel === undefined) {
        return {
            code: "malformed-block",
            message: `${where} has no -----END ${block.label}----- line: the file is cut short or a block is pasted into another; copy the whole certificate again`,
        };
    }
    if (block.endLabel !== block.label) {
        return {
            code: "malformed-block",
            message: `${where} begins as ${block.label} but ends as ${block.endLabel}; copy the certificate again with its own BEGIN and END lines`,
        };
    }
    const base64 = block.body.join("");
    if (base64 === "" || !STRICT_BASE64.test(base64)) {
        return {
            code: "corrupt-base64",
            message: `${where} is not valid base64 (truncated, edited or holding other text); copy the certificate again from its source`,
        };
    }
    return { der: Buffer.from(base64, "base64") };
}

function describeLines(lineNumbers: readonly number[]): string {
    const ranges: string[] = [];
    let start = lineNumbers[0];
    for (let i = 1; i <= lineNumbers.length; i++) {
        if (lineNumbers[i] !== lineNumbers[i - 1] + 1) {
            const end = lineNumbers[i - 1];
            ranges.push(start === end ? `${start}` : `${start}-${end}`);
            start = lineNumbers[i];
        }
    }
    const shown = ranges.slice(0, 5).join(", ");
    return ranges.length > 5 ? `${shown} and ${ranges.length - 5} more ranges` : shown;
}

function isoDate(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function oidName(name: string): string {
    return OID_NAMES[name] ?? name;
}

/** Why a certificate is outside its validity window at `now`, as "expired on <date>", or undefined. */
function validityProblem(cert: Cert, now: Date): { code: string; text: string } | undefined {
    if (now.getTime() > cert.notAfter.getTime()) {
        return { code: "expired", text: `expired on ${isoDate(cert.notAfter)}` };
    }
    if (now.getTime() < cert.notBefore.getTime()) {
        return { code: "not-yet-valid", text: `is not valid until ${isoDate(cert.notBefore)}` };
    }
    return undefined;
}

function checkValidity(cert: Cert, now: Date, warnDays: number): Finding | undefined {
    const problem = validityProblem(cert, now);
    if (problem?.code === "expired") {
        return error("expired", cert.label, `${problem.text}; API Gateway refuses every client whose chain uses it: renew it and put the new certificate in the bundle`);
    }
    if (problem) {
        return error("not-yet-valid", cert.label, `${problem.text}; API Gateway refuses clients whose chain uses it until then: reissue it with notBefore in the past (check the issuing host's clock)`);
    }
    const daysLeft = Math.ceil((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
    if (daysLeft <= warnDays) {
        return warning("expiring-soon", cert.label, `expires on ${isoDate(cert.notAfter)}, in ${daysLeft} day(s); renew it and add the new certificate to the bundle before then`);
    }
    return undefined;
}

function checkSignatureAlgorithm(cert: Cert): Finding | undefined {
    let algorithm: { name: string; hash?: { name: string } };
    try {
        algorithm = cert.parsed.signatureAlgorithm;
    } catch {
        return error("unsupported-signature", cert.label, "its signature algorithm cannot be read; reissue it signed with RSA or ECDSA and SHA-256 or stronger");
    }
    const hash = algorithm.hash?.name;
    if (SIGNING_ALGORITHMS.has(algorithm.name) && hash !== undefined && STRONG_HASHES.has(hash)) {
        return undefined;
    }
    if (WEAK_SIGNATURE_OIDS.has(algorithm.name) || (hash !== undefined && !STRONG_HASHES.has(hash))) {
        const used = hash ? `${hash} (${algorithm.name})` : oidName(algorithm.name);
        const fix = cert.subject === cert.issuer ? "create this root again" : `have ${cert.issuer} sign it again`;
        return error("weak-signature-hash", cert.label, `is signed with ${used}; API Gateway requires SHA-256 or stronger: ${fix} with SHA-256, SHA-384 or SHA-512`);
    }
    return error("unsupported-signature", cert.label, `is signed with ${oidName(algorithm.name)}; API Gateway accepts RSA or ECDSA signatures with SHA-256 or stronger: reissue it from an RSA or ECDSA CA`);
}

function checkKey(cert: Cert): Finding | undefined {
    const fix = "reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 or P-384 key";
    let algorithm: { name: string; modulusLength?: number; namedCurve?: string };
    try {
        algorithm = cert.parsed.publicKey.algorithm;
    } catch {
        return error("unsupported-key", cert.label, `its public key cannot be read; ${fix}`);
    }
    if (RSA_KEYS.has(algorithm.name)) {
        const bits = algorithm.modulusLength ?? 0;
        return bits >= 2048 ? undefined : error("weak-key", cert.label, `has an RSA key of ${bits} bits; API Gateway requires at least 2048: ${fix}`);
    }
    if (EC_KEYS.has(algorithm.name)) {
        const curve = algorithm.namedCurve ?? "an unnamed curve";
        return ACCEPTED_CURVES.has(curve) ? undefined : error("unsupported-key", cert.label, `has an ECDSA key on ${oidName(curve)}; API Gateway accepts only P-256 and P-384: ${fix}`);
    }
    return error("unsupported-key", cert.label, `has a ${oidName(algorithm.name)} key; API Gateway accepts only RSA and ECDSA P-256/P-384 keys: ${fix}`);
}

/** Why an issuer cannot sign certificates, in OpenSSL's terms (basicConstraints, keyUsage). */
function notCaReason(cert: Cert): string {
    const constraints = cert.parsed.getExtension(x509.BasicConstraintsExtension);
    if (!constraints) {
        return "has no basicConstraints extension";
    }
    if (!constraints.ca) {
        return "has basicConstraints CA:FALSE";
    }
    const usages = cert.parsed.getExtension(x509.KeyUsagesExtension);
    return usages && !(usages.usages & x509.KeyUsageFlags.keyCertSign)
        ? "has a keyUsage without keyCertSign"
        : "is not usable as a CA";
}

function error(code: string, subject: string, message: string): Finding {
    return { severity: "error", code, subject, message };
}

function warning(code: string, subject: string, message: string): Finding {
    return { severity: "warning", code, subject, message };
}

/** Reads the certificates of a scanned bundle; findings for every block that is not one. */
function readCertificates(scan: PemScan): { certs: Cert[]; findings: Finding[] } {
    const certs: Cert[] = [];
    const findings: Finding[] = [];
    for (const block of scan.blocks) {
        const subject = `block #${block.number}`;
        if (/PRIVATE KEY/.test(block.label)) {
            findings.push(error("private-key-block", subject, `line ${block.line} begins a ${block.label}: a private key must never be in a truststore; remove the block, and replace the key if this file was shared`));
            continue;
        }
        if (block.label !== "CERTIFICATE") {
            findings.push(error("unexpected-block", subject, `line ${block.line} begins a ${block.label} block; a truststore holds CERTIFICATE blocks only: remove it`));
            continue;
        }
        const decoded = certificateDer(block);
        if ("code" in decoded) {
            findings.push(error(decoded.code, subject, decoded.message));
            continue;
        }
        try {
            certs.push(new Cert(decoded.der, block.number));
        } catch (cause) {
            const reason = cause instanceof Error ? cause.message : String(cause);
            findings.push(error("corrupt-certificate", subject, `block #${block.number} (line ${block.line}) is not a readable X.509 certificate (${reason}); copy the certificate again from its source`));
        }
    }
    return { certs, findings };
}

function checkBundleShape(text: string, scan: PemScan): Finding[] {
    const findings: Finding[] = [];
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_BUNDLE_BYTES) {
        findings.push(error("bundle-too-large", "bundle", `is ${bytes} bytes; API Gateway accepts at most ${MAX_BUNDLE_BYTES} (1 MiB): remove CAs no partner uses, or split partners across custom domains`));
    }
    const certificateBlocks = scan.blocks.filter((block) => block.label === "CERTIFICATE").length;
    if (certificateBlocks > MAX_CERTIFICATES) {
        findings.push(error("too-many-certificates", "bundle", `holds ${certificateBlocks} certificates; API Gateway accepts at most ${MAX_CERTIFICATES}: remove CAs no partner uses, or split partners across custom domains`));
    }
    if (certificateBlocks === 0) {
        const message = text.trim() === ""
            ? "is empty; add the PEM certificates of the CAs that issue partner client certificates"
            : scan.blocks.length === 0
                ? "holds no PEM block; if it is DER, convert it: openssl x509 -inform der -in ca.der -out ca.pem"
                : "holds no CERTIFICATE block; add the PEM certificates of the CAs that issue partner client certificates";
        findings.push(error("not-pem", "bundle", message));
    } else if (scan.strayLines.length > 0) {
        const first = scan.lines[scan.strayLines[0] - 1].trim().slice(0, 40);
        findings.push(error("stray-text", "bundle", `text outside PEM blocks on line(s) ${describeLines(scan.strayLines)} (first: ${JSON.stringify(first)}); keep only the -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks`));
    }
    return findings;
}

/**
 * Checks a truststore bundle against API Gateway's rules. Returns every finding; the bundle is
 * fit for upload when `hasErrors` is false.
 */
export async function checkTruststore(pem: string, options: CheckOptions = {}): Promise<Finding[]> {
    const now = options.now ?? new Date();
    const warnDays = options.warnDays ?? DEFAULT_WARN_DAYS;
    const scan = scanPem(pem);
    const findings = checkBundleShape(pem, scan);
    const read = readCertificates(scan);
    findings.push(...read.findings);

    const unique: Cert[] = [];
    const first = new Map<string, Cert>();
    for (const cert of read.certs) {
        const seen = first.get(cert.fingerprint);
        if (seen === undefined) {
            first.set(cert.fingerprint, cert);
            unique.push(cert);
        } else {
            findings.push(warning("duplicate-certificate", cert.label, `block #${cert.block} repeats block #${seen.block}; remove the copy (the bundle writer keeps one)`));
        }
    }

    const index = new CertIndex(unique);
    findings.push(...checkSubjectKeys(index));
    for (const cert of unique) {
        for (const finding of [checkSignatureAlgorithm(cert), checkKey(cert), checkValidity(cert, now, warnDays)]) {
            if (finding) {
                findings.push(finding);
            }
        }
    }
    findings.push(...checkChains(unique, index));
    return findings;
}

function checkSubjectKeys(index: CertIndex): Finding[] {
    const findings: Finding[] = [];
    for (const certs of index.bySubject.values()) {
        if (certs.length < 2) {
            continue;
        }
        const keys = new Set(certs.map((cert) => Buffer.from(cert.parsed.publicKey.rawData).toString("base64")));
        if (keys.size > 1) {
            const blocks = certs.map((cert) => `#${cert.block}`).join(", ");
            findings.push(error("subject-key-conflict", certs[0].label, `${certs.length} certificates with this subject (blocks ${blocks}) carry ${keys.size} different keys; API Gateway finds issuers by subject name, so clients may be checked against the wrong key: keep only the current CA, or give each CA its own subject`));
        }
    }
    return findings;
}

/** Issuers, signatures, CA flags and depth: every certificate must chain to a root in the bundle. */
function checkChains(certs: readonly Cert[], index: CertIndex): Finding[] {
    const findings: Finding[] = [];
    const parents = new Map<Cert, Cert[]>();
    const roots = new Set<Cert>();
    const notCa = new Set<Cert>();
    for (const cert of certs) {
        const candidates = index.bySubject.get(cert.issuer) ?? [];
        if (candidates.length === 0) {
            findings.push(error("missing-issuer", cert.label, `its issuer ${cert.issuer} is not in the bundle; add that CA certificate and every CA above it up to the root (API Gateway does not use intermediates sent by clients)`));
            continue;
        }
        const signers = candidates.filter((candidate) => index.signedBy(cert, candidate));
        if (signers.length === 0) {
            findings.push(error("bad-signature", cert.label, cert.subject === cert.issuer && candidates.length === 1
                ? "its self-signature does not verify: the certificate is damaged or altered; copy it again from its source"
                : `its signature does not verify with the key of ${cert.issuer} in the bundle; add the CA certificate that really issued it (or copy a damaged certificate again)`));
            continue;
        }
        if (signers.includes(cert)) {
            roots.add(cert);
            if (!cert.native.ca) {
                findings.push(warning("self-signed-leaf", cert.label, "is self-signed but not a CA (basicConstraints CA:TRUE with keyCertSign), so it can only admit a client that presents this very certificate; add the partner's CA certificate instead unless that is intended"));
            }
        }
        const issuers = signers.filter((signer) => signer !== cert);
        parents.set(cert, issuers);
        for (const issuer of issuers) {
            if (!issuer.native.ca && !notCa.has(issuer)) {
                notCa.add(issuer);
                findings.push(error("issuer-not-ca", issuer.label, `issues ${cert.label} but ${notCaReason(issuer)}; reissue it with basicConstraints CA:TRUE and keyUsage keyCertSign, or remove the certificates it issued`));
            }
        }
    }
    findings.push(...checkDepth(certs, parents, roots));
    return findings;
}

/** CA level of each certificate (root = 1) along its shortest chain; errors past MAX_CA_LEVELS. */
function checkDepth(certs: readonly Cert[], parents: ReadonlyMap<Cert, Cert[]>, roots: ReadonlySet<Cert>): Finding[] {
    const levels = new Map<Cert, { level: number; root: Cert } | null>();
    const levelOf = (cert: Cert): { level: number; root: Cert } | null => {
        const known = levels.get(cert);
        if (known !== undefined) {
            return known;
        }
        if (roots.has(cert)) {
            levels.set(cert, { level: 1, root: cert });
            return levels.get(cert) ?? null;
        }
        // Marks the certificate while its issuers are visited, so that a cycle ends there.
        levels.set(cert, null);
        let best: { level: number; root: Cert } | null = null;
        for (const parent of parents.get(cert) ?? []) {
            const above = levelOf(parent);
            if (above && (!best || above.level + 1 < best.level)) {
                best = { level: above.level + 1, root: above.root };
            }
        }
        levels.set(cert, best);
        return best;
    };
    const findings: Finding[] = [];
    for (const cert of certs) {
        const position = levelOf(cert);
        if (position && position.level > MAX_CA_LEVELS && cert.native.ca) {
            findings.push(error("chain-too-deep", cert.label, `is CA level ${position.level} under root ${position.root.label} (the root is level 1); API Gateway accepts at most ${MAX_CA_LEVELS} CA levels: issue this CA from a CA nearer the root, or remove it`));
        }
    }
    return findings;
}

export function hasErrors(findings: readonly Finding[]): boolean {
    return findings.some((finding) => finding.severity === "error");
}

/** "<severity> <code> <subject>: <message>" */
export function formatFinding(f: Finding): string {
    return `${f.severity} ${f.code} ${f.subject}: ${f.message}`;
}

class Verifier implements ClientVerifier {
    readonly #index: CertIndex;
    readonly #clients = new Map<string, Cert>();

    constructor(certs: readonly Cert[]) {
        const unique = new Map(certs.map((cert) => [cert.fingerprint, cert]));
        this.#index = new CertIndex([...unique.values()]);
    }

    async verify(clientCertPemOrDer: string | Uint8Array, now: Date = new Date()): Promise<ClientVerdict> {
        const client = this.#client(clientCertPemOrDer);
        if (typeof client === "string") {
            return { accepted: false, reason: client, chain: [] };
        }
        const chain = [client.label];
        const problem = validityProblem(client, now);
        if (problem) {
            return { accepted: false, reason: `certificate ${problem.text}`, chain };
        }
        return this.#climb(client, now, chain, 0);
    }

    /** The client certificate, parsed once per distinct certificate; or why it cannot be read. */
    #client(input: string | Uint8Array): Cert | string {
        let der: Buffer<ArrayBuffer>;
        const text = typeof input === "string" ? input : looksLikePem(input) ? Buffer.from(input).toString("utf8") : undefined;
        if (text === undefined) {
            der = Buffer.from(input as Uint8Array);
        } else {
            const block = scanPem(text).blocks.find((candidate) => candidate.label === "CERTIFICATE");
            const decoded = block ? certificateDer(block) : undefined;
            if (!decoded || "code" in decoded) {
                return "client certificate is not a PEM certificate";
            }
            der = decoded.der;
        }
        const digest = createHash("sha256").update(der).digest("hex");
        let cert = this.#clients.get(digest);
        if (!cert) {
            try {
                cert = new Cert(der);
            } catch {
                return "client certificate is not a readable X.509 certificate";
            }
            remember(this.#clients, digest, cert);
        }
        return cert;
    }

    /** Walks up from `child` through every issuer candidate; the first complete chain wins. */
    #climb(child: Cert, now: Date, chain: string[], caLevels: number): ClientVerdict {
        const candidates = this.#index.bySubject.get(child.issuer);
        if (!candidates) {
            return { accepted: false, reason: `issuer ${child.issuer} is not in the truststore`, chain };
        }
        let refusal: ClientVerdict = { accepted: false, reason: `signature of ${child.label} does not verify with the key of ${child.issuer} in the truststore`, chain };
        for (const issuer of candidates) {
            if (!this.#index.signedBy(child, issuer)) {
                continue;
            }
            // A self-signed client certificate that is itself in the truststore is trusted as is.
            if (issuer.fingerprint === child.fingerprint) {
                return { accepted: true, reason: `chains to ${issuer.label}`, chain };
            }
            const path = [...chain, issuer.label];
            const problem = validityProblem(issuer, now)?.text
                ?? (issuer.native.ca ? undefined : `is not a CA (${notCaReason(issuer)})`);
            if (problem) {
                refusal = { accepted: false, reason: `issuer ${issuer.label} ${problem}`, chain: path };
                continue;
            }
            if (caLevels + 1 > MAX_CA_LEVELS) {
                refusal = { accepted: false, reason: `chain has more than ${MAX_CA_LEVELS} CA levels`, chain: path };
                continue;
            }
            if (this.#index.selfSigned(issuer)) {
                return { accepted: true, reason: `chains to ${issuer.label}`, chain: path };
            }
            const above = this.#climb(issuer, now, path, caLevels + 1);
            if (above.accepted) {
                return above;
            }
            refusal = above;
        }
        return refusal;
    }
}

function looksLikePem(bytes: Uint8Array): boolean {
    return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64)).toString("latin1").trimStart().startsWith("-----BEGIN");
}

/**
 * Parses a truststore once and returns a verifier that answers, per TLS handshake, whether API
 * Gateway would accept a client certificate: a chain by subject name to a self-signed root in
 * the bundle, at most four CA levels, every signature verifying, every link valid at `now`.
 * Blocks that are not readable certificates are skipped, as API Gateway skips them.
 */
export async function createClientVerifier(bundlePem: string): Promise<ClientVerifier> {
    return new Verifier(readCertificates(scanPem(bundlePem)).certs);
}

/** One-shot form of `createClientVerifier(bundlePem).verify(clientPem, now)`. */
export async function acceptsClient(bundlePem: string, clientPem: string, now?: Date): Promise<ClientVerdict> {
    return (await createClientVerifier(bundlePem)).verify(clientPem, now);
}
