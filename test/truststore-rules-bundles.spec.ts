import * as assert from "node:assert/strict";
import { checkTruststore } from "../components/truststorerules";
import { Issued, makeCa, makeCert, sharedKey, toBundle } from "./certs";

// A bundle of many CAs gets the same findings as a small one: lookups by subject, cached
// signature checks and the duplicate check must not lose or invent a finding at scale.
describe("truststore rules on a large bundle", function () {
    this.timeout(60_000);
    let pairs: Issued[];

    before(async () => {
        const key = await sharedKey("p384");
        pairs = (await Promise.all(Array.from({ length: 40 }, async (_, i) => {
            const root = await makeCa(`CN=Partner ${i} Root CA, O=Test`, { key });
            return [root, await makeCert({ subject: `CN=Partner ${i} Issuing CA, O=Test`, issuer: root, key })];
        }))).flat();
    });

    it("finds nothing wrong with 80 good P-384 CA certificates", async () => {
        assert.deepEqual(await checkTruststore(toBundle(pairs)), []);
    });

    it("still finds a forged signature, an issuer that is not a CA and a repeated certificate", async () => {
        const impostor = await makeCa("CN=Partner 3 Root CA, O=Test");
        const forged = await makeCert({ subject: "CN=Forged CA, O=Test", issuer: impostor });
        const notCa = await makeCert({ subject: "CN=Not A CA, O=Test", issuer: pairs[0], ca: false });
        const below = await makeCert({ subject: "CN=Below Leaf, O=Test", issuer: notCa });
        const findings = await checkTruststore(toBundle([...pairs, forged, notCa, below, pairs[5]]));
        assert.deepEqual(findings.map((f) => [f.code, f.subject]).sort(), [
            ["bad-signature", "CN=Forged CA, O=Test"],
            ["duplicate-certificate", "CN=Partner 2 Issuing CA, O=Test"],
            ["issuer-not-ca", "CN=Not A CA, O=Test"],
        ]);
    });
});
