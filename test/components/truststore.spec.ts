import { strict as assert } from "node:assert";
import { PartnerPki } from "../../components/partner-pki";
import { Truststore, TruststoreError } from "../../components/truststore";
import { CrlError } from "../../core/x509/crl";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { x509 } from "../../core/x509/x509";
import { issuerId, normaliseSerial } from "../../core/authorizer/decision";
import { daysFrom, makeCa, makeLeaf } from "../helpers/certs";
import { makeCrl } from "../helpers/crls";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";
import { certificateBlocks } from "../../core/truststore/bundle";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("Truststore", () => {
        async function truststore(retainOnDelete?: boolean) {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners: [] });
            const store = new Truststore("store", { caCertificatePems: pki.caCertificatePems, retainOnDelete });
            const [uri, version, bundle, chain] = await Promise.all([valueOf(store.uri), valueOf(store.version), valueOf(store.bundlePem), valueOf(pki.caCertificatePems)]);
            return { uri, version, bundle, chain, resources: await capture.settled() };
        }

        it("keeps the bundle in a private, versioned, encrypted bucket that refuses plain HTTP", async () => {
            const { resources } = await truststore();
            const bucket = only(resources, "aws:s3/bucket:Bucket");
            assert.equal(bucket.inputs.forceDestroy, true);
            assert.equal(only(resources, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
            const sse = only(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
            assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const block = only(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
            for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                assert.equal(block[flag], true, flag);
            }
            assert.equal(only(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
            const policy = JSON.parse(only(resources, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
            assert.equal(policy.Statement[0].Effect, "Deny");
            assert.deepEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.deepEqual(policy.Statement[0].Resource, [bucket.outputs.arn, `${bucket.outputs.arn}/*`]);
        });

        it("uploads the CA chain and points uri and version at that object", async () => {
            const { uri, version, bundle, chain, resources } = await truststore();
            const object = only(resources, "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.equal(object.inputs.content, bundle);
            assert.equal(uri, `s3://${only(resources, "aws:s3/bucket:Bucket").outputs.bucket}/truststore.pem`);
            assert.equal(version, object.outputs.versionId);
            const fingerprints = certificateBlocks(bundle).map((pem) => new X509Certificate(pem).fingerprint256);
            assert.deepEqual(fingerprints.sort(), chain.map((pem) => new X509Certificate(pem).fingerprint256).sort());
        });

        it("stops before upload with every finding when the bundle breaks the truststore rules", async () => {
            const weak = await makeCa("CN=Weak Partner CA", { hash: "SHA-1" });
            const expired = await makeCa("CN=Old Partner CA", { notBefore: daysFrom(new Date(), -400), notAfter: daysFrom(new Date(), -10) });
            await captureResources();
            const store = new Truststore("store", { caCertificatePems: [weak.pem, expired.pem] });
            const failure = await valueOf(store.bundlePem).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof TruststoreError, `expected a TruststoreError, got ${String(failure)}`);
            assert.deepEqual(failure.findings.map((f) => f.code).sort(), ["expired", "weak-signature-hash"]);
            assert.match(failure.message, /error weak-signature-hash CN=Weak Partner CA/);
            assert.match(failure.message, /error expired CN=Old Partner CA/);
        });

        it("uploads a bundle with only warnings, and logs them", async () => {
            const soon = await makeCa("CN=Soon Partner CA", { notAfter: daysFrom(new Date(), 5) });
            const warned: string[] = [];
            const warn = pulumi.log.warn;
            pulumi.log.warn = async (message: string) => void warned.push(message);
            try {
                await captureResources();
                const store = new Truststore("store", { caCertificatePems: [soon.pem] });
                assert.equal(await valueOf(store.bundlePem), soon.pem);
            } finally {
                pulumi.log.warn = warn;
            }
            assert.equal(warned.length, 1);
            assert.match(warned[0], /^warning expiring-soon CN=Soon Partner CA/);
        });

        it("verifies a CRL against its CAs, uploads it beside the bundle, and lists what it revokes", async () => {
            const ca = await makeCa("CN=Globex Partner CA, O=Globex");
            const leaf = await makeLeaf("CN=globex-client", ca);
            const crl = await makeCrl(ca, [{ serial: leaf.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }]);
            const capture = await captureResources();
            const store = new Truststore("store", { caCertificatePems: [ca.pem], crl: { file: "partners/globex.crl.pem", pems: [crl] } });
            assert.deepEqual(await valueOf(store.crlRevocations), [
                { issuerId: issuerId(new X509Certificate(leaf.pem).issuer), serial: normaliseSerial(leaf.cert.serialNumber), reason: "keyCompromise (CRL)" },
            ]);
            await valueOf(store.version);
            const objects = allOf(await capture.settled(), "aws:s3/bucketObjectv2:BucketObjectv2");
            const uploaded = objects.find((o) => o.inputs.key === "revocations.crl.pem");
            assert.equal(uploaded?.inputs.content, crl);
            assert.equal(uploaded?.inputs.bucket, objects.find((o) => o.inputs.key === "truststore.pem")?.inputs.bucket);
        });

        it("stops before uploading a CRL that no CA of the bundle signed", async () => {
            const ca = await makeCa("CN=Globex Partner CA, O=Globex");
            const stranger = await makeCa("CN=Stranger CA");
            const crl = await makeCrl(stranger, [{ serial: "01" }]);
            const capture = await captureResources();
            const store = new Truststore("store", { caCertificatePems: [ca.pem], crl: { file: "partners/globex.crl.pem", pems: [crl] } });
            const failure = await valueOf(store.crlRevocations).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof CrlError, `expected a CrlError, got ${String(failure)}`);
            assert.match(failure.message, /issued by "CN=Stranger CA"\) comes from a CA that is not in the truststore/);
            const resources = await capture.settled();
            assert.equal(allOf(resources, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.inputs.key === "revocations.crl.pem").length, 0);
        });

        it("warns about CAs within the configured expiry window", async () => {
            const ca = await makeCa("CN=Partner CA", { notAfter: daysFrom(new Date(), 45) });
            const warned: string[] = [];
            const warn = pulumi.log.warn;
            pulumi.log.warn = async (message: string) => void warned.push(message);
            try {
                await captureResources();
                await valueOf(new Truststore("store", { caCertificatePems: [ca.pem] }).bundlePem);
                assert.equal(warned.length, 0, "45 days is outside the default 30");
                await valueOf(new Truststore("store2", { caCertificatePems: [ca.pem], expiryWarningDays: 60 }).bundlePem);
            } finally {
                pulumi.log.warn = warn;
            }
            assert.equal(warned.length, 1);
            assert.match(warned[0], /^warning expiring-soon CN=Partner CA/);
        });

        it("keeps the bucket on destroy when asked to", async () => {
            const { resources } = await truststore(true);
            assert.equal(only(resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
        });
    });
});
