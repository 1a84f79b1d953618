import * as assert from "node:assert/strict";
import { mtlsTruststorePinned as policy } from "../../../policy/rules/mtls-truststore-pinned";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const mtls = { truststoreUri: "s3://truststore-bucket/truststore.pem", truststoreVersion: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" };
const domain = (mutualTlsAuthentication: unknown = mtls) => resource("aws:apigateway/domainName:DomainName", "partners", {
    domainName: "api.example.com", endpointConfiguration: { types: "REGIONAL" }, securityPolicy: "TLS_1_2", mutualTlsAuthentication,
});
const domainV2 = (mutualTlsAuthentication: unknown = mtls) => resource("aws:apigatewayv2/domainName:DomainName", "partners-v2", {
    domainName: "api.example.com",
    domainNameConfiguration: { certificateArn: "arn", endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
    mutualTlsAuthentication,
});

describe("policy mtls-truststore-pinned", () => {
    it("accepts REST and HTTP domains with an s3:// truststore and a pinned version", async () => {
        assert.deepEqual(await messages(policy, [domain(), domainV2()]), []);
    });

    it("rejects a domain without mutualTlsAuthentication", async () => {
        assert.deepEqual(await messages(policy, domain(null)), [
            'aws:apigateway/domainName:DomainName "partners": mutualTlsAuthentication is omitted, so clients need no certificate; ' +
            'set mutualTlsAuthentication { truststoreUri: "s3://<bucket>/<key>", truststoreVersion: <the object\'s versionId> }',
        ]);
    });

    it("rejects a domain whose truststoreVersion is omitted, so that a new bundle never reaches it", async () => {
        assert.deepEqual(await messages(policy, domain({ truststoreUri: mtls.truststoreUri })), [
            'aws:apigateway/domainName:DomainName "partners": mutualTlsAuthentication.truststoreVersion is omitted, so a new bundle never reaches the domain; ' +
            "set it to the truststore object's versionId (the bucket must be versioned)",
        ]);
    });

    it("rejects an empty truststoreVersion", async () => {
        assert.match((await messages(policy, domain({ ...mtls, truststoreVersion: "" })))[0], /truststoreVersion is empty, so a new bundle never reaches the domain/);
    });

    it("rejects a truststoreUri that is not s3://bucket/key", async () => {
        const found = await messages(policy, [domain({ ...mtls, truststoreUri: "https://truststore-bucket.s3.amazonaws.com/truststore.pem" }), domain({ ...mtls, truststoreUri: "s3://truststore-bucket" })]);
        assert.equal(found.length, 2);
        assert.match(found[0], /truststoreUri is https:\/\/truststore-bucket.s3.amazonaws.com\/truststore.pem; set it to s3:\/\/<bucket>\/<key> of the truststore object/);
    });

    it("rejects an HTTP domain without mTLS or without a pinned version", async () => {
        const found = await messages(policy, [domainV2(null), domainV2({ truststoreUri: mtls.truststoreUri })]);
        assert.equal(found.length, 2);
        assert.match(found[0], /^aws:apigatewayv2\/domainName:DomainName "partners-v2": mutualTlsAuthentication is omitted/);
        assert.match(found[1], /truststoreVersion is omitted/);
    });

    it("checks what is known while the version is unknown during preview", async () => {
        assert.deepEqual(await messages(policy, [domain(unknownValue), domain({ ...mtls, truststoreVersion: unknownValue })]), []);
        assert.equal((await messages(policy, domain({ truststoreUri: "ftp://x/y", truststoreVersion: unknownValue }))).length, 1);
    });
});
