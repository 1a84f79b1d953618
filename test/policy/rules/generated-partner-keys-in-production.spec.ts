import * as assert from "node:assert/strict";
import { devAndProdResources } from "../../helpers/outputs";
import type { CapturedResource } from "../../../tools/simulator/program";
import { PackResource } from "../../../policy/evaluate";
import { generatedPartnerKeysInProduction as policy } from "../../../policy/rules/generated-partner-keys-in-production";
import { messages, mutate, resource, unknownValue, violations } from "../../helpers/policy-args";

const types = {
    key: "tls:index/privateKey:PrivateKey",
    request: "tls:index/certRequest:CertRequest",
    signed: "tls:index/locallySignedCert:LocallySignedCert",
    selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
} as const;

const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::apigw-mtls::${type}::${name}`;

/**
 * A stack's PKI as the program builds it: a root CA, a partner from a request (no key of ours)
 * and a generated partner (key, request, client certificate), linked by their values.
 */
function pki(stack = "dev"): PackResource[] {
    const at = (type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
        resource(type, name, inputs, { urn: urn(stack, type, name), outputs });
    return [
        at(types.key, "pki-root-key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, { privateKeyPem: "ROOT KEY" }),
        at(types.selfSigned, "pki-root", { privateKeyPem: "ROOT KEY", isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"] }, { certPem: "ROOT" }),
        at(types.signed, "pki-hooli-cert", { certRequestPem: "HOOLI'S OWN REQUEST", caPrivateKeyPem: "ROOT KEY", caCertPem: "ROOT", allowedUses: ["client_auth", "digital_signature"] }),
        at(types.key, "pki-acme-key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, { privateKeyPem: "ACME KEY" }),
        at(types.request, "pki-acme-csr", { privateKeyPem: "ACME KEY" }, { certRequestPem: "ACME REQUEST" }),
        at(types.signed, "pki-acme-cert", { certRequestPem: "ACME REQUEST", caPrivateKeyPem: "ROOT KEY", caCertPem: "ROOT", allowedUses: ["client_auth", "digital_signature"] }),
    ];
}

const isAcmeCert = (r: PackResource) => r.name === "pki-acme-cert";
const fix = "onboard from a CSR instead: the partner makes its key and sends a certificate request (partners entry {name, csrFile}), or brings its own CA ({name, caCertFile})";

describe("policy generated-partner-keys-in-production", () => {
    it("accepts generated partner keys in a stack that is not production", async () => {
        assert.deepEqual(await violations(policy, pki("dev")), []);
    });

    it("reports a generated partner key in the prod stack, as advisory, with the fix", async () => {
        const found = await violations(policy, pki("prod"));
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "advisory");
        assert.equal(found[0].urn, urn("prod", types.key, "pki-acme-key"));
        assert.equal(found[0].message, 'tls:index/privateKey:PrivateKey "pki-acme-key": the private key of the client certificate ' +
            'tls:index/locallySignedCert:LocallySignedCert "pki-acme-cert" is generated in production stack "prod", ' +
            `so it lives in this stack's state and must be sent to the partner; ${fix}`);
    });

    it("takes the production stacks from config, a trailing * matching any rest, and can be made mandatory", async () => {
        assert.deepEqual(await violations(policy, pki("prod-eu")), []);
        assert.equal((await violations(policy, pki("prod-eu"), { productionStacks: ["prod-*"] })).length, 1);
        const found = await violations(policy, pki("dev"), { enforcementLevel: "mandatory", productionStacks: ["dev"] });
        assert.deepEqual(found.map(v => v.enforcementLevel), ["mandatory"]);
    });

    it("leaves the key of a CA alone, though a request of it is signed", async () => {
        assert.deepEqual(await violations(policy, mutate(pki("prod"), types.signed, p => { p.isCaCertificate = true; }, isAcmeCert)), []);
    });

    it("leaves a key alone whose certificate does not allow client_auth", async () => {
        assert.deepEqual(await violations(policy, mutate(pki("prod"), types.signed, p => { p.allowedUses = ["server_auth"]; }, isAcmeCert)), []);
    });

    it("leaves a key alone whose request nothing signs", async () => {
        assert.deepEqual(await violations(policy, mutate(pki("prod"), types.signed, p => { p.certRequestPem = "ANOTHER REQUEST"; }, isAcmeCert)), []);
    });

    it("reports a generated key of a self-signed client certificate", async () => {
        const selfSigned = mutate(pki("prod"), types.selfSigned, p => { p.isCaCertificate = false; p.allowedUses = ["client_auth"]; });
        assert.deepEqual((await violations(policy, selfSigned)).map(v => v.urn), [urn("prod", types.key, "pki-root-key"), urn("prod", types.key, "pki-acme-key")]);
    });

    it("links key, request and certificate by their dependencies while values are unknown during preview", async () => {
        const preview = pki("prod").map((r): PackResource => {
            if (r.name === "pki-acme-csr") {
                return { ...r, inputs: { privateKeyPem: unknownValue }, outputs: { certRequestPem: unknownValue }, propertyDependencies: { privateKeyPem: [urn("prod", types.key, "pki-acme-key")] } };
            }
            if (r.name === "pki-acme-cert") {
                return { ...r, inputs: { ...r.inputs, certRequestPem: unknownValue }, propertyDependencies: { certRequestPem: [urn("prod", types.request, "pki-acme-csr")] } };
            }
            return r.name === "pki-acme-key" ? { ...r, outputs: { privateKeyPem: unknownValue } } : r;
        });
        assert.deepEqual((await violations(policy, preview)).map(v => v.urn), [urn("prod", types.key, "pki-acme-key")]);
    });

    it("skips a certificate whose uses are unknown during preview", async () => {
        assert.deepEqual(await violations(policy, mutate(pki("prod"), types.signed, p => { p.allowedUses = unknownValue; }, isAcmeCert)), []);
    });

    describe("over the program under mocks", () => {
        let dev: CapturedResource[];
        let prod: CapturedResource[];
        before(async function () {
            this.timeout(300_000);
            ({ dev, prod } = await devAndProdResources());
        });

        it("flags exactly the generated partners of dev taken as production, not the CSR partner or the CA keys", async () => {
            const found = await messages(policy, dev, { productionStacks: ["dev"] });
            assert.deepEqual(found.map(m => /^tls:index\/privateKey:PrivateKey "([^"]+)"/.exec(m)?.[1]).sort(), ["pki-acme-bank-key", "pki-initech-key"]);
        });

        it("passes the prod stack, whose partners bring a request or their own CA", async () => {
            assert.deepEqual(await violations(policy, prod), []);
        });
    });
});
