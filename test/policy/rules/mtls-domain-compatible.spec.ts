import * as assert from "node:assert/strict";
import { mtlsDomainCompatible as policy } from "../../../policy/rules/mtls-domain-compatible";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const mtls = { truststoreUri: "s3://truststore-bucket/truststore.pem", truststoreVersion: "v1" };
const domain = (props: Record<string, unknown> = {}) => resource("aws:apigateway/domainName:DomainName", "partners", {
    domainName: "api.example.com", endpointConfiguration: { types: "REGIONAL" }, securityPolicy: "TLS_1_2", mutualTlsAuthentication: mtls, ...props,
});

describe("policy mtls-domain-compatible", () => {
    it("accepts an mTLS domain with TLS_1_2", async () => {
        assert.deepEqual(await messages(policy, domain()), []);
    });

    it("rejects an mTLS domain with an enhanced security policy, which AWS cannot combine with mTLS", async () => {
        assert.deepEqual(await messages(policy, domain({ securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" })), [
            'aws:apigateway/domainName:DomainName "partners": securityPolicy is SecurityPolicy_TLS13_1_3_2025_09; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)',
        ]);
    });

    it("accepts an enhanced policy on a domain without mTLS", async () => {
        assert.deepEqual(await messages(policy, domain({ securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", mutualTlsAuthentication: undefined })), []);
    });

    it("leaves EDGE, TLS_1_0 and an omitted policy to the mandatory rules, so one mistake is one violation", async () => {
        const resources = [
            domain({ endpointConfiguration: { types: "EDGE" } }),
            domain({ securityPolicy: "TLS_1_0" }),
            domain({ securityPolicy: undefined }),
        ];
        assert.deepEqual(await messages(policy, resources), []);
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await messages(policy, [domain({ securityPolicy: unknownValue }), domain({ mutualTlsAuthentication: unknownValue, securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" })]), []);
    });

    it("rejects an aws-native or a template's mTLS domain with an enhanced security policy, in its carrier's spelling", async () => {
        const native = resource("aws-native:apigateway:DomainName", "native-domain", {
            domainName: "api.example.com", endpointConfiguration: { types: ["REGIONAL"] }, securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", mutualTlsAuthentication: mtls,
        });
        const template = resource("aws:cloudformation/stack:Stack", "legacy", {
            templateBody: JSON.stringify({
                Resources: {
                    Domain: {
                        Type: "AWS::ApiGateway::DomainName",
                        Properties: { DomainName: "api.example.com", SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", MutualTlsAuthentication: { TruststoreUri: mtls.truststoreUri } },
                    },
                },
            }),
        });
        assert.deepEqual(await messages(policy, [native, template]), [
            'aws-native:apigateway:DomainName "native-domain": securityPolicy is SecurityPolicy_TLS13_1_3_2025_09; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)',
            'aws:cloudformation/stack:Stack "legacy", templateBody Resources.Domain (AWS::ApiGateway::DomainName): SecurityPolicy is SecurityPolicy_TLS13_1_3_2025_09; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)',
        ]);
    });
});
