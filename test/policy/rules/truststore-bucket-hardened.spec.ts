import * as assert from "node:assert/strict";
import { truststoreBucketHardened as policy } from "../../../policy/rules/truststore-bucket-hardened";
import { PackResource } from "../../../policy/evaluate";
import { messages, mutate, Props, resource, stackTypes, truststoreStack, unknownValue, violations } from "../../helpers/policy-args";

const stack = truststoreStack();
const without = (type: string) => stack.filter(r => r.type !== type);
const bucketUrn = stack[0].urn;

describe("policy truststore-bucket-hardened", () => {
    it("accepts a versioned, private, encrypted truststore bucket", async () => {
        assert.deepEqual(await violations(policy, stack), []);
    });

    it("accepts the deprecated V2 resources too", async () => {
        const v2 = stack.map(r => ({
            ...r,
            type: r.type === stackTypes.bucket ? "aws:s3/bucketV2:BucketV2"
                : r.type === stackTypes.versioning ? "aws:s3/bucketVersioningV2:BucketVersioningV2"
                    : r.type === stackTypes.encryption ? "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
                        : r.type,
        }));
        assert.deepEqual(await violations(policy, v2), []);
    });

    it("rejects a truststore bucket without versioning, on the bucket", async () => {
        const found = await violations(policy, without(stackTypes.versioning));
        assert.equal(found.length, 1);
        assert.equal(found[0].urn, bucketUrn);
        assert.equal(found[0].enforcementLevel, "mandatory");
        assert.match(found[0].message, /^aws:s3\/bucket:Bucket "truststore-bucket" holds an mTLS truststore but has no versioning; add an aws.s3.BucketVersioning .*status Enabled/);
    });

    it("rejects versioning that is suspended", async () => {
        assert.deepEqual(await messages(policy, mutate(stack, stackTypes.versioning, p => { (p.versioningConfiguration as Props).status = "Suspended"; })), [
            'aws:s3/bucketVersioning:BucketVersioning "truststore-versioning": versioningConfiguration.status is Suspended; set it to Enabled ' +
            '(aws:s3/bucket:Bucket "truststore-bucket" holds an mTLS truststore, and the domain pins its object version)',
        ]);
    });

    it("rejects a truststore bucket without a public access block", async () => {
        assert.match((await messages(policy, without(stackTypes.publicAccess)))[0],
            /has no public access block; add an aws.s3.BucketPublicAccessBlock .* blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true/);
    });

    it("rejects a public access block that leaves a door open, naming each flag", async () => {
        const open = mutate(stack, stackTypes.publicAccess, p => { p.blockPublicPolicy = false; delete p.restrictPublicBuckets; });
        assert.deepEqual(await messages(policy, open), [
            'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock "truststore-public-access": blockPublicPolicy is false, restrictPublicBuckets is omitted; ' +
            'set blockPublicPolicy, restrictPublicBuckets to true (aws:s3/bucket:Bucket "truststore-bucket" holds an mTLS truststore)',
        ]);
    });

    it("rejects a truststore bucket without default encryption, or with an algorithm not allowed", async () => {
        assert.match((await messages(policy, without(stackTypes.encryption)))[0], /has no default encryption; add an aws.s3.BucketServerSideEncryptionConfiguration/);
        const kmsOnly = await messages(policy, stack, { allowedSseAlgorithms: ["aws:kms"] });
        assert.match(kmsOnly[0], /"truststore-encryption": rules\[\].applyServerSideEncryptionByDefault.sseAlgorithm is \[AES256\]; set it to aws:kms/);
    });

    it("links settings to the bucket by property dependency while names are unknown during preview", async () => {
        const preview = truststoreStack().map((r): PackResource => {
            if (r.type === stackTypes.bucket) {
                return { ...r, id: undefined, outputs: { bucket: unknownValue } };
            }
            if (r.type === stackTypes.domain) {
                return { ...r, inputs: { ...r.inputs, mutualTlsAuthentication: { truststoreUri: unknownValue, truststoreVersion: unknownValue } }, propertyDependencies: { mutualTlsAuthentication: [bucketUrn] } };
            }
            return { ...r, inputs: { ...r.inputs, bucket: unknownValue }, propertyDependencies: { bucket: [bucketUrn] } };
        });
        assert.deepEqual(await violations(policy, preview), []);
        const noVersioning = preview.filter(r => r.type !== stackTypes.versioning);
        assert.match((await messages(policy, noVersioning))[0], /has no versioning/);
    });

    it("does not judge a bucket outside the stack, nor buckets that hold no truststore", async () => {
        const elsewhere = mutate(stack, stackTypes.domain, p => { (p.mutualTlsAuthentication as Props).truststoreUri = "s3://shared-truststores/partners.pem"; });
        assert.deepEqual(await violations(policy, elsewhere.filter(r => r.type !== stackTypes.versioning)), []);
        const logs = resource(stackTypes.bucket, "logs", {}, { id: "logs-bucket", outputs: { bucket: "logs-bucket" } });
        assert.deepEqual(await violations(policy, [...stack, logs]), []);
    });

    it("is not applicable to a stack without an mTLS domain", async () => {
        assert.deepEqual(await violations(policy, without(stackTypes.domain).filter(r => r.type !== stackTypes.versioning)), []);
    });
});
