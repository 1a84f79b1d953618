// Checks a truststore (a PEM bundle of CA certificates) against Amazon API Gateway's rules for
// mutual TLS before it is uploaded, and answers whether API Gateway would accept a client
// certificate with it. API Gateway itself accepts a bad truststore and only reports
// `truststoreWarnings`, which Pulumi never shows. Pure logic: no AWS, no Pulumi.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
import { createHash } from "node:crypto";
import { append, Candidates, Cert, CertIndex, COMMON_SIGNATURES, KeyGroup, remember, Signatures, Unreadable } from "./certindex";
import { blockName, certificateDer, holdsPrivateKey, PemBlock, PemScan, scanPem, StrayKind } from "./pem";
import { SignatureWorker } from "./signatureworker";
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

/** API Gateway's size limit for a truststore, in bytes (1 MiB). */
export const MAX_BUNDLE_BYTES = 1_048_576;
const MAX_CERTIFICATES = 1_000;
const MAX_CA_LEVELS = 4;
const DEFAULT_WARN_DAYS = 30;
const DAY_MS = 86_400_000;
// Findings of one code beyond this are counted, not listed: a hostile file can hold 30,000 blocks.
const LISTED_PER_CODE = 100;
// Blocks named in one subject-key-conflict finding.
const LISTED_BLOCKS = 10;
// From this many certificates on, slow signatures are checked on a worker thread; it takes
// about 30 ms to start, which a few certificates do not repay.
const WORKER_FROM = 100;

const STRONG_HASHES = new Set(["SHA-256", "SHA-384", "SHA-512"]);
const SIGNING_ALGORITHMS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA"]);
const RSA_KEYS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"]);
const EC_KEYS = new Set(["ECDSA", "ECDH"]);
const ACCEPTED_CURVES = new Set(["P-256", "P-384"]);
// OpenSSL's names for P-256 and P-384, as Node reports them.
const ACCEPTED_NODE_CURVES = new Set(["prime256v1", "secp384r1"]);
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

/** Line numbers as ranges, "3, 7-9", the first five of them. */
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
    if (COMMON_SIGNATURES.has(cert.parsed.signatureOid)) {
        return undefined;
    }
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
        const fix = cert.selfIssued ? "create this root again" : `have ${cert.issuer} sign it again`;
        return error("weak-signature-hash", cert.label, `is signed with ${used}; API Gateway requires SHA-256 or stronger: ${fix} with SHA-256, SHA-384 or SHA-512`);
    }
    return error("unsupported-signature", cert.label, `is signed with ${oidName(algorithm.name)}; API Gateway accepts RSA or ECDSA signatures with SHA-256 or stronger: reissue it from an RSA or ECDSA CA`);
}

