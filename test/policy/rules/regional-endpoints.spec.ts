import * as assert from "node:assert/strict";
import { regionalEndpoints as policy } from "../../../policy/rules/regional-endpoints";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
const domain = (props: Record<string, unknown> = {}) => resource("aws:apigateway/domainName:DomainName", "partners", {
    domainName: "api.example.com",
    regionalCertificateArn: arn,
    endpointConfiguration: { types: "REGIONAL" },
    securityPolicy: "TLS_1_2",
    ...props,
});
const restApi = (props: Record<string, unknown> = {}) =>
    resource("aws:apigateway/restApi:RestApi", "customer-api", { endpointConfiguration: { types: "REGIONAL" }, ...props });
const domainV2 = (endpointType: unknown) => resource("aws:apigatewayv2/domainName:DomainName", "partners-v2", {
    domainName: "api.example.com",
    domainNameConfiguration: { certificateArn: arn, endpointType, securityPolicy: "TLS_1_2" },
});

describe("policy regional-endpoints", () => {
    it("accepts a REGIONAL domain, REGIONAL and PRIVATE APIs, and a REGIONAL HTTP domain", async () => {
        const resources = [domain(), restApi(), restApi({ endpointConfiguration: { types: "PRIVATE" } }), domainV2("REGIONAL")];
        assert.deepEqual(await messages(policy, resources), []);
    });

    it("accepts types as a one-element list, the shape of older provider versions", async () => {
        assert.deepEqual(await messages(policy, [domain({ endpointConfiguration: { types: ["REGIONAL"] } })]), []);
    });

    it("rejects a domain whose endpoint is EDGE", async () => {
        assert.deepEqual(await messages(policy, domain({ endpointConfiguration: { types: "EDGE" } })), [
            'aws:apigateway/domainName:DomainName "partners": endpointConfiguration.types is EDGE; set endpointConfiguration.types to REGIONAL',
        ]);
    });

    it("rejects a domain without endpointConfiguration, which AWS makes EDGE", async () => {
        assert.match((await messages(policy, domain({ endpointConfiguration: undefined })))[0], /endpointConfiguration is omitted, which means EDGE; set endpointConfiguration.types to REGIONAL/);
    });

    it("rejects a PRIVATE domain: mTLS needs a Regional one", async () => {
        assert.match((await messages(policy, domain({ endpointConfiguration: { types: "PRIVATE" } })))[0], /types is PRIVATE; set endpointConfiguration.types to REGIONAL/);
    });

    for (const property of ["certificateArn", "certificateName", "certificateBody"]) {
        it(`rejects a domain with an edge certificate (${property})`, async () => {
            const found = await messages(policy, domain({ [property]: "x", regionalCertificateArn: undefined }));
            assert.equal(found.length, 1);
            assert.match(found[0], new RegExp(`${property} is set, and an edge certificate makes the domain EDGE; remove it and use regionalCertificateArn`));
        });
    }

    it("rejects a REST API without endpointConfiguration, and one that is EDGE", async () => {
        const found = await messages(policy, [restApi({ endpointConfiguration: undefined }), restApi({ endpointConfiguration: { types: ["EDGE"] } })]);
        assert.equal(found.length, 2);
        assert.match(found[0], /RestApi "customer-api": endpointConfiguration is omitted, which means EDGE; set endpointConfiguration.types to REGIONAL or PRIVATE/);
        assert.match(found[1], /endpointConfiguration.types is \[EDGE\]; set endpointConfiguration.types to REGIONAL or PRIVATE/);
    });

    it("rejects an HTTP domain whose endpointType is not REGIONAL", async () => {
        assert.deepEqual(await messages(policy, domainV2("EDGE")), [
            'aws:apigatewayv2/domainName:DomainName "partners-v2": domainNameConfiguration.endpointType is EDGE; set it to REGIONAL',
        ]);
    });

    it("judges a list of types on its known elements during preview: [EDGE, <unknown>] is EDGE", async () => {
        assert.deepEqual(await messages(policy, [domain({ endpointConfiguration: { types: ["EDGE", unknownValue] } }), domain({ endpointConfiguration: { types: [unknownValue] } })]), [
            'aws:apigateway/domainName:DomainName "partners": endpointConfiguration.types is [EDGE, (unknown during preview)]; set endpointConfiguration.types to REGIONAL',
        ]);
    });

    it("skips values that are unknown during preview", async () => {
        const resources = [
            domain({ endpointConfiguration: unknownValue, certificateArn: unknownValue }),
            domain({ endpointConfiguration: { types: unknownValue } }),
            restApi({ endpointConfiguration: { types: unknownValue, vpcEndpointIds: [unknownValue] } }),
            domainV2(unknownValue),
        ];
        assert.deepEqual(await messages(policy, resources), []);
    });
});
