import * as assert from "node:assert/strict";
import { tlsLeafValidityLimited as policy } from "../../../policy/rules/tls-leaf-validity-limited";
import { resource, unknownValue, violations } from "../../helpers/policy-args";

const leaf = (validityPeriodHours: unknown, props: Record<string, unknown> = {}) => resource("tls:index/locallySignedCert:LocallySignedCert", "acme", {
    allowedUses: ["client_auth"], validityPeriodHours, ...props,
});

describe("policy tls-leaf-validity-limited", () => {
    it("accepts a client certificate of 397 days, and a CA of ten years", async () => {
        assert.deepEqual(await violations(policy, [leaf(397 * 24), leaf(87600, { isCaCertificate: true })]), []);
    });

    it("reports a client certificate that lives longer, as advisory", async () => {
        const found = await violations(policy, leaf(398 * 24));
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "advisory");
        assert.equal(found[0].message, 'tls:index/locallySignedCert:LocallySignedCert "acme": validityPeriodHours is 9552 (398 days); ' +
            "set it to 9528 (397 days) or less and renew the certificate before it ends");
    });

    it("checks self-signed leaf certificates too", async () => {
        const selfSigned = resource("tls:index/selfSignedCert:SelfSignedCert", "test-client", { allowedUses: ["client_auth"], validityPeriodHours: 87600 });
        assert.equal((await violations(policy, selfSigned)).length, 1);
    });

    it("takes the maximum from config, and can be made mandatory", async () => {
        const found = await violations(policy, leaf(91 * 24), { enforcementLevel: "mandatory", maxLeafValidityDays: 90 });
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "mandatory");
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await violations(policy, [leaf(unknownValue), leaf(87600, { isCaCertificate: unknownValue })]), []);
    });
});
