// Local mode serving every kind of API end to end, over mutual TLS on 127.0.0.1: an API from an
// OpenAPI body with http_proxy, http, mock and aws_proxy integrations whose HTTP upstream runs on
// this machine (its localUrl) and records what it receives, an API deployed elsewhere passed to
// its localUrl, one without a localUrl, and two partners whose authorizer allows different APIs.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ClientCertificates, colonHex } from "../../../tools/local/client-certs";
import type { DomainModel } from "../../../tools/local/domain-model";
import { Gateway, startGateway } from "../../../tools/local/gateway";
import { loadFunction, LocalFunction } from "../../../tools/local/lambda";
import { buildModel } from "../../../tools/local/model";
import { UsagePlans } from "../../../tools/local/usage-plans";
import { issueServerCredentials } from "../../../tools/smoke/certificates";
import { bodyApi, domain, domainName, executionArn, lambda, mapping, permission, securitySchemes, usagePlan } from "../../helpers/api-stack";
import { keyPem, makeCa, makeLeaf } from "../../helpers/certs";

/** What the upstream received. */
interface Received {
    readonly method: string;
    readonly url: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

/** An HTTP server on 127.0.0.1 that records each request and answers 200 (or after a second under /slow). */
async function startUpstream(): Promise<{ server: http.Server; port: number; received: Received[] }> {
    const received: Received[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        req.on("end", () => {
            received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
            const answer = () => {
                res.writeHead(req.url?.includes("missing") ? 404 : 200, { "content-type": "application/json", "x-upstream": "orders-service" });
                res.end(JSON.stringify({ served: req.url }));
            };
            if (req.url?.startsWith("/slow")) {
                setTimeout(answer, 1_000).unref();
            } else {
                answer();
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as AddressInfo).port, received };
}

const ordersApi = "ordersapi1";
const billingApi = "a1b2c3d4e5";
const ledgerApi = "f6g7h8i9j0";

// Partners' access as the stack's authorizer grants it: acme-bank the orders API, vandelay orders
// and billing; initech is denied outright (as a revoked certificate is).
const authorizerCode = `
const access = JSON.parse(process.env.ACCESS);
exports.handler = async (event) => {
    const partner = /CN=([^.,]+)/.exec(event.requestContext.identity.clientCert.subjectDN)[1];
    const effect = partner === "initech" ? "Deny" : "Allow";
    return {
        principalId: partner,
        usageIdentifierKey: "key-" + partner,
        policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: effect === "Deny" ? event.methodArn : access[partner] }] },
        context: { partner },
    };
};`;

const echoCode = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ path: event.path, partner: event.requestContext.authorizer.partner }) });`;

function ordersBody(authorizer: ReturnType<typeof lambda>, echo: ReturnType<typeof lambda>): Record<string, unknown> {
    const serial = { "integration.request.header.X-Client-Cert-Serial": "context.identity.clientCert.serialNumber" };
    return {
        openapi: "3.0.3",
        info: { title: "orders", version: "1" },
        "x-amazon-apigateway-api-key-source": "AUTHORIZER",
        "x-amazon-apigateway-request-validators": { params: { validateRequestParameters: true, validateRequestBody: false } },
        "x-amazon-apigateway-request-validator": "params",
        components: { securitySchemes: securitySchemes(authorizer) },
        security: [{ partner: [], api_key: [] }],
        paths: {
            "/orders/{id}": {
                get: {
                    parameters: [{ name: "id", in: "path", required: true }],
                    "x-amazon-apigateway-integration": {
                        type: "http_proxy", httpMethod: "GET", uri: "https://orders.internal.example.com/orders/{id}",
                        requestParameters: { "integration.request.path.id": "method.request.path.id", ...serial },
                    },
                },
            },
            "/orders": { post: { "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "POST", uri: "https://orders.internal.example.com/orders", requestParameters: serial } } },
            "/files/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "ANY", uri: "https://orders.internal.example.com/files/{proxy}", requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" } },
                },
            },
            "/invoices/{id}": {
                get: {
                    parameters: [{ name: "format", in: "query", required: true }],
                    "x-amazon-apigateway-integration": {
                        type: "http", httpMethod: "GET", uri: "https://orders.internal.example.com/invoices/{id}",
                        requestParameters: { "integration.request.path.id": "method.request.path.id", "integration.request.querystring.as": "method.request.querystring.format" },
                        responses: { "4\\d{2}": { statusCode: "404", responseTemplates: { "application/json": "{\"error\":\"no such invoice\"}" } }, default: { statusCode: "200" } },
                    },
                },
            },
            "/slow": { get: { "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://orders.internal.example.com/slow", timeoutInMillis: 200 } } },
            "/status": {
                get: {
                    "x-amazon-apigateway-integration": {
                        type: "mock", requestTemplates: { "application/json": "{\"statusCode\": 200}" },
                        responses: { default: { statusCode: "200", responseParameters: { "method.response.header.X-Mock": "'yes'" }, responseTemplates: { "application/json": "{\"status\":\"open\"}" } } },
                    },
                },
            },
            "/customer/{customer-id}": { get: { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: echo.outputs.invokeArn } } },
        },
    };
}

interface Reply {
    readonly status?: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

describe("local mode serving APIs from OpenAPI bodies and APIs deployed elsewhere, end to end", function () {
    this.timeout(30_000);
    const logged: string[] = [];
    let dir: string;
    let upstream: Awaited<ReturnType<typeof startUpstream>>;
    let gateway: Gateway;
    let model: DomainModel;
    let serverCa: string;
    const partners = new Map<string, { cert: string; key: string }>();

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-apis-e2e-"));
        upstream = await startUpstream();
        const ca = await makeCa("CN=Test Partners CA, O=Test");
        for (const name of ["acme-bank", "vandelay", "initech"]) {
            const leaf = await makeLeaf(`CN=${name}.partners.example.com, O=Test`, ca);
            partners.set(name, { cert: leaf.pem, key: await keyPem(leaf) });
        }
        const everything = (apiId: string, stage: string) => `${executionArn(apiId)}/${stage}/*/*`;
        const authorizer = lambda("authorizer", authorizerCode, {
            ACCESS: JSON.stringify({ "acme-bank": [everything(ordersApi, "v1")], vandelay: [everything(ordersApi, "v1"), everything(billingApi, "prod")] }),
        });
        const echo = lambda("echo", echoCode);
        const resources = [
            ...domain(ca.pem),
            authorizer, echo,
            permission("authorize-orders", authorizer, `${executionArn(ordersApi)}/authorizers/*`),
            permission("authorize-billing", authorizer, `${executionArn(billingApi)}/authorizers/*`),
            permission("invoke-echo", echo, `${executionArn(ordersApi)}/*/GET/customer/*`),
            ...bodyApi(ordersApi, "orders", "v1", ordersBody(authorizer, echo)),
            mapping(billingApi, "billing", "prod"),
            mapping(ledgerApi, "ledger", "live"),
            ...usagePlan([{ apiId: ordersApi, stage: "v1" }, { apiId: billingApi, stage: "prod" }], ["acme-bank", "vandelay", "initech"]),
        ];
        const origin = `http://127.0.0.1:${upstream.port}`;
        model = buildModel(resources, [
            { name: "orders", basePath: "orders", localUrl: origin },
            { name: "billing", basePath: "billing", restApiId: billingApi, localUrl: `${origin}/billing-service` },
            { name: "ledger", basePath: "ledger", restApiId: ledgerApi },
        ]);
        const server = await issueServerCredentials(domainName, "apis e2e server CA");
        serverCa = server.caPem;
        gateway = await startGateway({
            domain: model, clients: await ClientCertificates.fromTruststore(model.truststorePem), server, usagePlans: new UsagePlans(model), port: 0, log: (line) => logged.push(line),
        });
        const functions = new Map<string, LocalFunction>();
        for (const fn of model.functions) {
            functions.set(fn.resourceName, await loadFunction(fn, path.join(dir, fn.resourceName)));
        }
        gateway.serve(functions);
    });

    after(async () => {
        await gateway?.stop();
        await new Promise((resolve) => upstream?.server.close(resolve));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** One call as `partner` over a fresh mutual-TLS connection. */
    function call(partner: string, method: string, urlPath: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
        const credentials = partners.get(partner);
        return new Promise((resolve, reject) => {
            const request = https.request({
                host: "127.0.0.1", port: gateway.port, servername: domainName, method, path: urlPath, ca: serverCa, ...credentials, agent: false, timeout: 10_000,
                headers: { host: domainName, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
            }, (response) => {
                let text = "";
                response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
                response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: text }));
            });
            request.on("timeout", () => request.destroy(new Error("timed out")));
            request.on("error", reject);
            request.end(body);
        });
    }

    function serialOf(partner: string): string {
        return colonHex(new X509Certificate(partners.get(partner)?.cert ?? "").serialNumber);
    }

    /** What the upstream received from the call `act` makes. */
    async function upstreamOf(act: () => Promise<Reply>): Promise<{ reply: Reply; received: Received[] }> {
        const before = upstream.received.length;
        const reply = await act();
        return { reply, received: upstream.received.slice(before) };
    }

    it("passes an http_proxy call to the API's localUrl: path with {id} filled, query, method, the mapped certificate serial, and the answer back", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "GET", "/orders/orders/o-17?expand=lines&expand=notes"));
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual(JSON.parse(reply.body), { served: "/orders/o-17?expand=lines&expand=notes" });
        assert.equal(reply.headers["x-upstream"], "orders-service");
        assert.equal(received.length, 1);
        assert.deepEqual([received[0].method, received[0].url, received[0].headers.host], ["GET", "/orders/o-17?expand=lines&expand=notes", `127.0.0.1:${upstream.port}`]);
        assert.equal(received[0].headers["x-client-cert-serial"], serialOf("acme-bank"));
    });

    it("passes a POST's body and content type through http_proxy", async () => {
        const order = JSON.stringify({ item: "widget", quantity: 3 });
        const { reply, received } = await upstreamOf(() => call("vandelay", "POST", "/orders/orders", order));
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual([received[0]?.method, received[0]?.url, received[0]?.body, received[0]?.headers["content-type"]], ["POST", "/orders", order, "application/json"]);
        assert.equal(received[0]?.headers["x-client-cert-serial"], serialOf("vandelay"));
    });

    it("sends any method on a greedy path with the rest of the path in {proxy}", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "DELETE", "/orders/files/reports/2026/q4.csv"));
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual([received[0]?.method, received[0]?.url], ["DELETE", "/files/reports/2026/q4.csv"]);
    });

    it("sends only what an http integration maps, and answers with the integration response its status selects", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "GET", "/orders/invoices/9?format=pdf&other=1"));
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual(JSON.parse(reply.body), { served: "/invoices/9?as=pdf" });
        assert.deepEqual([received[0]?.url, received[0]?.headers["x-client-cert-serial"]], ["/invoices/9?as=pdf", undefined]);
        const missing = await call("acme-bank", "GET", "/orders/invoices/missing?format=pdf");
        assert.deepEqual([missing.status, JSON.parse(missing.body)], [404, { error: "no such invoice" }]);
    });

    it("refuses a call without a required parameter with 400 before the upstream hears of it", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "GET", "/orders/invoices/9"));
        assert.deepEqual([reply.status, JSON.parse(reply.body), received.length], [400, { message: "Missing required request parameters: [format]" }, 0]);
    });

    it("answers 504 when the upstream takes longer than the integration's timeout", async () => {
        const reply = await call("acme-bank", "GET", "/orders/slow");
        assert.deepEqual([reply.status, JSON.parse(reply.body)], [504, { message: "Endpoint request timed out" }]);
    });

    it("answers a mock integration from its integration response, without an upstream", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "GET", "/orders/status"));
        assert.deepEqual([reply.status, JSON.parse(reply.body), reply.headers["x-mock"], received.length], [200, { status: "open" }, "yes", 0]);
    });

    it("runs an aws_proxy integration's function from the repository with the authorizer's context", async () => {
        const reply = await call("acme-bank", "GET", "/orders/customer/42");
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual(JSON.parse(reply.body), { path: "/customer/42", partner: "acme-bank" });
    });

    it("passes a call to an API deployed elsewhere to its localUrl, for a partner whose access names it", async () => {
        const { reply, received } = await upstreamOf(() => call("vandelay", "PUT", "/billing/invoices/7?draft=1", "{\"total\":12}"));
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual([received[0]?.method, received[0]?.url, received[0]?.body], ["PUT", "/billing-service/invoices/7?draft=1", "{\"total\":12}"]);
    });

    it("answers a partner whose access does not name the API as API Gateway does: 403, not authorized", async () => {
        const { reply, received } = await upstreamOf(() => call("acme-bank", "GET", "/billing/invoices/7"));
        assert.deepEqual([reply.status, JSON.parse(reply.body), reply.headers["x-amzn-errortype"], received.length],
            [403, { Message: "User is not authorized to access this resource" }, "AccessDeniedException", 0]);
    });

    it("answers an authorizer's explicit Deny with 403 and API Gateway's explicit-deny message", async () => {
        const reply = await call("initech", "GET", "/orders/orders/o-1");
        assert.deepEqual([reply.status, JSON.parse(reply.body)], [403, { Message: "User is not authorized to access this resource with an explicit deny" }]);
    });

    it("answers 502 for an API deployed elsewhere without a localUrl, naming the key to set", async () => {
        const reply = await call("acme-bank", "GET", "/ledger/entries");
        assert.equal(reply.status, 502);
        assert.match(JSON.parse(reply.body).message, /^API ledger \(REST API f6g7h8i9j0\) is deployed elsewhere and local mode has no address for it: set apigw-mtls:apis\.ledger\.localUrl to where it runs on this machine/);
        assert.ok(logged.some((line) => / apigw-mtls:apis\.ledger\.localUrl is not set: 502$/.test(line)), logged.join("\n"));
    });

    it("answers a path no API has with 403 Missing Authentication Token", async () => {
        const reply = await call("acme-bank", "GET", "/orders/nothing/here");
        assert.deepEqual([reply.status, JSON.parse(reply.body)], [403, { message: "Missing Authentication Token" }]);
    });
});
