// Certificates and CRLs whose serials are the DER INTEGERs a test asks for, negative ones
// included. @peculiar/x509 makes every serial positive, as RFC 5280 asks; CAs in the field do
// not all comply, and OpenSSL and Node.js read their certificates and CRLs all the same.
import { KeyObject, sign } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, CertificateList } from "@peculiar/asn1-x509";
import { x509 } from "../../core/x509/x509";
import { Issued, makeLeaf } from "./certs";
import { makeCrl } from "./crls";

/** DER content octets from hex: "f5e4d4" is the negative serial -0x0A1B2C. */
function octets(hex: string): ArrayBuffer {
    return Uint8Array.from(Buffer.from(hex, "hex")).buffer;
}

/** Signs DER as makeCert and makeCrl do (SHA-256, ECDSA or RSA PKCS#1 v1.5). */
function signature(der: ArrayBuffer, signer: Issued): ArrayBuffer {
    const bytes = sign("sha256", Buffer.from(der), { key: KeyObject.from(signer.key.pair.privateKey), dsaEncoding: "der" });
    return Uint8Array.from(bytes).buffer;
}

/** A client certificate issued by `issuer` whose serial's DER content octets are `serialHex`. */
export async function makeLeafWithSerial(subject: string, issuer: Issued, serialHex: string): Promise<Issued> {
    const made = await makeLeaf(subject, issuer);
    const asn = AsnConvert.parse(made.cert.rawData, Certificate);
    asn.tbsCertificate.serialNumber = octets(serialHex);
    const resigned = new Certificate({ tbsCertificate: asn.tbsCertificate, signatureAlgorithm: asn.signatureAlgorithm });
    resigned.signatureValue = signature(AsnConvert.serialize(asn.tbsCertificate), issuer);
    const cert = new x509.X509Certificate(AsnConvert.serialize(resigned));
    return { cert, key: made.key, pem: cert.toString("pem") + "\n" };
}

/** A PEM CRL from `issuer` revoking the serials whose DER content octets are `serialHexes`. */
export async function makeCrlWithSerials(issuer: Issued, serialHexes: readonly string[]): Promise<string> {
    // Placeholders of the same count, replaced below: the generator would make each serial positive.
    const made = new x509.X509Crl(await makeCrl(issuer, serialHexes.map((_, index) => ({ serial: (index + 1).toString(16).padStart(2, "0") }))));
    const asn = AsnConvert.parse(made.rawData, CertificateList);
    asn.tbsCertList.revokedCertificates?.forEach((entry, index) => (entry.userCertificate = octets(serialHexes[index])));
    const resigned = new CertificateList({ tbsCertList: asn.tbsCertList, signatureAlgorithm: asn.signatureAlgorithm });
    resigned.signature = signature(AsnConvert.serialize(asn.tbsCertList), issuer);
    return new x509.X509Crl(AsnConvert.serialize(resigned)).toString("pem").replace(/-----(BEGIN|END) CRL-----/g, "-----$1 X509 CRL-----") + "\n";
}
