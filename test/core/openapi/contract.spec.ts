import { strict as assert } from "node:assert";
import * as yaml from "js-yaml";
import { checkApiFile } from "../../../core/openapi/contract";
import { OpenApiError } from "../../../core/openapi/document";

const file = "apis/orders.yaml";
const handlers = ["customer"];
const exists = (name: string) => handlers.includes(name);
/** A valid file: GET /orders/{id} to an HTTP backend, POST /orders to the customer handler. */
const valid = () => ({
    openapi: "3.0.3",
    info: { title: "Orders", version: "1" },
    paths: {
        "/orders/{id}": { get: { "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://orders.internal.example.com/orders/{id}" } } },
        "/orders": { post: { "x-apigw-mtls-handler": "customer" } },
    },
} as Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> });

/** The one-line refusal of a file made from `valid()` by `change`. */
function refusal(change: (document: ReturnType<typeof valid>) => void, text?: string): string {
    const document = valid();
    change(document);
    try {
        checkApiFile(file, text ?? yaml.dump(document), exists);
    } catch (error) {
        assert.ok(error instanceof OpenApiError, String(error));
        assert.doesNotMatch(error.message, /\n/);
        return error.message;
    }
    return assert.fail("the file was accepted");
}

describe("OpenAPI contract", () => {
    it("accepts a file in YAML or JSON, naming the handlers it uses", () => {
        assert.deepEqual(checkApiFile(file, yaml.dump(valid()), exists).handlers, ["customer"]);
        assert.deepEqual(checkApiFile("apis/orders.json", JSON.stringify(valid()), exists).handlers, ["customer"]);
    });

    it("refuses what would bypass partner access, naming the file, the JSON pointer and the fix", () => {
        assert.equal(refusal((d) => { d.paths["/orders"].post.security = []; }),
            "apis/orders.yaml#/paths/~1orders/post/security: security is [], which would leave operations without the stack's authorizer; remove it (the stack puts its authorizer and the partner's API key on every operation)");
        assert.equal(refusal((d) => { d.components = { securitySchemes: { mine: { type: "apiKey", name: "auth", in: "header", "x-amazon-apigateway-authorizer": { type: "request" } } } }; }),
            "apis/orders.yaml#/components/securitySchemes/mine/x-amazon-apigateway-authorizer: declares an authorizer of its own, which would not deny revoked certificates; remove it (the stack puts its own authorizer on every operation)");
        assert.equal(refusal((d) => { d["x-amazon-apigateway-api-key-source"] = "HEADER"; }),
            'apis/orders.yaml#/x-amazon-apigateway-api-key-source: x-amazon-apigateway-api-key-source is "HEADER", but partners hold no API key: the stack\'s authorizer returns it; remove the extension (the stack sets AUTHORIZER)');
        assert.match(refusal((d) => { d.servers = [{ url: "/", "x-amazon-apigateway-endpoint-configuration": { types: ["EDGE"] } }]; }),
            /^apis\/orders.yaml#\/servers\/0\/x-amazon-apigateway-endpoint-configuration\/types: the endpoint type is \["EDGE"\], but mutual TLS needs a REGIONAL API .*; remove types/);
        assert.match(refusal((d) => { d.servers = [{ url: "/", "x-amazon-apigateway-endpoint-configuration": { vpcEndpointIds: ["vpce-1"] } }]; }), /vpcEndpointIds make a PRIVATE API/);
        assert.match(refusal((d) => { d.servers = [{ url: "/", "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: false } }]; }), /#\/servers\/0\/x-amazon-apigateway-endpoint-configuration\/disableExecuteApiEndpoint: /);
        assert.match(refusal((d) => { d.security = [{ oauth: [] }]; }), /^apis\/orders.yaml#\/security\/0\/oauth: security names "oauth", which is not the stack's authorizer/);
    });

    it("refuses a validator that does not validate parameters, and integrations it does not take", () => {
        assert.match(refusal((d) => { d["x-amazon-apigateway-request-validators"] = { none: { validateRequestParameters: false } }; d["x-amazon-apigateway-request-validator"] = "none"; }),
            /^apis\/orders.yaml#\/x-amazon-apigateway-request-validators\/none\/validateRequestParameters: .*set validateRequestParameters: true$/);
        assert.match(refusal((d) => { d.paths["/orders"].post = { "x-amazon-apigateway-integration": { type: "aws_proxy", uri: "arn:aws:apigateway:eu-west-1:lambda:path/fn" } }; }),
            /#\/paths\/~1orders\/post\/x-amazon-apigateway-integration\/type: aws_proxy to a function this stack does not make is not taken; set x-apigw-mtls-handler/);
        assert.match(refusal((d) => { d.paths["/orders"].post = { "x-apigw-mtls-handler": "billing" }; }), /x-apigw-mtls-handler names handlers\/billing.ts, which does not exist/);
        assert.match(refusal((d) => { d.paths["/orders"].post = { "x-apigw-mtls-handler": "authorizer" }; }), /x-apigw-mtls-handler is "authorizer"/);
        assert.match(refusal((d) => { d.paths["/orders"].post = {}; }), /^apis\/orders.yaml#\/paths\/~1orders\/post: has no integration; add x-amazon-apigateway-integration/);
        assert.match(refusal((d) => { d.paths["/orders/{id}"].get["x-amazon-apigateway-integration"] = { type: "http", httpMethod: "GET", uri: "orders" }; }), /the http integration has uri "orders"; set it to the backend's http\(s\) URL/);
    });

    it("refuses what is not OpenAPI 3.0, and YAML aliases", () => {
        assert.match(refusal((d) => { d.openapi = "3.1.0"; }), /^apis\/orders.yaml#\/openapi: openapi is "3.1.0"; write the API in OpenAPI 3.0/);
        assert.match(refusal(() => undefined, "swagger: '2.0'\npaths: {}\n"), /openapi is missing \(swagger "2.0"\)/);
        assert.match(refusal(() => undefined, "a: &x [1]\nb: *x\n"), /^apis\/orders.yaml: is not YAML or JSON/);
        assert.match(refusal((d) => { d.paths = {}; }), /#\/paths: declares no operation/);
    });
});
