import * as assert from "node:assert/strict";
import { securityPolicyTls12OrNewer as policy } from "../../../policy/rules/security-policy-tls12-or-newer";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const mtls = { truststoreUri: "s3://truststore/truststore.pem", truststoreVersion: "v1" };
const domain = (props: Record<string, unknown> = {}) => resource("aws:apigateway/domainName:DomainName", "partners", {
    domainName: "api.example.com",
    endpointConfiguration: { types: "REGIONAL" },
    securityPolicy: "TLS_1_2",
    mutualTlsAuthentication: mtls,
    ...props,
});
const restApi = (props: Record<string, unknown> = {}) => resource("aws:apigateway/restApi:RestApi", "customer-api", { ...props });
const domainV2 = (securityPolicy: unknown) => resource("aws:apigatewayv2/domainName:DomainName", "partners-v2", {
    domainName: "api.example.com",
    domainNameConfiguration: { certificateArn: "arn", endpointType: "REGIONAL", securityPolicy },
});

describe("policy security-policy-tls12-or-newer", () => {
    it("accepts TLS_1_2 on REST and HTTP domains, and an API without a policy", async () => {
        assert.deepEqual(await messages(policy, [domain(), domainV2("TLS_1_2"), restApi()]), []);
    });

    it("accepts the enhanced TLS 1.3 and TLS 1.2 policies, unlike public packs", async () => {
        const resources = [
            domain({ mutualTlsAuthentication: undefined, securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" }),
            domain({ mutualTlsAuthentication: undefined, securityPolicy: "SecurityPolicy_TLS13_1_2_PQ_2025_09" }),
            restApi({ securityPolicy: "SecurityPolicy_TLS12_PFS_2025_EDGE" }),
            restApi({ securityPolicy: "TLS_1_2" }),
        ];
        assert.deepEqual(await messages(policy, resources), []);
    });

    it("rejects a domain with TLS_1_0, and tells an mTLS domain to use exactly TLS_1_2", async () => {
        assert.deepEqual(await messages(policy, domain({ securityPolicy: "TLS_1_0" })), [
            'aws:apigateway/domainName:DomainName "partners": securityPolicy is TLS_1_0; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)',
        ]);
    });

    it("offers the allowed policies to a domain without mTLS", async () => {
        assert.match((await messages(policy, domain({ securityPolicy: "TLS_1_0", mutualTlsAuthentication: undefined })))[0],
            /securityPolicy is TLS_1_0; set it to one of TLS_1_2, SecurityPolicy_TLS13_\*, SecurityPolicy_TLS12_\*$/);
    });

    it("rejects a domain that omits securityPolicy", async () => {
        assert.match((await messages(policy, domain({ securityPolicy: undefined })))[0], /securityPolicy is omitted; set it to TLS_1_2/);
    });

    it("rejects a REST API that sets TLS_1_0", async () => {
        assert.deepEqual(await messages(policy, restApi({ securityPolicy: "TLS_1_0" })), [
            'aws:apigateway/restApi:RestApi "customer-api": securityPolicy is TLS_1_0; set it to one of TLS_1_2, SecurityPolicy_TLS13_*, SecurityPolicy_TLS12_*, or omit it',
        ]);
    });

    it("rejects an HTTP domain with anything but TLS_1_2, including an enhanced policy", async () => {
        const found = await messages(policy, [domainV2("TLS_1_0"), domainV2("SecurityPolicy_TLS13_1_3_2025_09")]);
        assert.equal(found.length, 2);
        assert.match(found[0], /^aws:apigatewayv2\/domainName:DomainName "partners-v2": domainNameConfiguration.securityPolicy is TLS_1_0; set it to TLS_1_2/);
    });

    it("takes the allowed policies from config", async () => {
        const config = { allowedSecurityPolicies: ["SecurityPolicy_TLS13_*"] };
        assert.equal((await messages(policy, domain({ mutualTlsAuthentication: undefined }), config)).length, 1);
        assert.deepEqual(await messages(policy, domain({ mutualTlsAuthentication: undefined, securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09" }), config), []);
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await messages(policy, [domain({ securityPolicy: unknownValue }), restApi({ securityPolicy: unknownValue }), domainV2(unknownValue)]), []);
    });
});
