import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { truststoreContentValid as policy } from "../../../policy/rules/truststore-content-valid";
import { daysFrom, Issued, makeCa, makeCaChain, sharedKey, toBundle } from "../../helpers/certs";
import { messages, mutate, Props, stackTypes, truststoreStack, unknownValue, violations } from "../../helpers/policy-args";

describe("policy truststore-content-valid", () => {
    let chain: Issued[];
    let good: string;

    before(async () => {
        chain = await makeCaChain(2, "Partner CA");
        good = toBundle(chain);
    });

    it("accepts a bundle with the whole chain up to the root", async () => {
        assert.deepEqual(await violations(policy, truststoreStack(good)), []);
    });

    it("rejects a bundle that lacks the root, listing the finding", async () => {
        const found = await violations(policy, truststoreStack(toBundle([chain[1]])));
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "mandatory");
        assert.equal(found[0].urn, truststoreStack().find(r => r.type === stackTypes.object)?.urn);
        const [head, ...lines] = found[0].message.split("\n");
        assert.equal(head, 'aws:s3/bucketObjectv2:BucketObjectv2 "truststore-bundle", the truststore of aws:apigateway/domainName:DomainName "partners" ' +
            "(s3://truststore-bucket-1a2b3c4/truststore.pem): the bundle fails API Gateway's truststore rules; fix the CA certificates it is built from:");
        assert.equal(lines.length, 1);
        assert.match(lines[0], /^ {2}- error missing-issuer CN=Partner CA 2, O=Test: its issuer CN=Partner CA 1, O=Test is not in the bundle/);
    });

    it("rejects a bundle with a key API Gateway refuses, and text that is not PEM", async () => {
        const ed25519 = await makeCa("CN=Edwards CA", { key: await sharedKey("ed25519") });
        const found = await messages(policy, truststoreStack(good + toBundle([ed25519]) + "not a certificate\n"));
        assert.equal(found.length, 1);
        assert.ok(found[0].split("\n").length >= 3, found[0]);
    });

    it("lets warnings alone pass, unless failOnWarnings is set", async () => {
        const expiring = await makeCa("CN=Expiring CA", { notAfter: daysFrom(new Date(), 10) });
        const stack = truststoreStack(toBundle([expiring]));
        assert.deepEqual(await violations(policy, stack), []);
        assert.equal((await violations(policy, stack, { failOnWarnings: true })).length, 1);
        assert.deepEqual(await violations(policy, stack, { failOnWarnings: true, warnDays: 5 }), []);
    });

    it("reads contentBase64 and string or file assets", async () => {
        const bad = toBundle([chain[1]]);
        const base64 = mutate(truststoreStack(), stackTypes.object, p => { delete p.content; p.contentBase64 = Buffer.from(bad).toString("base64"); });
        assert.equal((await violations(policy, base64)).length, 1);
        const stringAsset = truststoreStack().map(r => r.type === stackTypes.object
            ? { ...r, inputs: { ...r.inputs, content: undefined, source: new pulumi.asset.StringAsset(bad) } } : r);
        assert.equal((await violations(policy, stringAsset)).length, 1);
        const dir = mkdtempSync(path.join(tmpdir(), "truststore-"));
        try {
            const file = path.join(dir, "bundle.pem");
            writeFileSync(file, good);
            const fileAsset = truststoreStack().map(r => r.type === stackTypes.object
                ? { ...r, inputs: { ...r.inputs, content: undefined, source: new pulumi.asset.FileAsset(file) } } : r);
            assert.deepEqual(await violations(policy, fileAsset), []);
        } finally {
            rmSync(dir, { recursive: true });
        }
    });

    it("reports an object whose content it cannot read, with the fix", async () => {
        const missing = truststoreStack().map(r => r.type === stackTypes.object
            ? { ...r, inputs: { ...r.inputs, content: undefined, source: new pulumi.asset.FileAsset("/nonexistent/bundle.pem") } } : r);
        assert.match((await messages(policy, missing))[0], /its content cannot be read .*; pass the PEM bundle as content so that it can be checked before upload/);
    });

    it("skips content that is unknown during preview", async () => {
        assert.deepEqual(await violations(policy, truststoreStack(unknownValue)), []);
    });

    it("finds the object through property dependencies while the URI is unknown during preview", async () => {
        const stack = truststoreStack(toBundle([chain[1]]));
        const objectUrn = stack.find(r => r.type === stackTypes.object)?.urn as string;
        const preview = mutate(stack, stackTypes.domain, p => { (p.mutualTlsAuthentication as Props).truststoreUri = unknownValue; })
            .map(r => r.type === stackTypes.domain ? { ...r, propertyDependencies: { mutualTlsAuthentication: [objectUrn] } } : r);
        assert.equal((await violations(policy, preview)).length, 1);
    });

    it("does not judge an object that the domain does not use", async () => {
        const other = mutate(truststoreStack(toBundle([chain[1]])), stackTypes.object, p => { p.key = "old/truststore.pem"; });
        assert.deepEqual(await violations(policy, other), []);
    });
});
