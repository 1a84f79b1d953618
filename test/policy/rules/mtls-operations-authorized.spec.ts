import * as assert from "node:assert/strict";
import { mtlsOperationsAuthorized as policy } from "../../../policy/rules/mtls-operations-authorized";
import { mutate, resource } from "../../helpers/policy-args";
import { runStackRule, servedStack, stackMessages, usageTypes } from "../../helpers/policy-usage";

const authorizer = { type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: "arn:aws:apigateway:eu-west-1:lambda:path/fn/invocations" } };
/** An OpenAPI body whose two operations use `security` (both guarded when it names the authorizer). */
const body = (security: unknown) => JSON.stringify({
    openapi: "3.0.3",
    components: { securitySchemes: { partner: authorizer, api_key: { type: "apiKey", name: "x-api-key", in: "header" } } },
    paths: {
        "/orders/{id}": { get: { security: [{ partner: [], api_key: [] }] } },
        "/orders": { post: { security } },
    },
});
const withBody = (value: string) => mutate(servedStack(), usageTypes.restApi, (p) => { p.body = value; });
const apiSubject = 'aws:apigateway/restApi:RestApi "customer-api" is served by the mTLS domain api.example.com';

describe("policy mtls-operations-authorized", () => {
    it("accepts an API served by an mTLS domain whose every operation names a Lambda authorizer", async () => {
        assert.deepEqual(await runStackRule(policy, withBody(body([{ partner: [], api_key: [] }]))), { violations: [] });
    });

    it("is advisory", () => assert.equal(policy.enforcementLevel, "advisory"));

    it("rejects an operation with security [] or without the authorizer, naming the API, the operation and the fix", async () => {
        const expected = `${apiSubject}, but 1 operation(s) of its body have no Lambda authorizer in every security requirement (POST /orders), ` +
            "so revoked certificates pass; give each operation security [{<scheme with x-amazon-apigateway-authorizer>: []}]";
        assert.deepEqual(await stackMessages(policy, withBody(body([]))), [expected]);
        assert.deepEqual(await stackMessages(policy, withBody(body([{ api_key: [] }]))), [expected]);
        assert.deepEqual(await stackMessages(policy, withBody(body([{ partner: [] }, {}]))), [expected], "an empty requirement lets any call in");
    });

    it("rejects a body it cannot read, and a Method of the API without CUSTOM authorization", async () => {
        assert.match((await stackMessages(policy, withBody("{ not: [json")))[0], /its body is neither JSON nor YAML/);
        const method = resource("aws:apigateway/method:Method", "get-orders", { restApi: "a1b2c3d4e5", authorization: "NONE", httpMethod: "GET", resourceId: "r1" });
        assert.match((await stackMessages(policy, [...servedStack(), method]))[0], /^aws:apigateway\/method:Method "get-orders": authorization is "NONE", but .*set authorization: CUSTOM/);
    });
});
