import { strict as assert } from "node:assert";
import { caCommonName, generationName, PartnerPki } from "../../components/partner-pki";
import { createPublicKey, X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { x509 } from "../../core/x509/x509";
import { makeRequest } from "../helpers/csrs";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("PartnerPki", () => {
        const partners = [
            { kind: "generated" as const, name: "acme", access: [], commonName: "acme.partners.example.com", organization: "Acme", generation: 1 },
            { kind: "generated" as const, name: "initech", access: [], commonName: "initech", organization: "Initech", generation: 1 },
        ];

        it("issues each partner a client certificate that chains through the intermediate to the root", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners });
            const [intermediate, root] = (await valueOf(pki.caCertificatePems)).map((pem) => new X509Certificate(pem));
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(root.ca && intermediate.ca, "both CA certificates are CAs");
            assert.equal(root.subject, root.issuer);
            assert.ok(intermediate.checkIssued(root) && intermediate.verify(root.publicKey), "the root signed the intermediate");
            assert.ok(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey), "the intermediate signed the leaf");
            assert.equal(leaf.ca, false);
            assert.match(leaf.subject, /CN=acme.partners.example.com/);

            const resources = await capture.settled();
            assert.deepEqual(only(resources, "tls:index/selfSignedCert:SelfSignedCert").inputs.allowedUses, ["cert_signing", "crl_signing"]);
            assert.equal(only(resources, "tls:index/selfSignedCert:SelfSignedCert").inputs.validityPeriodHours, 400 * 24);
            const leafInputs = only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-acme-cert").inputs;
            assert.deepEqual(leafInputs.allowedUses, ["client_auth", "digital_signature"]);
            assert.equal(leafInputs.validityPeriodHours, 7 * 24);
            assert.equal(only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-intermediate").inputs.isCaCertificate, true);
            assert.equal(allOf(resources, "tls:index/privateKey:PrivateKey").length, 4, "root, intermediate and one key per partner");
        });

        it("wraps every partner private key in a secret and leaves certificates plain", async () => {
            await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners });
            for (const name of ["acme", "initech"]) {
                const { privateKeyPem, certificatePem } = pki.partners[name];
                assert.ok(privateKeyPem, `${name} has a key`);
                assert.equal(await pulumi.isSecret(privateKeyPem), true, `${name}'s key is secret`);
                assert.equal(await pulumi.isSecret(certificatePem), false, `${name}'s certificate is not`);
                assert.match(await valueOf(privateKeyPem), /-----BEGIN EC PRIVATE KEY-----/);
            }
        });

        it("signs a partner's own request with the issuing CA, and makes no key or request for it", async () => {
            const capture = await captureResources();
            const { pem } = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
            const pki = new PartnerPki("pki", {
                organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7,
                partners: [{ kind: "csr", name: "hooli", access: [], csrFile: "partners/hooli.csr", csrPem: pem, generation: 1 }],
            });
            assert.equal(pki.partners.hooli.privateKeyPem, undefined);
            const [intermediate] = (await valueOf(pki.caCertificatePems)).map((p) => new X509Certificate(p));
            const leaf = new X509Certificate(await valueOf(pki.partners.hooli.certificatePem));
            assert.ok(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey), "the intermediate signed it");
            assert.ok(leaf.publicKey.equals(createPublicKey(new x509.Pkcs10CertificateRequest(pem).publicKey.toString("pem"))), "for the request's key");
            const resources = await capture.settled();
            const signed = only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-hooli-cert").inputs;
            assert.equal(signed.certRequestPem, pem);
            assert.deepEqual(signed.allowedUses, ["client_auth", "digital_signature"]);
            assert.equal(signed.validityPeriodHours, 7 * 24);
            assert.deepEqual(allOf(resources, "tls:index/privateKey:PrivateKey").map((k) => k.name).sort(), ["pki-intermediate-key", "pki-root-key"]);
            assert.deepEqual(allOf(resources, "tls:index/certRequest:CertRequest").map((r) => r.name), ["pki-intermediate-csr"]);
        });

        it("signs partners with the root itself when there is no intermediate, using the configured key algorithm", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "RSA-2048", intermediateCa: false, caValidityDays: 400, partnerValidityDays: 7, partners: partners.slice(0, 1) });
            const chain = await valueOf(pki.caCertificatePems);
            assert.equal(chain.length, 1);
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(leaf.verify(new X509Certificate(chain[0]).publicKey));
            const keys = allOf(await capture.settled(), "tls:index/privateKey:PrivateKey");
            assert.deepEqual(keys.map((k) => [k.inputs.algorithm, k.inputs.rsaBits]), [["RSA", 2048], ["RSA", 2048]]);
            assert.equal(leaf.publicKey.asymmetricKeyType, "rsa");
        });
    });

    describe("PartnerPki generations", () => {
        const base = { organization: "Example", keyAlgorithm: "ECDSA-P256" as const, caValidityDays: 400, partnerValidityDays: 7 };

        it("names generation 1 as before and a later one with a -g<n> suffix, and the CA's common name likewise", () => {
            assert.equal(generationName("pki-acme-key", 1), "pki-acme-key");
            assert.equal(generationName("pki-acme-key", 3), "pki-acme-key-g3");
            assert.equal(caCommonName("Example", "root", 1), "Example partner root CA");
            assert.equal(caCommonName("Example", "issuing", 2), "Example partner issuing CA G2");
        });

        it("gives a partner of a later generation a new key, request and certificate, and leaves the others' names alone", async () => {
            const capture = await captureResources();
            new PartnerPki("pki", {
                ...base,
                partners: [
                    { kind: "generated", name: "acme", access: [], commonName: "acme", organization: "Acme", generation: 2 },
                    { kind: "generated", name: "initech", access: [], commonName: "initech", organization: "Initech", generation: 1 },
                ],
            });
            const names = (await capture.settled()).filter((r) => r.type.startsWith("tls:")).map((r) => r.name).sort();
            assert.deepEqual(names, [
                "pki-acme-cert-g2", "pki-acme-csr-g2", "pki-acme-key-g2",
                "pki-initech-cert", "pki-initech-csr", "pki-initech-key",
                "pki-intermediate", "pki-intermediate-csr", "pki-intermediate-key", "pki-root", "pki-root-key",
            ]);
        });

        it("keeps every CA generation for the truststore and issues partners from the active one", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", {
                ...base,
                caGenerations: [1, 2],
                activeCaGeneration: 2,
                partners: [{ kind: "generated", name: "acme", access: [], commonName: "acme", organization: "Acme", generation: 1 }],
            });
            const all = (await valueOf(pki.caCertificatePems)).map((pem) => new X509Certificate(pem));
            assert.deepEqual(all.map((c) => c.subject.split("\n").pop()), [
                "CN=Example partner issuing CA", "CN=Example partner root CA", "CN=Example partner issuing CA G2", "CN=Example partner root CA G2",
            ]);
            const [issuing, root] = (await valueOf(pki.activeChainPems)).map((pem) => new X509Certificate(pem));
            assert.match(root.subject, /CN=Example partner root CA G2$/);
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey), "the G2 issuing CA signed the partner");
            const names = (await capture.settled()).filter((r) => r.type.startsWith("tls:")).map((r) => r.name);
            for (const name of ["pki-root-key", "pki-root", "pki-intermediate", "pki-root-key-g2", "pki-root-g2", "pki-intermediate-key-g2", "pki-intermediate-csr-g2", "pki-intermediate-g2", "pki-acme-cert"]) {
                assert.ok(names.includes(name), name);
            }
        });
    });
});
