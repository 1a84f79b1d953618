// What a bundle holds before any certificate rule applies: its size, its blocks, the text outside
// them, and the certificates that can be read from it. Findings name lines, blocks and PEM types,
// never the text itself. Pure: no AWS, no Pulumi.
import { Cert, Unreadable } from "./cert-index";
import { error, Finding } from "./findings";
import { blockName, certificateDer, holdsPrivateKey, PemBlock, PemScan, StrayKind } from "../x509/pem";
import { MAX_BUNDLE_BYTES, MAX_CERTIFICATES } from "./limits";

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

/**
 * Reads the certificates of a scanned bundle; findings for every block that is not one.
 * `onCert` sees each certificate as soon as it is read.
 */
export function readCertificates(scan: PemScan, onCert?: (cert: Cert) => void): { certs: Cert[]; findings: Finding[] } {
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

/** Findings on the bundle as a whole: too many certificates, none at all, text outside the blocks. */
export function checkBundleShape(text: string, scan: PemScan): Finding[] {
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
export function oversized(bundle: string | Buffer, bytes: number): Finding[] {
    const begin = "-----BEGIN CERTIFICATE-----";
    let count = 0;
    for (let at = bundle.indexOf(begin); at >= 0; at = bundle.indexOf(begin, at + begin.length)) {
        count++;
    }
    return count > MAX_CERTIFICATES ? [bundleTooLarge(bytes), tooManyCertificates(count)] : [bundleTooLarge(bytes)];
}
