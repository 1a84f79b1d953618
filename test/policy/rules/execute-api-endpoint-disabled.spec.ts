import * as assert from "node:assert/strict";
import { executeApiEndpointDisabled as policy } from "../../../policy/rules/execute-api-endpoint-disabled";
import { messages, resource, unknownValue, violations } from "../../helpers/policy-args";

const restApi = (props: Record<string, unknown> = {}) =>
    resource("aws:apigateway/restApi:RestApi", "customer-api", { name: "customer", disableExecuteApiEndpoint: true, ...props });
const httpApi = (props: Record<string, unknown> = {}) =>
    resource("aws:apigatewayv2/api:Api", "http-api", { protocolType: "HTTP", disableExecuteApiEndpoint: true, ...props });

describe("policy execute-api-endpoint-disabled", () => {
    it("accepts REST and HTTP APIs that disable the execute-api endpoint", async () => {
        assert.deepEqual(await messages(policy, [restApi(), httpApi()]), []);
    });

    it("rejects a REST API that omits disableExecuteApiEndpoint, since omitted means enabled", async () => {
        const found = await violations(policy, restApi({ disableExecuteApiEndpoint: undefined }));
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "mandatory");
        assert.equal(found[0].urn, restApi().urn);
        assert.match(found[0].message, /^aws:apigateway\/restApi:RestApi "customer-api": disableExecuteApiEndpoint is omitted .*set disableExecuteApiEndpoint: true/);
    });

    it("rejects a REST API that sets disableExecuteApiEndpoint to false", async () => {
        assert.match((await messages(policy, restApi({ disableExecuteApiEndpoint: false })))[0], /disableExecuteApiEndpoint is false; set disableExecuteApiEndpoint: true/);
    });

    it("rejects an HTTP API (apigatewayv2) with the execute-api endpoint on", async () => {
        assert.match((await messages(policy, httpApi({ disableExecuteApiEndpoint: undefined })))[0], /^aws:apigatewayv2\/api:Api "http-api": disableExecuteApiEndpoint is omitted/);
    });

    it("skips a value that is unknown during preview", async () => {
        assert.deepEqual(await violations(policy, restApi({ disableExecuteApiEndpoint: unknownValue })), []);
    });

    it("ignores other resource types", async () => {
        assert.deepEqual(await messages(policy, resource("aws:s3/bucket:Bucket", "b", {})), []);
    });
});
