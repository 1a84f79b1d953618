// The three mandatory rules over every resource shape that can carry what they judge: aws-native
// resources, an aws RestApi's OpenAPI body, and a CloudFormation stack's template, as JSON or YAML.
// One happy-path factory per shape; each failing case changes one field of it.
import * as assert from "node:assert/strict";
import { defineScalarTag, dump, DUMP_SCHEMA, NOT_RESOLVED } from "js-yaml";
import { PackResource, runPolicies } from "../../policy/evaluate";
import { executeApiEndpointDisabled } from "../../policy/rules/execute-api-endpoint-disabled";
import { regionalEndpoints } from "../../policy/rules/regional-endpoints";
import { securityPolicyTls12OrNewer } from "../../policy/rules/security-policy-tls12-or-newer";
import { resource, unknownValue } from "../helpers/policy-args";

// OpenAPI documents, templates and props that the cases change at any depth: JSON, typed loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

/** A factory of resources of `type` from `props`, each changed by the caller in one place. */
const shaped = (type: string, name: string, props: Props) => (change: (props: Props) => void = () => undefined): PackResource => {
    const copy = structuredClone(props);
    change(copy);
    return resource(type, name, copy);
};

const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
const mtls = { truststoreUri: "s3://truststore/truststore.pem", truststoreVersion: "v1" };
const because = "because the execute-api endpoint does not enforce mTLS and bypasses the custom domain";

