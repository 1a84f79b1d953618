import * as assert from "node:assert/strict";
import { tlsCertificateUses as policy } from "../../../policy/rules/tls-certificate-uses";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const root = (props: Record<string, unknown> = {}) => resource("tls:index/selfSignedCert:SelfSignedCert", "root", {
    isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"], validityPeriodHours: 87600, ...props,
});
const leaf = (props: Record<string, unknown> = {}) => resource("tls:index/locallySignedCert:LocallySignedCert", "acme", {
    allowedUses: ["digital_signature", "client_auth"], validityPeriodHours: 8760, ...props,
});

describe("policy tls-certificate-uses", () => {
    it("accepts a CA with cert_signing and a client certificate with client_auth", async () => {
        assert.deepEqual(await messages(policy, [root(), leaf(), leaf({ isCaCertificate: true, allowedUses: ["cert_signing"] })]), []);
    });

    it("rejects a CA certificate without cert_signing", async () => {
        assert.deepEqual(await messages(policy, root({ allowedUses: ["crl_signing"] })), [
            'tls:index/selfSignedCert:SelfSignedCert "root": allowedUses is [crl_signing], which lacks cert_signing for a CA certificate; add "cert_signing" to allowedUses',
        ]);
    });

    it("rejects a leaf certificate without client_auth, on self-signed and locally signed certificates", async () => {
        const found = await messages(policy, [leaf({ allowedUses: ["server_auth"] }), root({ isCaCertificate: false, allowedUses: [] })]);
        assert.equal(found.length, 2);
        assert.match(found[0], /^tls:index\/locallySignedCert:LocallySignedCert "acme": allowedUses is \[server_auth\], which lacks client_auth for a client certificate; add "client_auth"/);
        assert.match(found[1], /^tls:index\/selfSignedCert:SelfSignedCert "root": allowedUses is \[\], which lacks client_auth/);
    });

    it("takes the required uses from config", async () => {
        assert.equal((await messages(policy, leaf(), { requiredLeafUses: ["client_auth", "key_agreement"] })).length, 1);
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await messages(policy, [leaf({ allowedUses: unknownValue }), leaf({ allowedUses: ["server_auth", unknownValue] }), root({ isCaCertificate: unknownValue })]), []);
    });
});
