import { X509Certificate as NativeCertificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { RevokedCertificate } from "@peculiar/asn1-x509";
import * as pulumi from "@pulumi/pulumi";
import { issuerId, serialFromDer } from "../authorizer/decision";
import { x509 } from "./x509";
import { certificateBlocks } from "../truststore/bundle";

/** One certificate a verified CRL revokes. */
export interface CrlRevocation {
    /** `issuerId` of the CA that signed the CRL (and issued the certificate). */
    readonly issuerId: string;
    /** Normalised serial. */
    readonly serial: string;
    readonly reason: string;
}

/** A CRL whose signature verified against a CA of the truststore. */
export interface VerifiedCrl {
    /** Subject of the CA that signed it. */
    readonly issuer: string;
    readonly thisUpdate: Date;
    readonly nextUpdate?: Date;
    readonly revocations: readonly CrlRevocation[];
}

/** A CRL that cannot be trusted; the message names the file, the issuer and the fix. */
export class CrlError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "CrlError";
    }
}


/**
 * The entry's serial from its DER INTEGER. The library's `serialNumber` drops the sign: it gives
 * F5E4D4 both for -0A1B2C (F5 E4 D4) and for F5E4D4 (00 F5 E4 D4).
 */
function entrySerial(entry: x509.X509CrlEntry): string {
    return serialFromDer(new Uint8Array(AsnConvert.parse(entry.rawData, RevokedCertificate).userCertificate));
}

/** "keyCompromise", or the number of a reason code this library does not name. */
function reasonName(reason: x509.X509CrlReason | undefined): string {
    return reason === undefined ? "unspecified" : x509.X509CrlReason[reason] ?? String(reason);
}

/**
 * Verifies each CRL against the CA certificates of the truststore: the CA named as its issuer
 * must have signed it and, when it states key usages, allow CRL signing. Throws a `CrlError`
 * otherwise; a CRL nobody can verify must not decide who gets in. `file` is only for messages.
 */
export async function verifyCrls(crlPems: readonly string[], truststorePem: string, file: string): Promise<VerifiedCrl[]> {
    const cas = certificateBlocks(truststorePem).map((pem) => new x509.X509Certificate(pem));
    const verified: VerifiedCrl[] = [];
    for (const [index, pem] of crlPems.entries()) {
        const crl = new x509.X509Crl(pem);
        const where = `crlFile "${file}" (CRL ${index + 1}, issued by "${crl.issuer}")`;
        const named = cas.filter((ca) => ca.subject === crl.issuer);
        if (named.length === 0) {
            throw new CrlError(`${where} comes from a CA that is not in the truststore; use the CRL of a partner's CA (caCertFile) or of this stack's CA, or remove it`);
        }
        let signer: x509.X509Certificate | undefined;
        for (const ca of named) {
            if (await crl.verify({ publicKey: ca })) {
                signer = ca;
                break;
            }
        }
        if (!signer) {
            throw new CrlError(`${where} has a signature that no CA of that name in the truststore verifies; fetch the CRL again from its CA (it may be altered or from another CA with the same name)`);
        }
        const usages = signer.getExtension(x509.KeyUsagesExtension);
        if (usages && (usages.usages & x509.KeyUsageFlags.cRLSign) === 0) {
            throw new CrlError(`${where} is signed by a CA whose key usage does not include cRLSign; ask the CA for a CRL signed by a key allowed to sign CRLs`);
        }
        const signerId = issuerId(new NativeCertificate(Buffer.from(signer.rawData)).subject);
        verified.push({
            issuer: crl.issuer,
            thisUpdate: crl.thisUpdate,
            nextUpdate: crl.nextUpdate,
            revocations: crl.entries
                // removeFromCRL only appears in delta CRLs: the certificate is no longer revoked.
                .filter((entry) => entry.reason !== x509.X509CrlReason.removeFromCRL)
                .map((entry) => ({
                    issuerId: signerId,
                    serial: entrySerial(entry),
                    reason: `${reasonName(entry.reason)} (CRL)`,
                })),
        });
    }
    return verified;
}

/** A warning for a CRL past its nextUpdate, or undefined: a stale CRL may miss revocations. */
export function staleCrlWarning(crl: VerifiedCrl, file: string, now: Date): string | undefined {
    if (crl.nextUpdate === undefined || crl.nextUpdate >= now) {
        return undefined;
    }
    return `crlFile "${file}": the CRL of "${crl.issuer}" was due for renewal on ${crl.nextUpdate.toISOString()}; fetch the current CRL from that CA and run pulumi up again`;
}
