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

    describe("every carrier of a custom domain", () => {
        const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
        const native = (mutualTlsAuthentication: unknown = mtls) => resource("aws-native:apigateway:DomainName", "native-domain", {
            domainName: "api.example.com", regionalCertificateArn: arn, endpointConfiguration: { types: ["REGIONAL"] }, securityPolicy: "TLS_1_2", mutualTlsAuthentication,
        });
        const nativeV2 = (mutualTlsAuthentication: unknown = mtls) => resource("aws-native:apigatewayv2:DomainName", "native-http-domain", {
            domainName: "events.example.com", domainNameConfigurations: [{ certificateArn: arn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }], mutualTlsAuthentication,
        });
        const template = (mutualTls?: Record<string, unknown>) => resource("aws:cloudformation/stack:Stack", "legacy", {
            name: "legacy",
            templateBody: JSON.stringify({
                Resources: {
                    Domain: {
                        Type: "AWS::ApiGateway::DomainName",
                        Properties: { DomainName: "api.example.com", RegionalCertificateArn: arn, EndpointConfiguration: { Types: ["REGIONAL"] }, SecurityPolicy: "TLS_1_2", MutualTlsAuthentication: mutualTls },
                    },
                },
            }),
        });
        const pinned = { TruststoreUri: mtls.truststoreUri, TruststoreVersion: mtls.truststoreVersion };

        it("accepts aws-native REST and HTTP domains and a template's domain with a pinned truststore", async () => {
            assert.deepEqual(await messages(policy, [native(), nativeV2(), template(pinned)]), []);
        });

        it("rejects aws-native REST and HTTP domains without mutualTlsAuthentication", async () => {
            assert.deepEqual(await messages(policy, [native(null), nativeV2(null)]), [
                'aws-native:apigateway:DomainName "native-domain": mutualTlsAuthentication is omitted, so clients need no certificate; ' +
                'set mutualTlsAuthentication { truststoreUri: "s3://<bucket>/<key>", truststoreVersion: <the object\'s versionId> }',
                'aws-native:apigatewayv2:DomainName "native-http-domain": mutualTlsAuthentication is omitted, so clients need no certificate; ' +
                'set mutualTlsAuthentication { truststoreUri: "s3://<bucket>/<key>", truststoreVersion: <the object\'s versionId> }',
            ]);
        });

        it("rejects a template's AWS::ApiGateway::DomainName without MutualTlsAuthentication, or without its TruststoreVersion, in the template's spelling", async () => {
            assert.deepEqual(await messages(policy, [template(), template({ TruststoreUri: mtls.truststoreUri })]), [
                'aws:cloudformation/stack:Stack "legacy", templateBody Resources.Domain (AWS::ApiGateway::DomainName): MutualTlsAuthentication is omitted, so clients need no certificate; ' +
                'set MutualTlsAuthentication { TruststoreUri: "s3://<bucket>/<key>", TruststoreVersion: <the object\'s versionId> }',
                'aws:cloudformation/stack:Stack "legacy", templateBody Resources.Domain (AWS::ApiGateway::DomainName): MutualTlsAuthentication.TruststoreVersion is omitted, so a new bundle never reaches the domain; ' +
                "set it to the truststore object's versionId (the bucket must be versioned)",
            ]);
        });

        it("checks an aws-native domain's known fields while the version is unknown during preview", async () => {
            assert.deepEqual(await messages(policy, [native(unknownValue), native({ ...mtls, truststoreVersion: unknownValue })]), []);
            assert.match((await messages(policy, nativeV2({ truststoreUri: "ftp://x/y", truststoreVersion: unknownValue })))[0], /mutualTlsAuthentication\.truststoreUri is ftp:\/\/x\/y/);
        });
    });
});
