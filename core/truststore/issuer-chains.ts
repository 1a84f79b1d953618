// The chain above each issuing CA of a truststore, for the authorizer: API Gateway passes it the
// client certificate alone, so a revoked intermediate or root can only be found from the bundle
// the stack uploads. Pure: no AWS, no Pulumi.
import { X509Certificate } from "node:crypto";
import { certificateBlocks } from "./bundle";
import { certificateSerial, ChainLink, issuerId } from "../authorizer/decision";

/**
 * By `issuerId` of each subject in the bundle: every certificate of the bundle with that subject
 * and every CA certificate above them (by issuer name and signature) up to their roots. Several
 * certificates of one subject (a renewed or cross-signed CA) are all listed: a client certificate
 * does not say which one API Gateway chained it to, so a revoked one denies it.
 */
export function issuerChains(bundlePem: string): Record<string, ChainLink[]> {
    const certificates = certificateBlocks(bundlePem).map((pem) => new X509Certificate(pem));
    const bySubject = new Map<string, X509Certificate[]>();
    for (const certificate of certificates) {
        bySubject.set(certificate.subject, [...(bySubject.get(certificate.subject) ?? []), certificate]);
    }
    // Each certificate's issuers, verified once: up to 1,000 certificates share the CAs above them.
    const verified = new Map<X509Certificate, X509Certificate[]>();
    const issuers = (certificate: X509Certificate) => {
        let found = verified.get(certificate);
        if (found === undefined) {
            found = (bySubject.get(certificate.issuer) ?? []).filter((issuer) => issuer !== certificate && certificate.verify(issuer.publicKey));
            verified.set(certificate, found);
        }
        return found;
    };
    const chains: Record<string, ChainLink[]> = {};
    for (const [subject, named] of bySubject) {
        const seen = new Set<X509Certificate>();
        const links: ChainLink[] = [];
        for (let pending = [...named]; pending.length > 0;) {
            const certificate = pending.pop() as X509Certificate;
            if (seen.has(certificate)) {
                continue;
            }
            seen.add(certificate);
            links.push({ issuer: issuerId(certificate.issuer), serial: certificateSerial(certificate) });
            pending.push(...issuers(certificate));
        }
        chains[issuerId(subject)] = links;
    }
    return chains;
}
