import { strict as assert } from "node:assert";
import { PartnerPki } from "../../components/partner-pki";
import { pinnableVersion, Truststore, TruststoreError } from "../../components/truststore";
import { CrlError } from "../../core/x509/crl";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { x509 } from "../../core/x509/x509";
import { issuerId, normaliseSerial } from "../../core/authorizer/decision";
import { daysFrom, makeCa, makeLeaf } from "../helpers/certs";
import { makeCrl } from "../helpers/crls";
import { allOf, captureResources, only, recordOptions, valueOf, withWarnings } from "../helpers/outputs";
import { CapturedResource, capturingMocks } from "../../tools/simulator/program";
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
            const { warnings: warned } = await withWarnings(async () => {
                await captureResources();
                const store = new Truststore("store", { caCertificatePems: [soon.pem] });
                assert.equal(await valueOf(store.bundlePem), soon.pem);
            });
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
            const { warnings: warned } = await withWarnings(async () => {
                await captureResources();
                await valueOf(new Truststore("store", { caCertificatePems: [ca.pem] }).bundlePem);
            });
            assert.equal(warned.length, 0, "45 days is outside the default 30");
            const { warnings } = await withWarnings(() => valueOf(new Truststore("store2", { caCertificatePems: [ca.pem], expiryWarningDays: 60 }).bundlePem));
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /^warning expiring-soon CN=Partner CA/);
        });

        it("keeps the bucket on destroy when asked to", async () => {
            const { resources } = await truststore(true);
            assert.equal(only(resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
        });

        for (const retain of [true, false]) {
            it(`${retain ? "retains" : "deletes"} on destroy, with the bucket, its versions, versioning, access block, ownership, TLS-only policy and encryption${retain ? " when asked to" : " by default"}`, async () => {
                const capture = await captureResources();
                const { options, transformations } = recordOptions();
                const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners: [] });
                const store = new Truststore("store", { caCertificatePems: pki.caCertificatePems, retainOnDelete: retain || undefined }, { transformations });
                await valueOf(store.version);
                const children = (await capture.settled()).filter((r) => r.type.startsWith("aws:s3/"));
                assert.equal(children.length, 7, children.map((r) => r.name).join(", "));
                for (const child of children) {
                    assert.equal(options.get(child.name)?.retainOnDelete ?? false, retain, `${child.name}: retainOnDelete`);
                }
            });
        }

        it("replaces its object by deleting the old one first: the provider deletes every version of the key with it", async () => {
            const { options, transformations } = recordOptions();
            await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners: [] });
            await valueOf(new Truststore("store", { caCertificatePems: pki.caCertificatePems }, { transformations }).version);
            assert.equal(options.get("store-bundle")?.deleteBeforeReplace, true);
        });

        for (const written of ["null", ""]) {
            it(`never hands the domain a version id ${JSON.stringify(written)}, which S3 gives a write made before versioning took effect`, async () => {
                assert.equal(pinnableVersion("s3://b/truststore.pem", "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "urn:o"), "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
                assert.throws(() => pinnableVersion("s3://b/truststore.pem", written, "urn:pulumi:dev::apigw-mtls::x::truststore-bundle"), (error: Error) => {
                    assert.equal(error.message, `truststore s3://b/truststore.pem has version id ${JSON.stringify(written)}: S3 wrote it before versioning took effect (up to 15 minutes after it is first enabled); wait 15 minutes, then run pulumi up --replace 'urn:pulumi:dev::apigw-mtls::x::truststore-bundle'`);
                    return true;
                });
            });
        }

        it("stops before the domain when S3 answers the first upload with version null", async () => {
            const resources: CapturedResource[] = [];
            const mocks = capturingMocks("test", "eu-west-1", resources);
            await pulumi.runtime.setMocks({
                ...mocks,
                newResource: async (args) => {
                    const created = await mocks.newResource(args);
                    return args.type === "aws:s3/bucketObjectv2:BucketObjectv2" ? { ...created, state: { ...created.state, versionId: "null" } } : created;
                },
            }, "apigw-mtls", "test", false);
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners: [] });
            const store = new Truststore("store", { caCertificatePems: pki.caCertificatePems });
            const failure = await valueOf(store.version).then(() => undefined, (error: unknown) => error);
            assert.match(String(failure), /has version id "null": S3 wrote it before versioning took effect/);
        });
    });
});
