import { X509Certificate } from "node:crypto";

const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificate blocks of a PEM text, in order; other blocks and text are left out. */
export function certificateBlocks(pem: string): string[] {
    return pem.match(certificateBlock) ?? [];
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
