// Real CRLs for tests, signed in memory by the CAs of test/helpers/certs.ts.
import { x509 } from "../../core/x509/x509";
import { daysFrom, Issued } from "./certs";

/** One revoked certificate: its serial (hex) and, optionally, a reason code. */
export interface CrlEntry {
    readonly serial: string;
    readonly reason?: x509.X509CrlReason;
}

export interface CrlOptions {
    /** Default: a day ago. */
    readonly thisUpdate?: Date;
    /** Default: a week after thisUpdate. */
    readonly nextUpdate?: Date;
    /** Sign with this CA's key but name `issuer` as the issuer; default: the issuer signs. */
    readonly signer?: Issued;
}

/** A PEM CRL from `issuer` revoking `entries`, labelled "X509 CRL" as OpenSSL does. EC and RSA (SHA-256) issuers only. */
export async function makeCrl(issuer: Issued, entries: readonly CrlEntry[], options: CrlOptions = {}): Promise<string> {
    const signer = options.signer ?? issuer;
    const thisUpdate = options.thisUpdate ?? daysFrom(new Date(), -1);
    const crl = await x509.X509CrlGenerator.create({
        issuer: issuer.cert.subject,
        thisUpdate,
        nextUpdate: options.nextUpdate ?? daysFrom(thisUpdate, 7),
        signingKey: signer.key.pair.privateKey,
        signingAlgorithm: signer.key.kind.startsWith("rsa") ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" },
        entries: entries.map((e) => ({ serialNumber: e.serial, revocationDate: thisUpdate, reason: e.reason })),
    });
    return crl.toString("pem").replace(/-----(BEGIN|END) CRL-----/g, "-----$1 X509 CRL-----") + "\n";
}
