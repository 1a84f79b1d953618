import * as assert from "node:assert/strict";
import { KeyObject, X509Certificate } from "node:crypto";
import { checkTruststore } from "../../../core/truststore/check";
import { x509 } from "../../../core/x509/x509";
import { Issued, Key, makeCa, makeCert, makeKey, sharedKey, toBundle } from "../../helpers/certs";

/**
 * How many signatures one check of `bundle` verifies: what grows with the pairs of certificates it
 * tries, and what would grow with their square if lookups by subject tried every namesake. A
 * count, not a time, so the machine's load cannot change it (the bench times the rules).
 */
async function verifications(bundle: string): Promise<number> {
    const original = Object.getOwnPropertyDescriptor(X509Certificate.prototype, "verify");
    const verify = original?.value as (this: X509Certificate, key: KeyObject) => boolean;
    let count = 0;
    Object.defineProperty(X509Certificate.prototype, "verify", {
        ...original,
        value(this: X509Certificate, key: KeyObject) {
            count++;
            return verify.call(this, key);
        },
    });
    try {
        await checkTruststore(bundle);
    } finally {
        Object.defineProperty(X509Certificate.prototype, "verify", original ?? {});
    }
    return count;
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

        it("checks 200 self-signed CAs that share one subject with at most twice the signatures of 200 with distinct subjects", async () => {
            const shared = toBundle(await selfSignedCas(size, () => "CN=Shared CA, O=Test"));
            const findings = await checkTruststore(shared);
            assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Shared CA, O=Test"]]);
            const [sharedCount, distinctCount] = [await verifications(shared), await verifications(distinct)];
            assert.ok(distinctCount >= size && sharedCount <= 2 * distinctCount, `one subject: ${sharedCount} signatures, distinct subjects: ${distinctCount}`);
        });

        it("checks 200 renewals of one CA (one subject, one key) with at most twice the signatures of 200 distinct CAs", async () => {
            const renewals = toBundle(await selfSignedCas(size, () => "CN=Renewed CA, O=Test", await makeKey("p256")));
            assert.deepEqual(await checkTruststore(renewals), []);
            const [renewalsCount, distinctCount] = [await verifications(renewals), await verifications(distinct)];
            assert.ok(distinctCount >= size && renewalsCount <= 2 * distinctCount, `renewals: ${renewalsCount} signatures, distinct CAs: ${distinctCount}`);
        });

        it("finds the issuer of 100 intermediates among 100 roots of one subject by key identifier, with at most twice the signatures of distinct subjects", async () => {
            const shared = toBundle((await Promise.all(Array.from({ length: size / 2 }, (_, i) => identifiedPair("CN=Shared Root, O=Test", i)))).flat());
            const apart = toBundle((await Promise.all(Array.from({ length: size / 2 }, (_, i) => identifiedPair(`CN=Root ${i}, O=Test`, i)))).flat());
            assert.deepEqual((await checkTruststore(shared)).map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Shared Root, O=Test"]]);
            assert.deepEqual(await checkTruststore(apart), []);
            const [sharedCount, apartCount] = [await verifications(shared), await verifications(apart)];
            assert.ok(apartCount >= size && sharedCount <= 2 * apartCount, `one root subject: ${sharedCount} signatures, distinct: ${apartCount}`);
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
