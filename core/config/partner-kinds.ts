import { X509Certificate } from "node:crypto";
import { certificateBlocks } from "../truststore/bundle";
import type { ExternalPartner, IssuedPartner, Partner } from "./partners";
import { ConfigError } from "./values";

/** The partners of a stack by who issues their certificates: our CA (generated or from a request), or their own CA. */
export interface PartnersByIssuer {
    readonly issued: readonly IssuedPartner[];
    readonly ownCa: readonly ExternalPartner[];
}

/** Splits the configured partners by who issues their client certificates, keeping their order. */
export function partnersByIssuer(partners: readonly Partner[]): PartnersByIssuer {
    return {
        issued: partners.flatMap((p) => (p.kind === "external" ? [] : [p])),
        ownCa: partners.flatMap((p) => (p.kind === "external" ? [p] : [])),
    };
}

/**
 * Refuses two partners given the same CA (by subject: the authorizer names a CA's certificates by
 * its subject): every certificate of that CA would be named after one of them, which would then
 * carry the other's calls on its key and plan.
 */
export function refuseSharedCas(partners: readonly Partner[]): void {
    const owners = new Map<string, ExternalPartner>();
    for (const partner of partners) {
        if (partner.kind !== "external") {
            continue;
        }
        for (const pem of certificateBlocks(partner.caCertPem)) {
            const subject = new X509Certificate(pem).subject.replace(/\n/g, ", ");
            const owner = owners.get(subject);
            if (owner !== undefined && owner.name !== partner.name) {
                const files = owner.caCertFile === partner.caCertFile ? `caCertFile "${owner.caCertFile}"` : `caCertFile "${owner.caCertFile}" and "${partner.caCertFile}"`;
                throw new ConfigError(`partners "${owner.name}" and "${partner.name}" are both given the CA "${subject}" (${files}), so its certificates would count as one partner's, on that partner's key and plan; give the CA to one partner only`);
            }
            owners.set(subject, partner);
        }
    }
}
