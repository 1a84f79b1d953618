import { X509Certificate } from "node:crypto";
import { isComplete, scanPem } from "../x509/pem";

/**
 * The certificate blocks of a PEM text, in order, as scanPem reads them (the truststore rules
 * read the same blocks); other blocks and text are left out. A CERTIFICATE block without its own
 * END line is kept without one, so that a caller that parses every block refuses the file
 * instead of dropping a certificate unseen.
 */
export function certificateBlocks(pem: string): string[] {
    return scanPem(pem).blocks
        .filter((block) => block.label === "CERTIFICATE")
        .map((block) => {
            const body = block.body.filter((line) => line !== "").join("\n");
            const end = isComplete(block) ? "\n-----END CERTIFICATE-----" : "";
            return `-----BEGIN CERTIFICATE-----\n${body}${end}`;
        });
}

/**
 * Joins CA certificates into one truststore bundle: every certificate once (by its DER
 * fingerprint), re-encoded as canonical PEM, ordered by subject then fingerprint so that
 * reordering partners in config does not produce a new truststore version.
 */
export function buildBundle(pems: readonly string[]): string {
    const byFingerprint = new Map<string, X509Certificate>();
    for (const block of pems.flatMap(certificateBlocks)) {
        const certificate = new X509Certificate(block);
        byFingerprint.set(certificate.fingerprint256, certificate);
    }
    return [...byFingerprint.values()]
        .sort((a, b) => a.subject.localeCompare(b.subject) || a.fingerprint256.localeCompare(b.fingerprint256))
        .map((certificate) => certificate.toString().trim() + "\n")
        .join("");
}
