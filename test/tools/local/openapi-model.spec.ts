// Local mode's model of REST APIs defined by an OpenAPI body and of APIs deployed elsewhere, read
// from hand-made resources as the program declares them: routes, security, validators and
// integrations, and what it refuses with the place in the body named.
import { strict as assert } from "node:assert";
import { readApiConfig } from "../../../tools/local/api-config";
import type { DomainModel, HttpIntegration, MethodModel, StageModel } from "../../../tools/local/domain-model";
import { integrationUrl } from "../../../tools/local/integrations";
import { buildModel, ModelError } from "../../../tools/local/model";
import type { ProxyRequest } from "../../../tools/local/proxy-event";
import { route } from "../../../tools/local/routing";
import type { CapturedResource } from "../../../tools/simulator/program";
import { bodyApi, domain, executionArn, lambda, mapping, permission, securitySchemes, usagePlan } from "../../helpers/api-stack";

const authorizer = lambda("authorizer", "exports.handler = async () => ({});");
const handler = lambda("handler", "exports.handler = async () => ({ statusCode: 200 });");

function proxy(uri: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { type: "http_proxy", httpMethod: "ANY", uri, ...extra };
}

/** The body of a test API: templates, a static sibling, ANY beside POST, a greedy catch-all and the root. */
function body(paths: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        openapi: "3.0.3",
        info: { title: "t", version: "1" },
        "x-amazon-apigateway-api-key-source": "AUTHORIZER",
        "x-amazon-apigateway-request-validators": {
            params: { validateRequestParameters: true, validateRequestBody: false },
            "body-only": { validateRequestParameters: false, validateRequestBody: true },
        },
        "x-amazon-apigateway-request-validator": "params",
        components: { securitySchemes: securitySchemes(authorizer) },
        security: [{ partner: [], api_key: [] }],
        paths: {
            "/": { get: { "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": "{\"statusCode\": 200}" }, responses: { default: { statusCode: "200" } } } } },
            "/items/{id}": {
                parameters: [{ name: "id", in: "path", required: true }],
                get: {
                    parameters: [{ name: "format", in: "query", required: true }, { name: "X-Trace", in: "header", required: false }],
                    "x-amazon-apigateway-integration": proxy("http://items.internal/items/{id}", {
                        requestParameters: { "integration.request.path.id": "method.request.path.id", "integration.request.header.X-Client-Cert-Serial": "context.identity.clientCert.serialNumber" },
                    }),
                },
            },
            "/items/{id}/notes": {
                get: {
                    "x-amazon-apigateway-request-validator": "body-only",
                    parameters: [{ name: "format", in: "query", required: true }],
                    "x-amazon-apigateway-integration": { type: "mock", responses: { default: { statusCode: "200" } } },
                },
            },
            "/items/special": { get: { security: [], "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: handler.outputs.invokeArn } } },
            "/items/{id}/parts": {
                "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": proxy("http://items.internal/parts") },
                post: { "x-amazon-apigateway-integration": proxy("http://items.internal/parts/new") },
            },
            "/{proxy+}": { "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": proxy("http://files.internal/{proxy}", { requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" } }) } },
            ...paths,
        },
    };
}

function stack(apiBody: unknown, extra: CapturedResource[] = []): CapturedResource[] {
    return [
        ...domain("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
        authorizer, handler,
        permission("authorize", authorizer, `${executionArn("itemsapi01")}/authorizers/*`),
        permission("invoke", handler, `${executionArn("itemsapi01")}/*/*/*`),
        ...bodyApi("itemsapi01", "items", "v1", apiBody),
        ...extra,
    ];
}

function methodAt(model: DomainModel, path: string, httpMethod: string): MethodModel {
    const found = route(model, path, httpMethod);
    assert.equal(found.kind, "method", `${httpMethod} ${path} routes to a method`);
    return (found as { method: MethodModel }).method;
}

function refusal(apiBody: unknown): string {
    try {
        buildModel(stack(apiBody));
    } catch (error) {
        assert.ok(error instanceof ModelError, String(error));
        return error.message;
    }
    assert.fail("the model was built");
}

describe("local mode's model of OpenAPI bodies and APIs deployed elsewhere", () => {
    describe("routes of a body", () => {
        const model = buildModel(stack(body()));
        const routes: [string, string, string, Record<string, string> | null][] = [
            ["GET", "/items/items/42", "/items/{id}", { id: "42" }],
            ["GET", "/items/items/special", "/items/special", null],
            ["DELETE", "/items/items/42/parts", "/items/{id}/parts", { id: "42" }],
            ["GET", "/items/a/b%20c/d.txt", "/{proxy+}", { proxy: "a/b c/d.txt" }],
            ["GET", "/items", "/", null],
        ];
        for (const [httpMethod, path, resource, parameters] of routes) {
            it(`routes ${httpMethod} ${path} to ${resource}`, () => {
                const found = route(model, path, httpMethod);
                assert.equal(found.kind, "method");
                const { method, pathParameters } = found as { method: MethodModel; pathParameters: Record<string, string> | null };
                assert.deepEqual([method.resourcePath, pathParameters], [resource, parameters]);
            });
        }

        it("prefers a declared method over ANY on one resource", () => {
            assert.equal(methodAt(model, "/items/items/42/parts", "POST").httpMethod, "POST");
            assert.equal(methodAt(model, "/items/items/42/parts", "PATCH").httpMethod, "ANY");
        });

        it("tells a missing method from a path outside every mapping", () => {
            assert.equal(route(model, "/items/items/42", "POST").kind, "no-method");
            assert.equal(route(model, "/elsewhere/x", "GET").kind, "no-mapping");
        });
    });

    describe("security, validation and integrations", () => {
        const model = buildModel(stack(body()));
        const stage = model.mappings[0].stage as StageModel;

        it("guards operations with the scheme's REQUEST authorizer and API key, unless an operation sets security: []", () => {
            const guarded = methodAt(model, "/items/items/42", "GET");
            assert.equal(guarded.authorizer?.function.functionName, "authorizer");
            assert.deepEqual([guarded.authorizer?.identitySources, guarded.authorizer?.ttlSeconds, guarded.authorizer?.invokeProblem], [["method.request.header.Host"], 0, undefined]);
            assert.equal(guarded.apiKeyRequired, true);
            assert.equal(stage.apiKeySource, "AUTHORIZER");
            const open = methodAt(model, "/items/items/special", "GET");
            assert.deepEqual([open.authorizer, open.apiKeyRequired], [undefined, false]);
        });

        it("requires the parameters the validator validates: required query strings and headers only", () => {
            assert.deepEqual(methodAt(model, "/items/items/42", "GET").requiredParameters, [{ in: "querystring", name: "format" }]);
        });

        it("lets an operation's validator that does not validate parameters override the API's", () => {
            assert.deepEqual(methodAt(model, "/items/items/42/notes", "GET").requiredParameters, []);
        });

        it("reads aws_proxy, http_proxy and mock integrations", () => {
            const lambdaIntegration = methodAt(model, "/items/items/special", "GET").integration;
            assert.deepEqual(lambdaIntegration.kind === "lambda" && [lambdaIntegration.function.functionName, lambdaIntegration.invokeProblem], ["handler", undefined]);
            const http = methodAt(model, "/items/items/42", "GET").integration as HttpIntegration;
            assert.deepEqual([http.kind, http.proxy, http.uri, http.timeoutMs], ["http", true, "http://items.internal/items/{id}", 29_000]);
            assert.deepEqual(http.requestParameters, [
                { in: "path", name: "id", source: { from: "path", name: "id" } },
                { in: "header", name: "X-Client-Cert-Serial", source: { from: "context", path: ["identity", "clientCert", "serialNumber"] } },
            ]);
            const mock = methodAt(model, "/items", "GET").integration;
            assert.deepEqual(mock.kind === "mock" && mock.statusCodes, { "application/json": 200 });
        });

        it("sends http integrations to the API's localUrl when the apis config sets one", () => {
            const local = buildModel(stack(body()), [{ name: "items", basePath: "items", localUrl: "http://127.0.0.1:9200/svc" }]);
            const http = methodAt(local, "/items/items/42", "GET").integration as HttpIntegration;
            assert.equal(http.localUrl, "http://127.0.0.1:9200/svc");
        });
    });

    describe("the request an http integration sends", () => {
        const model = buildModel(stack(body()), [{ name: "items", basePath: "items", localUrl: "http://127.0.0.1:9200/svc" }]);
        const request = (pathParameters: Record<string, string>, query: Record<string, string[]> | null): ProxyRequest => ({
            pathParameters, multiValueQueryStringParameters: query, queryStringParameters: null, headers: {}, multiValueHeaders: {}, stageVariables: null,
            requestContext: { identity: { clientCert: { serialNumber: "0a:1b" } } },
        } as unknown as ProxyRequest);

        it("fills {proxy} with the greedy path, slashes kept and segments encoded, on the localUrl with its path", () => {
            const http = methodAt(model, "/items/a/b", "GET").integration as HttpIntegration;
            assert.equal(integrationUrl(http, request({ proxy: "docs/a b.txt" }, { v: ["1", "2"] })).href, "http://127.0.0.1:9200/svc/docs/a%20b.txt?v=1&v=2");
        });

        it("passes the caller's query string through http_proxy only, mapped parameters over it", () => {
            const proxied = { ...(methodAt(model, "/items/items/1", "GET").integration as HttpIntegration), localUrl: undefined };
            const mappedOnly: HttpIntegration = { ...proxied, proxy: false, requestParameters: [...proxied.requestParameters, { in: "querystring", name: "v", source: { from: "static", value: "fixed" } }] };
            assert.equal(integrationUrl(proxied, request({ id: "1" }, { v: ["1"] })).href, "http://items.internal/items/1?v=1");
            assert.equal(integrationUrl(mappedOnly, request({ id: "1" }, { v: ["1"], other: ["2"] })).href, "http://items.internal/items/1?v=fixed");
        });
    });

    describe("what local mode refuses, naming the place in the body", () => {
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["a VTL template", { "/vtl": { get: { "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": "{\"statusCode\": $input.params('s')}" } } } } },
                /^REST API itemsapi01-api body \/paths\/~1vtl\/get\/x-amazon-apigateway-integration\/requestTemplates\/application\/json is a VTL template; local mode serves static mapping templates only/],
            ["a URI parameter nothing maps", { "/unmapped/{id}": { get: { "x-amazon-apigateway-integration": proxy("http://x.internal/{id}") } } },
                /\/paths\/~1unmapped~1\{id\}\/get\/x-amazon-apigateway-integration\/uri names \{id\} but no requestParameters maps integration\.request\.path\.id; add "integration\.request\.path\.id": "method\.request\.path\.id"$/],
            ["an operation without an integration", { "/bare": { get: {} } },
                /\/paths\/~1bare\/get\/x-amazon-apigateway-integration is missing; .* add the integration$/],
            ["an aws integration", { "/aws": { get: { "x-amazon-apigateway-integration": { type: "aws", uri: "arn:aws:apigateway:eu-west-1:s3:path/b" } } } },
                /\/paths\/~1aws\/get\/x-amazon-apigateway-integration\/type is aws; local mode serves aws_proxy, http, http_proxy and mock integrations$/],
        ];
        for (const [what, paths, message] of cases) {
            it(`refuses ${what}`, () => {
                assert.match(refusal(body(paths)), message);
            });
        }

        it("refuses a TOKEN authorizer", () => {
            const tokenBody = body();
            const schemes = (tokenBody.components as { securitySchemes: Record<string, { "x-amazon-apigateway-authorizer": Record<string, unknown> }> }).securitySchemes;
            schemes.partner["x-amazon-apigateway-authorizer"].type = "token";
            assert.match(refusal(tokenBody), /^REST API itemsapi01-api body \/components\/securitySchemes\/partner is a TOKEN authorizer; local mode emulates REQUEST Lambda authorizers$/);
        });
    });

    describe("APIs deployed elsewhere", () => {
        const elsewhere = [
            mapping("a1b2c3d4e5", "billing", "prod"),
            mapping("f6g7h8i9j0", "ledger", "live"),
            permission("authorize-billing", authorizer, `${executionArn("a1b2c3d4e5")}/authorizers/*`),
            ...usagePlan([{ apiId: "a1b2c3d4e5", stage: "prod" }], ["acme-bank"]),
        ];
        const apis = [
            { name: "billing", basePath: "billing", restApiId: "a1b2c3d4e5", localUrl: "http://127.0.0.1:9100" },
            { name: "ledger", basePath: "ledger", restApiId: "f6g7h8i9j0" },
        ];
        const model = buildModel(stack(body(), elsewhere), apis);

        it("serves every path and method of the stage, to its localUrl, with the stack's authorizer where the program lets that API invoke it", () => {
            const method = methodAt(model, "/billing/invoices/7", "PUT");
            assert.deepEqual(method.integration, { kind: "elsewhere", apiName: "billing", restApiId: "a1b2c3d4e5", localUrl: "http://127.0.0.1:9100" });
            assert.deepEqual([method.authorizer?.function.functionName, method.apiKeyRequired], ["authorizer", true]);
            assert.equal(methodAt(model, "/billing", "GET").resourcePath, "/");
            const stage = route(model, "/billing/x", "GET");
            assert.deepEqual(stage.kind === "method" && [stage.stage.apiId, stage.stage.stageName, stage.stage.usagePlans[0]?.keys.map((k) => k.partner)], ["a1b2c3d4e5", "prod", ["acme-bank"]]);
        });

        it("serves one without a permission for the authorizer and without a localUrl as it is mapped: no authorizer, no address", () => {
            const method = methodAt(model, "/ledger/x", "GET");
            assert.deepEqual([method.authorizer, method.apiKeyRequired, method.integration.kind === "elsewhere" && method.integration.localUrl], [undefined, false, undefined]);
        });

        it("refuses a mapping of an API neither declared nor named in the apis config", () => {
            assert.throws(() => buildModel(stack(body(), elsewhere), apis.slice(0, 1)),
                /^ModelError: base-path mapping ledger-mapping maps REST API f6g7h8i9j0, which this stack does not declare; name it in apigw-mtls:apis with restApiId f6g7h8i9j0 and its stageName$/);
        });

        it("refuses a localUrl that is no http(s) origin, naming the key and the fix", () => {
            assert.throws(() => readApiConfig(JSON.stringify({ billing: { basePath: "billing", localUrl: "127.0.0.1:9100" } })),
                /^ModelError: apigw-mtls:apis\.billing\.localUrl is 127\.0\.0\.1:9100; set it to an http\(s\) origin such as http:\/\/127\.0\.0\.1:9100/);
            assert.deepEqual(readApiConfig(JSON.stringify({ billing: { basePath: "billing", restApiId: "a1b2c3d4e5", localUrl: "http://127.0.0.1:9100" } })),
                [{ name: "billing", basePath: "billing", restApiId: "a1b2c3d4e5", localUrl: "http://127.0.0.1:9100" }]);
        });
    });
});
