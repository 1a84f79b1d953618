import { strict as assert } from "node:assert";
import { exportFindings, exportTitle } from "../../../core/openapi/export-check";

const fn = "arn:aws:lambda:eu-west-1:123456789012:function:authorizer-function-8b54b88";
const ours = { type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fn}/invocations`, authorizerResultTtlInSeconds: 0 } };
/** A stage export as the owners should leave it; `change` breaks it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reaches into the export's nested fields to break one
type Loose = Record<string, any>;
function exported(change: (document: Loose) => void = () => undefined): string {
    const document: Loose = {
        openapi: "3.0.1",
        info: { title: "billing-api" },
        servers: [{ url: "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/{basePath}", "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } }],
        "x-amazon-apigateway-api-key-source": "AUTHORIZER",
        components: { securitySchemes: { partners: ours, api_key: { type: "apiKey", name: "x-api-key", in: "header" } } },
        paths: { "/invoices/{id}": { get: { security: [{ partners: [], api_key: [] }] } } },
    };
    change(document);
    return JSON.stringify(document);
}

describe("export check of an API deployed elsewhere", () => {
    it("finds nothing wrong with an API whose every operation has the stack's authorizer and an API key", () => {
        assert.deepEqual(exportFindings(exported(), fn), []);
        assert.equal(exportTitle(exported()), "billing-api");
    });

    it("names each thing the owning team must fix", () => {
        assert.deepEqual(exportFindings(exported((d) => { d.paths["/invoices/{id}"].get.security = [{ api_key: [] }]; }), fn),
            ["1 operation(s) are not guarded by this stack's authorizer, so revoked certificates and partners' access are not enforced: GET /invoices/{id}"]);
        assert.deepEqual(exportFindings(exported((d) => { d.paths["/invoices/{id}"].get.security = [{ partners: [] }]; }), fn),
            ["1 operation(s) do not require an API key, so partners' throttles and quotas do not apply: GET /invoices/{id}"]);
        assert.match(exportFindings(exported((d) => { delete d["x-amazon-apigateway-api-key-source"]; }), fn)[0], /its API key source is "HEADER", not AUTHORIZER/);
        assert.match(exportFindings(exported((d) => { d.servers[0]["x-amazon-apigateway-endpoint-configuration"].disableExecuteApiEndpoint = false; }), fn)[0], /execute-api endpoint is enabled/);
        assert.match(exportFindings(exported((d) => { d.components.securitySchemes.partners["x-amazon-apigateway-authorizer"].authorizerResultTtlInSeconds = 300; }), fn)[0], /lets API Gateway cache results/);
        assert.match(exportFindings(exported(), "arn:aws:lambda:eu-west-1:123456789012:function:other").join(), /not guarded by this stack's authorizer/);
    });
});
