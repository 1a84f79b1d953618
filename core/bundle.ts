import { X509Certificate } from "node:crypto";

const BEGIN = "-----BEGIN CERTIFICATE-----";
const END = "-----END CERTIFICATE-----";

/**
 * The certificate blocks of a PEM text, in order; other blocks and text are left out. Each
 * block runs from a BEGIN line to the first END line after it. A search, not a lazy regex:
 * the regex tried every BEGIN against the rest of the text, which took seconds on a file of
 * BEGIN lines without END lines.
 */
export function certificateBlocks(pem: string): string[] {
    const blocks: string[] = [];
    for (let from = 0; ;) {
        const begin = pem.indexOf(BEGIN, from);
        const end = begin < 0 ? -1 : pem.indexOf(END, begin + BEGIN.length + 1);
        if (end < 0) {
            return blocks;
        }
        blocks.push(pem.slice(begin, end + END.length));
        from = end + END.length;
    }
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
