import * as assert from "node:assert/strict";
import { mappedDomainsDeclared as policy } from "../../../policy/rules/mapped-domains-declared";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const mtls = { truststoreUri: "s3://truststore-bucket/truststore.pem", truststoreVersion: "v1" };
const domain = resource("aws:apigateway/domainName:DomainName", "partners", {
    domainName: "api.example.com", endpointConfiguration: { types: "REGIONAL" }, securityPolicy: "TLS_1_2", mutualTlsAuthentication: mtls,
});
const mapping = (domainName: unknown, extra = {}) => resource("aws:apigateway/basePathMapping:BasePathMapping", "mapping", { restApi: "a1b2c3", stageName: "v1", domainName }, extra);
const fix = "so the pack cannot require client certificates on it (a way in without one); declare that domain in this stack with mutualTlsAuthentication, or map the API from the stack that declares it";
const template = (resources: Record<string, unknown>) => resource("aws:cloudformation/stack:Stack", "legacy", { templateBody: JSON.stringify({ Resources: resources }) });

describe("policy mapped-domains-declared", () => {
    it("accepts a mapping onto a domain the stack declares by name, and one whose domain name is not known yet (preview)", async () => {
        assert.deepEqual(await messages(policy, [domain, mapping("api.example.com")]), []);
        assert.deepEqual(await messages(policy, [domain, mapping(unknownValue)]), []);
    });

    it("rejects a mapping that puts the stack's API on a domain the stack does not declare", async () => {
        assert.deepEqual(await messages(policy, [domain, mapping("open.example.com")]), [
            `aws:apigateway/basePathMapping:BasePathMapping "mapping": domainName "open.example.com" is not a custom domain this stack declares, ${fix}`,
        ]);
    });

    it("rejects aws-native mappings onto undeclared domains, and takes an aws-native domain as declared", async () => {
        const nativeDomain = resource("aws-native:apigateway:DomainName", "native-domain", { domainName: "native.example.com", mutualTlsAuthentication: mtls });
        const native = (type: string, props: Record<string, unknown>) => resource(type, "native-mapping", { restApiId: "a1b2c3", ...props });
        assert.deepEqual(await messages(policy, [
            nativeDomain,
            native("aws-native:apigateway:BasePathMapping", { domainName: "native.example.com" }),
            native("aws-native:apigatewayv2:ApiMapping", { domainName: "open.example.com", apiId: "h1" }),
            native("aws-native:apigateway:BasePathMappingV2", { domainNameArn: "arn:aws:apigateway:eu-west-1:123456789012:/domainnames/private.example.com+abc123" }),
        ]), [
            `aws-native:apigatewayv2:ApiMapping "native-mapping": domainName "open.example.com" is not a custom domain this stack declares, ${fix}`,
            `aws-native:apigateway:BasePathMappingV2 "native-mapping": domainNameArn "arn:aws:apigateway:eu-west-1:123456789012:/domainnames/private.example.com+abc123" is not a custom domain this stack declares, ${fix}`,
        ]);
    });

    it("follows a template's Ref to its own domain, and rejects a template mapping onto a domain nobody here declares", async () => {
        const declared = template({
            Domain: { Type: "AWS::ApiGateway::DomainName", Properties: { DomainName: "legacy.example.com", MutualTlsAuthentication: { TruststoreUri: mtls.truststoreUri } } },
            Mapping: { Type: "AWS::ApiGateway::BasePathMapping", Properties: { DomainName: { Ref: "Domain" }, RestApiId: "a1b2c3" } },
            Named: { Type: "AWS::ApiGateway::BasePathMapping", Properties: { DomainName: "api.example.com", RestApiId: "a1b2c3" } },
        });
        assert.deepEqual(await messages(policy, [domain, declared]), []);
        const open = template({ Mapping: { Type: "AWS::ApiGatewayV2::ApiMapping", Properties: { DomainName: "open.example.com", ApiId: "h1", Stage: "$default" } } });
        assert.deepEqual(await messages(policy, [domain, open]), [
            `aws:cloudformation/stack:Stack "legacy", templateBody Resources.Mapping (AWS::ApiGatewayV2::ApiMapping): DomainName "open.example.com" is not a custom domain this stack declares, ${fix}`,
        ]);
    });
});
