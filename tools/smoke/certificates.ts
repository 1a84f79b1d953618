// Throwaway certificates for talking mutual TLS with an endpoint under test: fresh self-signed
// client certificates that no truststore can contain (the smoke checks' outsider, local mode's
// untrusted client) and a one-run CA with a server certificate (local mode's domain, test servers).
import { KeyObject, randomBytes } from "node:crypto";
import { x509 } from "../../core/x509/x509";

const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A certificate and its private key, both PEM; the key is a secret. */
export interface KeyedCertificate {
    readonly certPem: string;
    readonly keyPem: string;
}

/** What a local server presents: its certificate and key, and the CA that clients must trust. */
export interface ServerCredentials extends KeyedCertificate {
    readonly caPem: string;
}

function newKeys(): Promise<CryptoKeyPair> {
    // The global WebCrypto (the same object as node:crypto's webcrypto) is typed by the DOM lib,
    // as @peculiar/x509 expects; @types/node 24's own KeyUsage has values the DOM lib lacks.
    return crypto.subtle.generateKey(ecdsa, true, ["sign", "verify"]);
}

/** A positive 128-bit serial, hex. */
function serial(): string {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes.toString("hex");
}

function keyPem(key: CryptoKey): string {
    return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * A one-run CA and a server certificate from it for `domainName` (and localhost, 127.0.0.1),
 * valid for 30 days from an hour ago. The CA key is dropped once the certificate is signed.
 */
export async function issueServerCredentials(domainName: string, caName: string, now = new Date()): Promise<ServerCredentials> {
    const notBefore = new Date(now.getTime() - HOUR);
    const notAfter = new Date(now.getTime() + 30 * DAY);
    const caKeys = await newKeys();
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=${caName}`,
        notBefore,
        notAfter,
        keys: caKeys,
        signingAlgorithm: ecdsa,
        extensions: [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
            await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
        ],
    });
    const serverKeys = await newKeys();
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${domainName}`,
        issuer: ca.subject,
        notBefore,
        notAfter,
        publicKey: serverKeys.publicKey,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ecdsa,
        extensions: [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
            new x509.SubjectAlternativeNameExtension([
                { type: "dns", value: domainName },
                { type: "dns", value: "localhost" },
                { type: "ip", value: "127.0.0.1" },
            ]),
            await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        ],
    });
    return { caPem: ca.toString("pem") + "\n", certPem: cert.toString("pem") + "\n", keyPem: keyPem(serverKeys.privateKey) };
}

/** A fresh self-signed client certificate (not a CA): what an outsider would present. */
export async function selfSignedClient(commonName: string, now = new Date()): Promise<KeyedCertificate> {
    const keys = await newKeys();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: `CN=${commonName}`,
        notBefore: new Date(now.getTime() - HOUR),
        notAfter: new Date(now.getTime() + 30 * DAY),
        keys,
        signingAlgorithm: ecdsa,
        extensions: [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        ],
    });
    return { certPem: cert.toString("pem") + "\n", keyPem: keyPem(keys.privateKey) };
}
