import { X509Certificate } from "node:crypto";
import { certificateBlocks } from "../truststore/bundle";

const DAY_MS = 86_400_000;

/** When one certificate of the stack ends. */
export interface CertificateExpiry {
    /** "truststore" for a CA in the bundle, "partner" for a client certificate we issued. */
    readonly kind: "truststore" | "partner";
    /** The CA's subject, or the partner's name. */
    readonly name: string;
    /** ISO 8601. */
    readonly notAfter: string;
}

const notAfter = (certificate: X509Certificate) => new Date(certificate.validTo).toISOString();
const soonestFirst = (a: CertificateExpiry, b: CertificateExpiry) => a.notAfter.localeCompare(b.notAfter) || a.name.localeCompare(b.name);

/** Every issued partner certificate (by partner name), soonest to expire first. */
export function partnerExpiry(partnerCertificates: Readonly<Record<string, string>>): CertificateExpiry[] {
    return Object.entries(partnerCertificates)
        .map(([name, pem]): CertificateExpiry => ({ kind: "partner", name, notAfter: notAfter(new X509Certificate(pem)) }))
        .sort(soonestFirst);
}

/** Every CA of the truststore bundle and every issued partner certificate, soonest to expire first. */
export function expiryOf(truststorePem: string, partnerCertificates: Readonly<Record<string, string>>): CertificateExpiry[] {
    const cas = certificateBlocks(truststorePem).map((pem): CertificateExpiry => {
        const certificate = new X509Certificate(pem);
        return { kind: "truststore", name: certificate.subject.split("\n").join(", "), notAfter: notAfter(certificate) };
    });
    return [...cas, ...partnerExpiry(partnerCertificates)].sort(soonestFirst);
}

/**
 * A warning for each partner certificate that ends within `days` of `now`, with what to do.
 * CAs are not repeated here: the truststore's own check warns about them with the same window.
 */
export function partnerExpiryWarnings(entries: readonly CertificateExpiry[], days: number, now: Date): string[] {
    return entries.flatMap((entry) => {
        const left = Math.floor((Date.parse(entry.notAfter) - now.getTime()) / DAY_MS);
        if (entry.kind !== "partner" || left > days) {
            return [];
        }
        return [`the certificate of partner "${entry.name}" expires on ${entry.notAfter}, in ${left} day(s); ` +
            `bump its partners[].generation, run pulumi up and hand the partner its new certificate (and key, if we generated it)`];
    });
}