function checkKey(cert: Cert): Finding | undefined {
    const { type, modulusLength, namedCurve } = cert.keyDetails;
    if (type === "rsa" && (modulusLength ?? 0) >= 2048) {
        return undefined;
    }
    if (type === "ec" && ACCEPTED_NODE_CURVES.has(namedCurve ?? "")) {
        return undefined;
    }
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
    const parsed = cert.parsed;
    const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
    if (!constraints) {
        return "has no basicConstraints extension";
    }
    if (!constraints.ca) {
        return "has basicConstraints CA:FALSE";
    }
    const usages = parsed.getExtension(x509.KeyUsagesExtension);
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

/**
 * Reads the certificates of a scanned bundle; findings for every block that is not one.
 * `onCert` sees each certificate as soon as it is read.
 */
function readCertificates(scan: PemScan, onCert?: (cert: Cert) => void): { certs: Cert[]; findings: Finding[] } {
    const certs: Cert[] = [];
    const findings: Finding[] = [];
    const privateKey = (block: PemBlock, what: string) => error("private-key-block", `block #${block.number}`,
        `line ${block.line} begins ${what}: a private key must never be in a truststore; remove the block, and replace the key if this file was shared`);
    for (const block of scan.blocks) {
        const subject = `block #${block.number}`;
        if (/PRIVATE KEY/.test(block.label)) {
            findings.push(privateKey(block, blockName(block.label)));
            continue;
        }
        if (block.label !== "CERTIFICATE") {
            findings.push(error("unexpected-block", subject, `line ${block.line} begins ${blockName(block.label)}; a truststore holds CERTIFICATE blocks only: remove it`));
            continue;
        }
        const decoded = certificateDer(block);
        if ("code" in decoded) {
            findings.push(error(decoded.code, subject, decoded.message));
            continue;
        }
        try {
            const cert = new Cert(decoded.der, block.number);
            certs.push(cert);
            onCert?.(cert);
        } catch (cause) {
            if (holdsPrivateKey(decoded.der)) {
                findings.push(privateKey(block, "a CERTIFICATE block that holds a private key"));
                continue;
            }
            const reason = cause instanceof Unreadable ? cause.message : "it cannot be read";
            findings.push(error("corrupt-certificate", subject, `block #${block.number} (line ${block.line}) is not a readable X.509 certificate (${reason}); copy the certificate again from its source`));
        }
    }
    return { certs, findings };
}

/** Lines outside the blocks, by kind and number; what they say is never repeated. */
function strayText(scan: PemScan): Finding | undefined {
    const kinds: [StrayKind, string][] = [
        ["base64", "base64 text"],
        ["end", "an END line without its BEGIN line"],
        ["dashes", "a BEGIN or END line that is not well formed"],
        ["other", "other text"],
    ];
    const found = kinds.filter(([kind]) => scan.stray[kind].length > 0).map(([kind, what]) => `${what} on line(s) ${describeLines(scan.stray[kind])}`);
    if (found.length === 0) {
        return undefined;
    }
    const key = scan.stray.base64.length > 0
        ? "; base64 outside a block is a block that lost its BEGIN or END line, or pasted key material: if it is a private key, delete it and replace that key"
        : "";
    return error("stray-text", "bundle", `text outside the PEM blocks (not shown): ${found.join(", ")}; keep only the -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks${key}`);
}

function checkBundleShape(text: string, scan: PemScan): Finding[] {
    const findings: Finding[] = [];
    const certificateBlocks = scan.blocks.filter((block) => block.label === "CERTIFICATE").length;
    if (certificateBlocks > MAX_CERTIFICATES) {
        findings.push(tooManyCertificates(certificateBlocks));
    }
    if (certificateBlocks === 0) {
        const message = text.trim() === ""
            ? "is empty; add the PEM certificates of the CAs that issue partner client certificates"
            : scan.blocks.length === 0
                ? "holds no PEM block; if it is DER, convert it: openssl x509 -inform der -in ca.der -out ca.pem"
                : "holds no CERTIFICATE block; add the PEM certificates of the CAs that issue partner client certificates";
        findings.push(error("not-pem", "bundle", message));
    } else {
        const stray = strayText(scan);
        if (stray) {
            findings.push(stray);
        }
    }
    return findings;
}

function tooManyCertificates(count: number): Finding {
    return error("too-many-certificates", "bundle", `holds ${count} certificates; API Gateway accepts at most ${MAX_CERTIFICATES}: remove CAs no partner uses, or split partners across custom domains`);
}

/**
 * The finding for a bundle over API Gateway's size limit, which makes it refuse the whole
 * truststore; `bytes` undefined when the size is not known (a device or a pipe).
 */
export function bundleTooLarge(bytes?: number): Finding {
    const size = bytes === undefined ? `more than ${MAX_BUNDLE_BYTES}` : `${bytes}`;
    return error("bundle-too-large", "bundle", `is ${size} bytes; API Gateway accepts at most ${MAX_BUNDLE_BYTES} (1 MiB): remove CAs no partner uses, or split partners across custom domains; its certificates were not read`);
}

/** What is cheap to say about a bundle over the size limit: its size, and too many certificates. */
function oversized(bundle: string | Buffer, bytes: number): Finding[] {
    const begin = "-----BEGIN CERTIFICATE-----";
    let count = 0;
    for (let at = bundle.indexOf(begin); at >= 0; at = bundle.indexOf(begin, at + begin.length)) {
        count++;
    }
    return count > MAX_CERTIFICATES ? [bundleTooLarge(bytes), tooManyCertificates(count)] : [bundleTooLarge(bytes)];
}

/** Lists the first LISTED_PER_CODE findings of each code, and one more that counts the others. */
function listed(findings: readonly Finding[]): Finding[] {
    const counts = new Map<string, { severity: Severity; count: number }>();
    const kept: Finding[] = [];
    for (const finding of findings) {
        const seen = counts.get(finding.code) ?? { severity: finding.severity, count: 0 };
        seen.count++;
        counts.set(finding.code, seen);
        if (seen.count <= LISTED_PER_CODE) {
            kept.push(finding);
        }
    }
    for (const [code, { severity, count }] of counts) {
        if (count > LISTED_PER_CODE) {
            kept.push({ severity, code, subject: "bundle", message: `${count - LISTED_PER_CODE} more ${code} findings like the ones above, not listed; fix those and check again` });
        }
    }
    return kept;
}

/**
 * Checks a truststore bundle (PEM text, or its bytes as read from a file) against API Gateway's
 * rules. Returns every finding; the bundle is fit for upload when `hasErrors` is false. A bundle
 * over the size limit gets that finding without its certificates being read.
 */
export async function checkTruststore(bundle: string | Uint8Array, options: CheckOptions = {}): Promise<Finding[]> {
    const now = options.now ?? new Date();
    const warnDays = options.warnDays ?? DEFAULT_WARN_DAYS;
    const raw = typeof bundle === "string" ? bundle : Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
    const bytes = typeof raw === "string" ? Buffer.byteLength(raw, "utf8") : raw.length;
    if (bytes > MAX_BUNDLE_BYTES) {
        return oversized(raw, bytes);
    }
    const pem = raw.toString("utf8");
    const scan = scanPem(pem);
    const blocks = scan.blocks.filter((block) => block.label === "CERTIFICATE").length;
    const worker = blocks >= WORKER_FROM ? new SignatureWorker() : undefined;
    try {
        return listed(await checkScanned(pem, scan, new Signatures(worker), now, warnDays));
    } finally {
        worker?.close();
    }
}

async function checkScanned(pem: string, scan: PemScan, signatures: Signatures, now: Date, warnDays: number): Promise<Finding[]> {
    const findings = checkBundleShape(pem, scan);
    // Signatures are checked while the rest of the bundle is read: each against itself, or
    // against the first certificate read with its issuer's name. The chain check below asks for
    // the same pairs, and only waits for them.
    const firstNamed = new Map<string, Cert>();
    const read = readCertificates(scan, (cert) => {
        if (!firstNamed.has(cert.subject)) {
            firstNamed.set(cert.subject, cert);
        }
        const issuer = cert.selfIssued ? cert : firstNamed.get(cert.issuer);
        if (issuer) {
            void signatures.verifies(cert, issuer);
        }
    });
    // A loop, not push(...): a bundle of tiny blocks has more findings than a call has arguments.
    for (const finding of read.findings) {
        findings.push(finding);
    }

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

    const index = new CertIndex(unique, signatures);
    for (const finding of checkSubjectKeys(index)) {
        findings.push(finding);
    }
    for (const cert of unique) {
        for (const finding of [checkSignatureAlgorithm(cert), checkKey(cert), checkValidity(cert, now, warnDays)]) {
            if (finding) {
                findings.push(finding);
            }
        }
    }
    for (const finding of await checkChains(unique, index)) {
        findings.push(finding);
    }
    return findings;
}

function checkSubjectKeys(index: CertIndex): Finding[] {
    const findings: Finding[] = [];
    for (const groups of index.bySubject.values()) {
        if (groups.length < 2) {
            continue;
        }
        const certs = groups.flatMap((group) => group.certs).sort((a, b) => (a.block ?? 0) - (b.block ?? 0));
        const shown = certs.slice(0, LISTED_BLOCKS).map((cert) => `#${cert.block}`).join(", ");
        const blocks = certs.length > LISTED_BLOCKS ? `${shown} and ${certs.length - LISTED_BLOCKS} more` : shown;
        findings.push(error("subject-key-conflict", certs[0].label, `${certs.length} certificates with this subject (blocks ${blocks}) carry ${groups.length} different keys; API Gateway finds issuers by subject name, so clients may be checked against the wrong key: keep only the current CA, or give each CA its own subject`));
    }
    return findings;
}

/** Issuers, signatures, CA flags and depth: every certificate must chain to a root in the bundle. */
async function checkChains(certs: readonly Cert[], index: CertIndex): Promise<Finding[]> {
    const signers = await Promise.all(certs.map((cert) => index.signer(cert)));
    const findings: Finding[] = [];
    const signedBy = new Map<Cert, KeyGroup>();
    const roots = new Set<Cert>();
    // Per key group, the certificates in it that are not CAs and were not reported yet.
    const notCa = new Map<KeyGroup, Set<Cert>>();
    certs.forEach((cert, i) => {
        const { group, candidates } = signers[i];
        if (candidates.of === 0) {
            findings.push(error("missing-issuer", cert.label, `its issuer ${cert.issuer} is not in the bundle; add that CA certificate and every CA above it up to the root (API Gateway does not use intermediates sent by clients)`));
            return;
        }
        if (!group) {
            findings.push(error("bad-signature", cert.label, badSignature(cert, candidates, index)));
            return;
        }
        signedBy.set(cert, group);
        if (group === index.groupOf(cert)) {
            roots.add(cert);
            if (!cert.native.ca) {
                findings.push(warning("self-signed-leaf", cert.label, "is self-signed but not a CA (basicConstraints CA:TRUE with keyCertSign), so it can only admit a client that presents this very certificate; add the partner's CA certificate instead unless that is intended"));
            }
        }
        let pending = notCa.get(group);
        if (!pending) {
            pending = new Set(group.certs.filter((issuer) => !issuer.native.ca));
            notCa.set(group, pending);
        }
        for (const issuer of pending) {
            if (issuer !== cert) {
                pending.delete(issuer);
                findings.push(error("issuer-not-ca", issuer.label, `issues ${cert.label} but ${notCaReason(issuer)}; reissue it with basicConstraints CA:TRUE and keyUsage keyCertSign, or remove the certificates it issued`));
            }
        }
    });
    return findings.concat(checkDepth(certs, signedBy, roots, index));
}

function badSignature(cert: Cert, candidates: Candidates, index: CertIndex): string {
    if (candidates.groups.length < candidates.of) {
        return `its signature does not verify with the first ${candidates.groups.length} of the ${candidates.of} keys that certificates named ${cert.issuer} carry in the bundle; API Gateway takes one issuer per name: give each CA its own subject, or name the issuer's key in an authority key identifier`;
    }
    return cert.selfIssued && candidates.of === 1 && index.groupOf(cert)?.certs.length === 1
        ? "its self-signature does not verify: the certificate is damaged or altered; copy it again from its source"
        : `its signature does not verify with the key of ${cert.issuer} in the bundle; add the CA certificate that really issued it (or copy a damaged certificate again)`;
}

/** CA level of each certificate (root = 1) along its shortest chain; errors past MAX_CA_LEVELS. */
function checkDepth(certs: readonly Cert[], signedBy: ReadonlyMap<Cert, KeyGroup>, roots: ReadonlySet<Cert>, index: CertIndex): Finding[] {
    const issued = new Map<KeyGroup, Cert[]>();
    for (const [cert, group] of signedBy) {
        if (!roots.has(cert)) {
            append(issued, group, cert);
        }
    }
    // Breadth first from the roots: the first level a certificate is reached at is its lowest.
    const positions = new Map<Cert, { level: number; root: Cert }>();
    const visited = new Set<KeyGroup>();
    let frontier = [...roots];
    frontier.forEach((root) => positions.set(root, { level: 1, root }));
    for (let level = 1; frontier.length > 0; level++) {
        const next: Cert[] = [];
        for (const cert of frontier) {
            const group = index.groupOf(cert);
            if (!group || visited.has(group)) {
                continue;
            }
            visited.add(group);
            const root = positions.get(cert)?.root ?? cert;
            for (const child of issued.get(group) ?? []) {
                if (!positions.has(child)) {
                    positions.set(child, { level: level + 1, root });
                    next.push(child);
                }
            }
        }
        frontier = next;
    }
    const findings: Finding[] = [];
    for (const cert of certs) {
        const position = positions.get(cert);
        if (position && position.level > MAX_CA_LEVELS && cert.native.ca) {
            findings.push(error("chain-too-deep", cert.label, `is CA level ${position.level} under root ${position.root.label} (the root is level 1); API Gateway accepts at most ${MAX_CA_LEVELS} CA levels: issue this CA from a CA nearer the root, or remove it`));
        }
    }
    return findings;
}

export function hasErrors(findings: readonly Finding[]): boolean {
    return findings.some((finding) => finding.severity === "error");
}

/** Text as one printable line: control characters (a newline, a terminal escape) in a subject become \\uXXXX. */
export function oneLine(text: string): string {
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** "<severity> <code> <subject>: <message>", on one line whatever the subject holds. */
export function formatFinding(f: Finding): string {
    return oneLine(`${f.severity} ${f.code} ${f.subject}: ${f.message}`);
}

/** Why a client certificate file holds no certificate, by what its first block is. */
function notACertificate(blocks: readonly PemBlock[]): string {
    const file = "the client certificate file";
    const block = blocks[0];
    if (block === undefined) {
        return `${file} holds no PEM block; if it is DER, convert it: openssl x509 -inform der -in client.der -out client.pem`;
    }
    const name = blockName(block.label);
    if (/PRIVATE KEY/.test(block.label)) {
        return `${file} holds a private key (${name}), not a certificate: pass the partner's certificate, and keep the key private`;
    }
    if (/CERTIFICATE REQUEST/.test(block.label)) {
        return `${file} holds a certificate request (${name}), not a certificate: have a partner CA sign it, then pass the certificate`;
    }
    return `${file} holds ${name}, not a certificate: pass the partner's certificate`;
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
        return this.#climb(client, now, chain, 0, new Map());
    }

    /** The client certificate, parsed once per distinct certificate; or why it cannot be read. */
    #client(input: string | Uint8Array): Cert | string {
        let der: Buffer<ArrayBuffer>;
        const text = typeof input === "string" ? input : looksLikePem(input) ? Buffer.from(input).toString("utf8") : undefined;
        if (text === undefined) {
            der = Buffer.from(input as Uint8Array);
        } else {
            const blocks = scanPem(text).blocks;
            const block = blocks.find((candidate) => candidate.label === "CERTIFICATE");
            if (!block) {
                return notACertificate(blocks);
            }
            const decoded = certificateDer(block);
            if ("code" in decoded) {
                return `the client certificate file's ${decoded.message}`;
            }
            der = decoded.der;
        }
        const digest = createHash("sha256").update(der).digest("hex");
        let cert = this.#clients.get(digest);
        if (!cert) {
            try {
                cert = new Cert(der);
            } catch {
                return holdsPrivateKey(der)
                    ? "the client certificate holds a private key, not a certificate: pass the partner's certificate, and keep the key private"
                    : "client certificate is not a readable X.509 certificate";
            }
            remember(this.#clients, digest, cert);
        }
        return cert;
    }

    /**
     * Walks up from `child` through its issuer candidates; the first complete chain wins.
     * `refused` remembers the certificates a chain could not be completed from, per CA level.
     */
    async #climb(child: Cert, now: Date, chain: string[], caLevels: number, refused: Map<string, ClientVerdict>): Promise<ClientVerdict> {
        const { groups } = this.#index.candidates(child);
        if (groups.length === 0) {
            return { accepted: false, reason: `issuer ${child.issuer} is not in the truststore`, chain };
        }
        let refusal: ClientVerdict = { accepted: false, reason: `signature of ${child.label} does not verify with the key of ${child.issuer} in the truststore`, chain };
        for (const group of groups) {
            if (!(await this.#index.signedBy(child, group))) {
                continue;
            }
            for (const issuer of group.certs) {
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
                if (await this.#index.selfSigned(issuer)) {
                    return { accepted: true, reason: `chains to ${issuer.label}`, chain: path };
                }
                const seen = `${issuer.fingerprint} ${caLevels + 1}`;
                const above = refused.get(seen) ?? await this.#climb(issuer, now, path, caLevels + 1, refused);
                if (above.accepted) {
                    return above;
                }
                refused.set(seen, above);
                refusal = above;
            }
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
