import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { x509 } from "../../../core/x509/x509";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { certRequest, locallySignedCert, privateKey, selfSignedCert, unsignedInteger } from "../../../tools/simulator/tls";

const caUses = ["cert_signing", "crl_signing"];

/** A root, an intermediate from a request, and a client certificate from it, as PartnerPki makes them. */
async function chain(key: Record<string, unknown>, now = new Date()) {
    const rootKey = privateKey(key);
    const root = await selfSignedCert({
        privateKeyPem: rootKey.privateKeyPem,
        subject: { commonName: "Example partner root CA", organization: "Example Corp" },
        validityPeriodHours: 48,
        isCaCertificate: true,
        allowedUses: caUses,
    }, now);
    const issuingKey = privateKey(key);
    const issuing = await locallySignedCert({
        certRequestPem: (await certRequest({ privateKeyPem: issuingKey.privateKeyPem, subject: { commonName: "Example partner issuing CA" } })).certRequestPem,
        caPrivateKeyPem: rootKey.privateKeyPem,
        caCertPem: root.certPem,
        validityPeriodHours: 24,
        isCaCertificate: true,
        allowedUses: caUses,
    }, now);
    const clientKey = privateKey(key);
    const request = await certRequest({ privateKeyPem: clientKey.privateKeyPem, subject: { commonName: "acme.partners.example.com", organization: "Acme Bank" } });
    const client = await locallySignedCert({
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: issuingKey.privateKeyPem,
        caCertPem: issuing.certPem,
        validityPeriodHours: 12,
        allowedUses: ["client_auth", "digital_signature"],
    }, now);
    return { root, issuing, client, request, clientKey };
}

describe("tls mocks", () => {
    for (const key of [
        { algorithm: "ECDSA", ecdsaCurve: "P256" },
        { algorithm: "ECDSA", ecdsaCurve: "P384" },
        { algorithm: "RSA", rsaBits: 2048 },
        { algorithm: "ED25519" },
    ]) {
        const label = [key.algorithm, key.ecdsaCurve ?? key.rsaBits].filter(Boolean).join(" ");
        it(`issues a chain that verifies, with ${label} keys`, async () => {
            const { root, issuing, client } = await chain(key);
            const [r, i, c] = [root, issuing, client].map((cert) => new X509Certificate(cert.certPem));
            assert.ok(r.verify(r.publicKey));
            assert.ok(i.checkIssued(r) && i.verify(r.publicKey));
            assert.ok(c.checkIssued(i) && c.verify(i.publicKey));
            assert.equal(r.ca, true);
            assert.equal(i.ca, true);
            assert.equal(c.ca, false);
        });
    }

    it("writes the subject, key usages and key identifiers the inputs ask for", async () => {
        const { issuing, client, clientKey } = await chain({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const cert = new x509.X509Certificate(client.certPem);
        const ca = new x509.X509Certificate(issuing.certPem);
        assert.equal(cert.subject, "O=Acme Bank, CN=acme.partners.example.com");
        assert.equal(cert.issuer, "CN=Example partner issuing CA");
        assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
        assert.equal(cert.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature);
        assert.deepEqual([...(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])], [x509.ExtendedKeyUsage.clientAuth]);
        assert.equal(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
        const expectedKeyId = await x509.SubjectKeyIdentifierExtension.create(ca.publicKey);
        assert.equal(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId, expectedKeyId.keyId);
        assert.equal(ca.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
        assert.equal(new X509Certificate(client.certPem).publicKey.export({ type: "spki", format: "pem" }), clientKey.publicKeyPem);
    });

    it("writes a request that verifies and names its subject", async () => {
        const { request } = await chain({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const parsed = new x509.Pkcs10CertificateRequest(request.certRequestPem);
        assert.equal(parsed.subject, "O=Acme Bank, CN=acme.partners.example.com");
        assert.ok(await parsed.verify());
    });

    it("keeps non-ASCII names and dates after 2049 readable", async () => {
        const key = privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const now = new Date("2049-12-31T12:00:00.750Z");
        const cert = await selfSignedCert({
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: "Bänk & Co", country: "DE" },
            validityPeriodHours: 24,
            isCaCertificate: true,
            allowedUses: caUses,
        }, now);
        const parsed = new x509.X509Certificate(cert.certPem);
        assert.equal(parsed.subject, "C=DE, CN=Bänk & Co");
        assert.equal(parsed.notBefore.toISOString(), "2049-12-31T12:00:00.000Z");
        assert.equal(parsed.notAfter.toISOString(), "2050-01-01T12:00:00.000Z");
        assert.equal(cert.validityStartTime, "2049-12-31T12:00:00Z");
    });

    it("makes positive serial numbers in minimal DER", async () => {
        const key = privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        for (let i = 0; i < 50; i++) {
            const cert = await selfSignedCert({ privateKeyPem: key.privateKeyPem, subject: { commonName: "serial" }, validityPeriodHours: 1 });
            // Libraries print the serial's magnitude; the DER INTEGER itself is what must be minimal.
            const der = new X509Certificate(cert.certPem).raw;
            const value = Buffer.from(AsnConvert.parse(der, Certificate).tbsCertificate.serialNumber);
            assert.equal(value[0] & 0x80, 0, `serial ${value.toString("hex")} is negative`);
            assert.ok(!(value[0] === 0 && value.length > 1 && !(value[1] & 0x80)), `serial ${value.toString("hex")} has a needless leading zero byte`);
        }
        const encoded = (hex: string) => Buffer.from(unsignedInteger(Buffer.from(hex, "hex"))).toString("hex");
        assert.equal(encoded("0092"), "0092");
        assert.equal(encoded("000005"), "05");
        assert.equal(encoded("80"), "0080");
        assert.equal(encoded(""), "00");
    });
});
