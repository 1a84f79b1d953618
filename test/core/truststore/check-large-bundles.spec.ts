import * as assert from "node:assert/strict";
import { checkTruststore } from "../../../core/truststore/check";
import { x509 } from "../../../core/x509/x509";
import { Issued, Key, makeCa, makeCert, makeKey, sharedKey, toBundle } from "../../helpers/certs";

/** The fastest of three checks of each bundle, taken in turns after one untimed check of each. */
async function fastestChecks(bundles: readonly string[]): Promise<number[]> {
    const best = bundles.map(() => Infinity);
    for (let round = 0; round < 4; round++) {
        for (const [i, bundle] of bundles.entries()) {
            const started = performance.now();
            await checkTruststore(bundle);
            if (round > 0) {
                best[i] = Math.min(best[i], performance.now() - started);
            }
        }
    }
    return best;
}

/** `count` self-signed CAs with fresh P-256 keys, named by `subject(i)`. */
async function selfSignedCas(count: number, subject: (i: number) => string, key?: Key): Promise<Issued[]> {
    return Promise.all(Array.from({ length: count }, async (_, i) => makeCa(subject(i), { key: key ?? await makeKey("p256") })));
}

/** A root named `subject` with a subject key identifier, and an intermediate it issued that names it by its key identifier. */
async function identifiedPair(subject: string, i: number): Promise<Issued[]> {
    const key = await makeKey("p256");
    const ski = await x509.SubjectKeyIdentifierExtension.create(key.pair.publicKey);
    const root = await makeCa(subject, { key, extensions: [ski] });
    const aki = new x509.AuthorityKeyIdentifierExtension(ski.keyId);
    return [root, await makeCert({ subject: `CN=Issuing ${i}, O=Test`, issuer: root, extensions: [aki] })];
}

// A bundle of many CAs gets the same findings as a small one: lookups by subject, cached
// signature checks and the duplicate check must not lose or invent a finding at scale.
describe("truststore rules on a large bundle", function () {
    this.timeout(60_000);
    let pairs: Issued[];

    before(async () => {
        const key = await sharedKey("p384");
        // Over 100 certificates, so that their P-384 signatures are checked on the worker thread.
        pairs = (await Promise.all(Array.from({ length: 60 }, async (_, i) => {
            const root = await makeCa(`CN=Partner ${i} Root CA, O=Test`, { key });
            return [root, await makeCert({ subject: `CN=Partner ${i} Issuing CA, O=Test`, issuer: root, key })];
        }))).flat();
    });

    it("finds nothing wrong with 120 good P-384 CA certificates", async () => {
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

    describe("with many CAs under one subject", () => {
        const size = 200;
        let distinct: string;

        before(async () => {
            distinct = toBundle(await selfSignedCas(size, (i) => `CN=Distinct CA ${i}, O=Test`));
        });

        it("checks 200 self-signed CAs that share one subject in at most twice the time of 200 with distinct subjects", async () => {
            const shared = toBundle(await selfSignedCas(size, () => "CN=Shared CA, O=Test"));
            const findings = await checkTruststore(shared);
            assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Shared CA, O=Test"]]);
            const [sharedMs, distinctMs] = await fastestChecks([shared, distinct]);
            assert.ok(sharedMs <= 2 * distinctMs, `one subject: ${sharedMs.toFixed(0)} ms, distinct subjects: ${distinctMs.toFixed(0)} ms`);
        });

        it("checks 200 renewals of one CA (one subject, one key) in at most twice the time of 200 distinct CAs", async () => {
            const renewals = toBundle(await selfSignedCas(size, () => "CN=Renewed CA, O=Test", await makeKey("p256")));
            assert.deepEqual(await checkTruststore(renewals), []);
            const [renewalsMs, distinctMs] = await fastestChecks([renewals, distinct]);
            assert.ok(renewalsMs <= 2 * distinctMs, `renewals: ${renewalsMs.toFixed(0)} ms, distinct CAs: ${distinctMs.toFixed(0)} ms`);
        });

        it("finds the issuer of 100 intermediates among 100 roots of one subject by key identifier, in at most twice the time of distinct subjects", async () => {
            const shared = toBundle((await Promise.all(Array.from({ length: size / 2 }, (_, i) => identifiedPair("CN=Shared Root, O=Test", i)))).flat());
            const apart = toBundle((await Promise.all(Array.from({ length: size / 2 }, (_, i) => identifiedPair(`CN=Root ${i}, O=Test`, i)))).flat());
            assert.deepEqual((await checkTruststore(shared)).map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Shared Root, O=Test"]]);
            assert.deepEqual(await checkTruststore(apart), []);
            const [sharedMs, apartMs] = await fastestChecks([shared, apart]);
            assert.ok(sharedMs <= 2 * apartMs, `one root subject: ${sharedMs.toFixed(0)} ms, distinct: ${apartMs.toFixed(0)} ms`);
        });

        it("tries at most four keys of an issuer name that many CAs share, and says so", async () => {
            const roots = await selfSignedCas(6, () => "CN=Crowded Root, O=Test");
            const issued = await makeCert({ subject: "CN=Issued By The Last, O=Test", issuer: roots[5] });
            const findings = await checkTruststore(toBundle([...roots, issued]));
            assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Crowded Root, O=Test"], ["bad-signature", "CN=Issued By The Last, O=Test"]]);
            assert.match(findings[1].message, /^its signature does not verify with the first 4 of the 6 keys that certificates named CN=Crowded Root, O=Test carry in the bundle;/);
        });
    });
});