const nativeRestApi = shaped("aws-native:apigateway:RestApi", "native-api", {
    name: "customer", disableExecuteApiEndpoint: true, endpointConfiguration: { types: ["REGIONAL"] },
});
const nativeDomain = shaped("aws-native:apigateway:DomainName", "native-domain", {
    domainName: "api.example.com", regionalCertificateArn: arn, endpointConfiguration: { types: ["REGIONAL"] },
    securityPolicy: "TLS_1_2", mutualTlsAuthentication: mtls,
});
const nativeHttpApi = shaped("aws-native:apigatewayv2:Api", "native-http-api", { protocolType: "HTTP", disableExecuteApiEndpoint: true });
const nativeHttpDomain = shaped("aws-native:apigatewayv2:DomainName", "native-http-domain", {
    domainName: "events.example.com",
    domainNameConfigurations: [{ certificateArn: arn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" }],
});

/** An OpenAPI 3 document; `body` is what the aws RestApi's `body` holds, as a JSON string. */
const openApi = {
    openapi: "3.0.1",
    info: { title: "customer", version: "1" },
    servers: [{ url: "https://api.example.com", "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } }],
    paths: {},
};
const bodyApi = (change: (document: Props, props: Props) => void = () => undefined) => shaped("aws:apigateway/restApi:RestApi", "openapi-api",
    { endpointConfiguration: { types: "REGIONAL" } })(props => {
    const document = structuredClone(openApi);
    change(document, props);
    props.body ??= JSON.stringify(document);
});
/** The same aws RestApi with its OpenAPI body written as YAML. */
const yamlBodyApi = (change: (document: Props) => void = () => undefined) => bodyApi((document, props) => {
    change(document);
    props.body = dump(document);
});

const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
        Api: {
            Type: "AWS::ApiGateway::RestApi",
            Properties: { Name: "customer", DisableExecuteApiEndpoint: true, EndpointConfiguration: { Types: ["REGIONAL"] } },
        },
        Domain: {
            Type: "AWS::ApiGateway::DomainName",
            Properties: {
                DomainName: "api.example.com", RegionalCertificateArn: arn, EndpointConfiguration: { Types: ["REGIONAL"] },
                SecurityPolicy: "TLS_1_2", MutualTlsAuthentication: { TruststoreUri: mtls.truststoreUri, TruststoreVersion: "v1" },
            },
        },
        HttpApi: { Type: "AWS::ApiGatewayV2::Api", Properties: { Name: "events", ProtocolType: "HTTP", DisableExecuteApiEndpoint: true } },
        HttpDomain: {
            Type: "AWS::ApiGatewayV2::DomainName",
            Properties: {
                DomainName: "events.example.com",
                DomainNameConfigurations: [{ CertificateArn: arn, EndpointType: "REGIONAL", SecurityPolicy: "TLS_1_2" }],
            },
        },
        Stage: { Type: "AWS::ApiGatewayV2::Stage", Properties: { ApiId: { Ref: "HttpApi" }, StageName: "$default", AutoDeploy: true } },
    },
};
/** A stack whose templateBody is `template`, changed in one place, as `write` writes it. */
const stackWritten = (write: (template: object) => string) => (change: (resources: Props) => void = () => undefined) =>
    shaped("aws:cloudformation/stack:Stack", "legacy", { name: "legacy" })(props => {
        const copy = structuredClone(template);
        change(copy.Resources);
        props.templateBody = write(copy);
    });
/** A `Ref` that YAML templates write in CloudFormation's short form: `!Ref name`. */
class ShortRef {
    constructor(readonly name: string) {}
}
const withShortRefs = DUMP_SCHEMA.withTags(defineScalarTag("!Ref", {
    resolve: () => NOT_RESOLVED,
    identify: data => data instanceof ShortRef,
    represent: (ref: ShortRef) => ref.name,
}));
const stack = stackWritten(JSON.stringify);
const yamlStack = stackWritten(copy => dump(copy, { schema: withShortRefs }));
/** A YAML template of HTTP APIs `Api0`, `Api1`, ..., one per value, each with `DisableExecuteApiEndpoint: <value>` as written. */
const yamlHttpApis = (...values: string[]) => shaped("aws:cloudformation/stack:Stack", "legacy", {
    templateBody: "Resources:\n" + values.map((value, i) =>
        `  Api${i}:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      DisableExecuteApiEndpoint: ${value}\n`).join(""),
})();
const inTemplate = (id: string, type: string) => `aws:cloudformation/stack:Stack "legacy", templateBody Resources.${id} (${type})`;

const rules = [executeApiEndpointDisabled, regionalEndpoints, securityPolicyTls12OrNewer];

/** What the three rules report over `resources`, each as `rule: message`. */
async function reported(...resources: PackResource[]): Promise<string[]> {
    return (await runPolicies(rules, resources)).map(v => `${v.policyName}: ${v.message}`);
}

describe("policy: the three mandatory rules over every resource shape", () => {
    it("accepts aws-native resources, an OpenAPI body and a CloudFormation template that are set up right", async () => {
        assert.deepEqual(await reported(nativeRestApi(), nativeDomain(), nativeHttpApi(), nativeHttpDomain(), bodyApi(), stack()), []);
    });

    it("accepts a YAML template and a YAML OpenAPI body that are set up right", async () => {
        assert.deepEqual(await reported(yamlStack(), yamlBodyApi()), []);
    });

    const rejected: [string, PackResource, string[]][] = [
        ["an aws-native RestApi that omits disableExecuteApiEndpoint", nativeRestApi(p => { delete p.disableExecuteApiEndpoint; }), [
            `execute-api-endpoint-disabled: aws-native:apigateway:RestApi "native-api": disableExecuteApiEndpoint is omitted (the execute-api endpoint is on by default); set disableExecuteApiEndpoint: true, ${because}`,
        ]],
        ["an aws-native HTTP API that sets disableExecuteApiEndpoint to false", nativeHttpApi(p => { p.disableExecuteApiEndpoint = false; }), [
            `execute-api-endpoint-disabled: aws-native:apigatewayv2:Api "native-http-api": disableExecuteApiEndpoint is false; set disableExecuteApiEndpoint: true, ${because}`,
        ]],
        ["an aws-native RestApi that is EDGE", nativeRestApi(p => { p.endpointConfiguration.types = ["EDGE"]; }), [
            'regional-endpoints: aws-native:apigateway:RestApi "native-api": endpointConfiguration.types is [EDGE]; set endpointConfiguration.types to REGIONAL or PRIVATE',
        ]],
        ["an aws-native domain without endpointConfiguration, which means EDGE", nativeDomain(p => { delete p.endpointConfiguration; }), [
            'regional-endpoints: aws-native:apigateway:DomainName "native-domain": endpointConfiguration is omitted, which means EDGE; set endpointConfiguration.types to REGIONAL',
        ]],
        ["an aws-native domain with an edge certificate", nativeDomain(p => { p.certificateArn = arn; }), [
            'regional-endpoints: aws-native:apigateway:DomainName "native-domain": certificateArn is set, and an edge certificate makes the domain EDGE; remove it and use regionalCertificateArn with endpointConfiguration.types REGIONAL',
        ]],
        ["an aws-native HTTP domain whose endpointType is EDGE", nativeHttpDomain(p => { p.domainNameConfigurations[0].endpointType = "EDGE"; }), [
            'regional-endpoints: aws-native:apigatewayv2:DomainName "native-http-domain": domainNameConfigurations[0].endpointType is EDGE; set it to REGIONAL',
        ]],
        ["an aws-native mTLS domain with TLS_1_0", nativeDomain(p => { p.securityPolicy = "TLS_1_0"; }), [
            'security-policy-tls12-or-newer: aws-native:apigateway:DomainName "native-domain": securityPolicy is TLS_1_0; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)',
        ]],
        ["an aws-native RestApi that sets TLS_1_0", nativeRestApi(p => { p.securityPolicy = "TLS_1_0"; }), [
            'security-policy-tls12-or-newer: aws-native:apigateway:RestApi "native-api": securityPolicy is TLS_1_0; set it to one of TLS_1_2, SecurityPolicy_TLS13_*, SecurityPolicy_TLS12_*, or omit it',
        ]],
        ["an aws-native HTTP domain with TLS_1_0", nativeHttpDomain(p => { p.domainNameConfigurations[0].securityPolicy = "TLS_1_0"; }), [
            'security-policy-tls12-or-newer: aws-native:apigatewayv2:DomainName "native-http-domain": domainNameConfigurations[0].securityPolicy is TLS_1_0; set it to TLS_1_2 (the only policy HTTP and WebSocket domains support)',
        ]],
        ["an aws RestApi whose OpenAPI body leaves the execute-api endpoint on",
            bodyApi(d => { d.servers[0]["x-amazon-apigateway-endpoint-configuration"].disableExecuteApiEndpoint = false; }), [
                'execute-api-endpoint-disabled: aws:apigateway/restApi:RestApi "openapi-api": disableExecuteApiEndpoint is omitted and body sets ' +
                `x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint to false; set disableExecuteApiEndpoint: true (true overrides the body), ${because}`,
            ]],
        ["an aws RestApi whose OpenAPI body does not set the extension, nor the argument", bodyApi(d => { d.servers = [{ url: "https://api.example.com" }]; }), [
            `execute-api-endpoint-disabled: aws:apigateway/restApi:RestApi "openapi-api": disableExecuteApiEndpoint is omitted (the execute-api endpoint is on by default); set disableExecuteApiEndpoint: true, ${because}`,
        ]],
        ["an aws RestApi whose YAML OpenAPI body leaves the execute-api endpoint on",
            yamlBodyApi(d => { d.servers[0]["x-amazon-apigateway-endpoint-configuration"].disableExecuteApiEndpoint = false; }), [
                'execute-api-endpoint-disabled: aws:apigateway/restApi:RestApi "openapi-api": disableExecuteApiEndpoint is omitted and body sets ' +
                `x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint to false; set disableExecuteApiEndpoint: true (true overrides the body), ${because}`,
            ]],
        ["an aws RestApi whose body is neither JSON nor YAML, which the pack cannot read, and that does not set the argument",
            bodyApi((_, p) => { p.body = "x-amazon-apigateway-endpoint-configuration: {: bad"; }), [
                'execute-api-endpoint-disabled: aws:apigateway/restApi:RestApi "openapi-api": disableExecuteApiEndpoint is omitted and body is neither JSON nor YAML, ' +
                `so its x-amazon-apigateway-endpoint-configuration cannot be read; set disableExecuteApiEndpoint: true (true overrides the body), ${because}`,
            ]],
        ["a template's RestApi that omits DisableExecuteApiEndpoint", stack(r => { delete r.Api.Properties.DisableExecuteApiEndpoint; }), [
            `execute-api-endpoint-disabled: ${inTemplate("Api", "AWS::ApiGateway::RestApi")}: DisableExecuteApiEndpoint is omitted (the execute-api endpoint is on by default); set DisableExecuteApiEndpoint: true, ${because}`,
        ]],
        ["a template's HTTP API that sets DisableExecuteApiEndpoint to a value the pack cannot resolve",
            stack(r => { r.HttpApi.Properties.DisableExecuteApiEndpoint = { Ref: "DisableEndpoint" }; }), [
                `execute-api-endpoint-disabled: ${inTemplate("HttpApi", "AWS::ApiGatewayV2::Api")}: DisableExecuteApiEndpoint is {"Ref":"DisableEndpoint"}; set DisableExecuteApiEndpoint: true, ${because}`,
            ]],
        ["a template's RestApi without EndpointConfiguration, which means EDGE", stack(r => { delete r.Api.Properties.EndpointConfiguration; }), [
            `regional-endpoints: ${inTemplate("Api", "AWS::ApiGateway::RestApi")}: EndpointConfiguration is omitted, which means EDGE; set EndpointConfiguration.Types to REGIONAL or PRIVATE`,
        ]],
        ["a template's domain that is EDGE", stack(r => { r.Domain.Properties.EndpointConfiguration.Types = ["EDGE"]; }), [
            `regional-endpoints: ${inTemplate("Domain", "AWS::ApiGateway::DomainName")}: EndpointConfiguration.Types is [EDGE]; set EndpointConfiguration.Types to REGIONAL`,
        ]],
        ["a template's domain with an edge certificate", stack(r => { r.Domain.Properties.CertificateArn = arn; }), [
            `regional-endpoints: ${inTemplate("Domain", "AWS::ApiGateway::DomainName")}: CertificateArn is set, and an edge certificate makes the domain EDGE; ` +
            "remove it and use RegionalCertificateArn with EndpointConfiguration.Types REGIONAL",
        ]],
        ["a template's HTTP domain whose EndpointType is EDGE", stack(r => { r.HttpDomain.Properties.DomainNameConfigurations[0].EndpointType = "EDGE"; }), [
            `regional-endpoints: ${inTemplate("HttpDomain", "AWS::ApiGatewayV2::DomainName")}: DomainNameConfigurations[0].EndpointType is EDGE; set it to REGIONAL`,
        ]],
        ["a YAML template's domain that is EDGE", yamlStack(r => { r.Domain.Properties.EndpointConfiguration.Types = ["EDGE"]; }), [
            `regional-endpoints: ${inTemplate("Domain", "AWS::ApiGateway::DomainName")}: EndpointConfiguration.Types is [EDGE]; set EndpointConfiguration.Types to REGIONAL`,
        ]],
        ["a YAML template's RestApi whose DisableExecuteApiEndpoint is !Ref DisableIt, which the pack cannot resolve",
            yamlStack(r => { r.Api.Properties.DisableExecuteApiEndpoint = new ShortRef("DisableIt"); }), [
                `execute-api-endpoint-disabled: ${inTemplate("Api", "AWS::ApiGateway::RestApi")}: DisableExecuteApiEndpoint is {"Ref":"DisableIt"}; set DisableExecuteApiEndpoint: true, ${because}`,
            ]],
        ["a template's mTLS domain with TLS_1_0", stack(r => { r.Domain.Properties.SecurityPolicy = "TLS_1_0"; }), [
            `security-policy-tls12-or-newer: ${inTemplate("Domain", "AWS::ApiGateway::DomainName")}: SecurityPolicy is TLS_1_0; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)`,
        ]],
        ["a template's HTTP domain that omits SecurityPolicy", stack(r => { delete r.HttpDomain.Properties.DomainNameConfigurations[0].SecurityPolicy; }), [
            `security-policy-tls12-or-newer: ${inTemplate("HttpDomain", "AWS::ApiGatewayV2::DomainName")}: DomainNameConfigurations[0].SecurityPolicy is omitted; ` +
            "set it to TLS_1_2 (the only policy HTTP and WebSocket domains support)",
        ]],
        ["an aws-native RestApi whose types are [EDGE, <unknown>] during preview", nativeRestApi(p => { p.endpointConfiguration.types = ["EDGE", unknownValue]; }), [
            'regional-endpoints: aws-native:apigateway:RestApi "native-api": endpointConfiguration.types is [EDGE, (unknown during preview)]; set endpointConfiguration.types to REGIONAL or PRIVATE',
        ]],
    ];
    for (const [what, changed, expected] of rejected) {
        it(`rejects ${what}`, async () => {
            assert.deepEqual(await reported(changed), expected);
        });
    }

    it("lets the OpenAPI body decide when disableExecuteApiEndpoint is not true, and the argument win when it is", async () => {
        const swagger = { swagger: "2.0", info: openApi.info, paths: {}, "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } };
        assert.deepEqual(await reported(
            bodyApi((_, p) => { p.disableExecuteApiEndpoint = false; }),
            bodyApi((d, p) => { p.disableExecuteApiEndpoint = true; d.servers[0]["x-amazon-apigateway-endpoint-configuration"].disableExecuteApiEndpoint = false; }),
            bodyApi((_, p) => { p.body = JSON.stringify(swagger); }),
        ), []);
    });

    it("rejects a body in which one server leaves the execute-api endpoint on", async () => {
        const found = await reported(bodyApi(d => {
            d.servers.push({ url: "https://other.example.com", "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: false } });
        }));
        assert.equal(found.length, 1);
        assert.match(found[0], /body sets x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint to false; set disableExecuteApiEndpoint: true/);
    });

    it("reads a template's Boolean given as the string \"true\" or \"false\", as CloudFormation does", async () => {
        assert.deepEqual(await reported(stack(r => { r.Api.Properties.DisableExecuteApiEndpoint = "true"; })), []);
        assert.deepEqual(await reported(stack(r => { r.Api.Properties.DisableExecuteApiEndpoint = "false"; })), [
            `execute-api-endpoint-disabled: ${inTemplate("Api", "AWS::ApiGateway::RestApi")}: DisableExecuteApiEndpoint is false; set DisableExecuteApiEndpoint: true, ${because}`,
        ]);
    });

    it("reads CloudFormation's short-form tags on scalars, sequences and mappings as the long form a JSON template spells", async () => {
        const apis = yamlHttpApis("!GetAtt Settings.Outputs.Disabled", "!If [IsProd, !Ref Disabled, !Condition Other]",
            "!Transform { Name: Flag, Parameters: { Of: !Sub '${AWS::StackName}' } }");
        assert.deepEqual((await reported(apis)).map(message => message.replace(/^.*DisableExecuteApiEndpoint is (.*); set .*$/, "$1")), [
            '{"Fn::GetAtt":["Settings","Outputs.Disabled"]}',
            '{"Fn::If":["IsProd",{"Ref":"Disabled"},{"Condition":"Other"}]}',
            '{"Fn::Transform":{"Name":"Flag","Parameters":{"Of":{"Fn::Sub":"${AWS::StackName}"}}}}',
        ]);
    });

    it("reads a YAML template's yes and on as true and no as false, as CloudFormation's YAML 1.1 does, but y as a string", async () => {
        assert.deepEqual(await reported(yamlHttpApis("yes", "on", "True")), []);
        assert.deepEqual(await reported(yamlHttpApis("no", "y")), [
            `execute-api-endpoint-disabled: ${inTemplate("Api0", "AWS::ApiGatewayV2::Api")}: DisableExecuteApiEndpoint is false; set DisableExecuteApiEndpoint: true, ${because}`,
            `execute-api-endpoint-disabled: ${inTemplate("Api1", "AWS::ApiGatewayV2::Api")}: DisableExecuteApiEndpoint is y; set DisableExecuteApiEndpoint: true, ${because}`,
        ]);
    });

    it("reports, from each rule, a template that is neither JSON nor YAML and declares API Gateway resources", async () => {
        const unreadable = shaped("aws:cloudformation/stack:Stack", "legacy", {
            templateBody: "{: bad\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n",
        });
        const found = await reported(unreadable());
        assert.deepEqual(found.map(f => f.split(":")[0]), rules.map(r => r.name));
        for (const message of found) {
            assert.match(message, /aws:cloudformation\/stack:Stack "legacy": templateBody is neither JSON nor YAML, so the .* cannot be checked; write the template as JSON \(templateBody: JSON.stringify\(template\)\)$/);
        }
    });

    it("leaves alone a template without API Gateway resources, a template unknown during preview, and other aws-native types", async () => {
        const bucketOnly = shaped("aws:cloudformation/stack:Stack", "buckets", { templateBody: "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n" });
        const previewed = shaped("aws:cloudformation/stack:Stack", "previewed", { templateBody: unknownValue });
        const bucket = shaped("aws-native:s3:Bucket", "bucket", { bucketName: "b" });
        assert.deepEqual(await reported(bucketOnly(), previewed(), bucket()), []);
    });

    it("skips aws-native values that are unknown during preview, and judges the known ones", async () => {
        assert.deepEqual(await reported(
            nativeRestApi(p => { p.disableExecuteApiEndpoint = unknownValue; p.endpointConfiguration.types = [unknownValue]; }),
            nativeDomain(p => { p.securityPolicy = unknownValue; p.regionalCertificateArn = unknownValue; p.mutualTlsAuthentication.truststoreVersion = unknownValue; }),
            nativeHttpDomain(p => { p.domainNameConfigurations[0].certificateArn = unknownValue; }),
            nativeHttpDomain(p => { p.domainNameConfigurations = unknownValue; }),
        ), []);
        assert.deepEqual(await reported(nativeHttpDomain(p => { p.domainNameConfigurations[0].certificateArn = unknownValue; p.domainNameConfigurations[0].endpointType = "EDGE"; })), [
            'regional-endpoints: aws-native:apigatewayv2:DomainName "native-http-domain": domainNameConfigurations[0].endpointType is EDGE; set it to REGIONAL',
        ]);
    });
});
