import type { ExternalPartner, IssuedPartner, Partner } from "./partners";

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
