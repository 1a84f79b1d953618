// The local gateway's contract with functions: the proxy event (and its client certificate) as
// API Gateway builds it, and REQUEST authorizers honoured as API Gateway honours them. The dev
// stack is extended under mocks: its integration runs an echo function, and its method gets an
// authorizer of the test's own.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { CapturedResource } from "../../../tools/simulator/program";
import type { LocalRun } from "../../../tools/local/start";
import { customerApi } from "../../helpers/api-stack";

const echo = `
exports.handler = async (event) => {
    if (event.headers["x-test"] === "malformed") return { body: {} };
    if (event.headers["x-test"] === "throw") throw new Error("boom");
    console.log("echoing " + event.path);
    return { statusCode: 200, headers: { "content-type": "application/json", "x-echo": "yes" }, body: JSON.stringify({ event, env: process.env }) };
};`;

const authorizer = `
exports.handler = async (event) => {
    const test = event.headers["x-test"];
    if (test === "unauthorized") throw new Error("Unauthorized");
    if (test === "broken") return { principalId: "x" };
    if (test === "nested") return { principalId: "x", policyDocument: { Statement: [] }, context: { deep: { no: 1 } } };
    const cert = event.requestContext.identity.clientCert;
    const effect = cert.subjectDN.includes("initech") ? "Deny" : test === "no-allow" ? "None" : "Allow";
    return {
        principalId: cert.subjectDN,
        policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: event.methodArn }] },
        context: { partner: cert.subjectDN.split(",")[0].slice(3), tier: 1, type: event.type, methodArn: event.methodArn, serial: cert.serialNumber },
    };
};`;

function archive(code: string): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) });
}

/** Echo behind the customer API's GET operation, and an authorizer of ours as its only security. */
function extend(resources: CapturedResource[]): void {
    const customer = customerApi(resources);
    const { api, handler: target } = customer;
    target.inputs.code = archive(echo);
    target.inputs.environment = { variables: { GREETING: "hello" } };

    const region = String(target.outputs.arn).split(":")[3];
    const arn = `arn:aws:lambda:${region}:123456789012:function:test-authorizer`;
    const fn = {
        type: "aws:lambda/function:Function", name: "test-authorizer", urn: "urn:pulumi:dev::apigw-mtls::aws:lambda/function:Function::test-authorizer",
        id: "test-authorizer", custom: true,
        inputs: { ...target.inputs, code: archive(authorizer), environment: undefined, name: "test-authorizer" },
        outputs: { ...target.outputs, name: "test-authorizer", arn, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations` },
    };
    customer.document.components = {
        ...customer.document.components,
        securitySchemes: {
            ...customer.document.components?.securitySchemes,
            test: { type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: fn.outputs.invokeArn, identitySource: "", authorizerResultTtlInSeconds: 0 } },
        },
    };
    // Our authorizer names no API key; usage plans have their own spec (usage-plans-e2e).
    customer.operation.security = [{ test: [] }];
    customer.save();
    const permission = {
        type: "aws:lambda/permission:Permission", name: "test-authorize", urn: "urn:pulumi:dev::apigw-mtls::aws:lambda/permission:Permission::test-authorize",
        id: "test-authorize", custom: true,
        inputs: { action: "lambda:InvokeFunction", function: "test-authorizer", principal: "apigateway.amazonaws.com", sourceArn: `${api.outputs.executionArn}/authorizers/*` },
        outputs: {},
    };
    permission.outputs = permission.inputs;
    resources.push(fn, permission);
}

interface Reply {
    readonly status?: number;
    readonly headers: Record<string, unknown>;
    readonly json?: unknown;
    readonly error?: Error;
}

/** What the echo function answers with: the event it was given and its environment (JSON, so strings only). */
interface EchoBody {
    readonly event: APIGatewayProxyEvent;
    readonly env: Readonly<Record<string, string>>;
}

/** The echo function's answer in a reply; fails the test if the reply has no body. */
function echoOf(reply: Reply): EchoBody {
    assert.ok(reply.json !== undefined, `no body: ${reply.error?.message ?? `status ${reply.status}`}`);
    return reply.json as EchoBody;
}

function call(local: LocalRun, partner: string, urlPath: string, headers: Record<string, string> = {}): Promise<Reply> {
    const files = local.partners.find((p) => p.name === partner);
    return new Promise((resolve) => {
        const request = https.request({
            host: "127.0.0.1", port: local.port, servername: local.domain.domainName, path: urlPath,
            headers: { host: local.domain.domainName, ...headers },
            ca: fs.readFileSync(local.serverCaFile),
            cert: fs.readFileSync(String(files?.certFile)), key: fs.readFileSync(String(files?.keyFile)),
            agent: false, timeout: 5_000,
        }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, json: body === "" ? undefined : JSON.parse(body) }));
        });
        request.on("timeout", () => request.destroy(new Error("timed out")));
        request.on("error", (error) => resolve({ headers: {}, error }));
        request.end();
    });
}

describe("the local gateway's events and authorizers", function () {
    this.timeout(30_000);
    let local: LocalRun;
    let dir: string;
    let base: string;
    const functionLines: string[] = [];

    before(async () => {
        process.env.APIGW_MTLS_TEST_HOST_ONLY = "must not reach functions";
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-gateway-"));
        const { startLocal } = await import("../../../tools/local/start");
        local = await startLocal({ stack: "dev", port: 0, dir, mutate: extend, functionLog: (name, line) => functionLines.push(`${name}: ${line}`) });
        base = `/${local.domain.mappings[0].basePath.join("/")}`;
    });

    after(async () => {
        delete process.env.APIGW_MTLS_TEST_HOST_ONLY;
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("gives the integration the proxy event API Gateway builds, client certificate included", async () => {
        const reply = await call(local, "acme-bank", `${base}/customer/42?a=1&b=2&b=3`);
        assert.equal(reply.status, 200, JSON.stringify(reply.json ?? reply.error?.message));
        assert.equal(reply.headers["x-echo"], "yes");
        const { event } = echoOf(reply);
        assert.equal(event.resource, "/customer/{customer-id}");
        assert.equal(event.path, "/customer/42");
        assert.equal(event.httpMethod, "GET");
        assert.deepEqual(event.pathParameters, { "customer-id": "42" });
        assert.deepEqual(event.queryStringParameters, { a: "1", b: "3" });
        assert.deepEqual(event.multiValueQueryStringParameters, { a: ["1"], b: ["2", "3"] });
        assert.equal(event.headers["X-Forwarded-Proto"], "https");
        assert.equal(event.body, null);
        assert.equal(event.requestContext.path, `${base}/customer/42`);
        assert.equal(event.requestContext.stage, "v1");
        assert.equal(event.requestContext.domainName, "api.dev.example.com");
        assert.equal(event.requestContext.resourcePath, "/customer/{customer-id}");
        assert.match(event.requestContext.requestTime ?? "", /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);

        const sent = new X509Certificate(fs.readFileSync(String(local.partners.find((p) => p.name === "acme-bank")?.certFile)));
        const clientCert = event.requestContext.identity.clientCert;
        assert.ok(clientCert, "the event carries the client certificate");
        assert.equal(clientCert.clientCertPem.trim(), sent.toString().trim());
        assert.equal(clientCert.subjectDN, "CN=acme-bank.partners.example.com,O=Acme Bank");
        assert.equal(clientCert.issuerDN, "CN=Example Corp partner issuing CA,O=Example Corp");
        assert.match(clientCert.serialNumber, /^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
        assert.equal(BigInt(`0x${clientCert.serialNumber.replace(/:/g, "")}`), BigInt(`0x${sent.serialNumber}`));
        assert.equal(clientCert.validity.notBefore, sent.validFrom);
        assert.equal(clientCert.validity.notAfter, sent.validTo);
        assert.match(clientCert.validity.notAfter, /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} GMT$/);
    });

    it("runs the function with its own environment, not the host's, and collects what it prints", async () => {
        const reply = await call(local, "acme-bank", `${base}/customer/7`);
        const { env } = echoOf(reply);
        assert.equal(env.GREETING, "hello");
        assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, customerApi(local.resources).handler.outputs.name);
        assert.equal(env.AWS_REGION, "eu-west-1");
        assert.equal(env.APIGW_MTLS_TEST_HOST_ONLY, undefined);
        assert.ok(functionLines.some((line) => line.endsWith("echoing /customer/7")), functionLines.join("\n"));
    });

    it("passes the authorizer a REQUEST event with the method ARN, and its context to the integration", async () => {
        const reply = await call(local, "acme-bank", `${base}/customer/42`);
        const { event } = echoOf(reply);
        const context = event.requestContext.authorizer;
        assert.ok(context, "the integration's event carries the authorizer's context");
        assert.equal(context.partner, "acme-bank.partners.example.com");
        assert.equal(context.principalId, "CN=acme-bank.partners.example.com,O=Acme Bank");
        assert.equal(context.tier, 1);
        assert.equal(context.type, "REQUEST");
        assert.match(context.methodArn, /^arn:aws:execute-api:eu-west-1:123456789012:[a-z0-9]+\/v1\/GET\/customer\/42$/);
        assert.equal(context.serial, event.requestContext.identity.clientCert?.serialNumber);
    });

    it("answers an explicit Deny with 403 and API Gateway's message", async () => {
        const reply = await call(local, "initech", `${base}/customer/42`);
        assert.equal(reply.status, 403);
        assert.deepEqual(reply.json, { Message: "User is not authorized to access this resource with an explicit deny" });
    });

    it("answers a policy without a matching Allow with 403, Unauthorized with 401, and a broken answer with 500", async () => {
        const implicit = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "no-allow" });
        const unauthorized = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "unauthorized" });
        const broken = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "broken" });
        const nested = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "nested" });
        assert.deepEqual([implicit.status, implicit.json], [403, { Message: "User is not authorized to access this resource" }]);
        assert.deepEqual([unauthorized.status, unauthorized.json], [401, { message: "Unauthorized" }]);
        assert.deepEqual([broken.status, broken.json, broken.headers["x-amzn-errortype"]], [500, { message: null }, "AuthorizerConfigurationException"]);
        assert.equal(nested.status, 500);
    });

    it("answers 502 when the function throws or returns a malformed proxy response", async () => {
        const thrown = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "throw" });
        const malformed = await call(local, "acme-bank", `${base}/customer/42`, { "x-test": "malformed" });
        assert.deepEqual([thrown.status, thrown.json], [502, { message: "Internal server error" }]);
        assert.deepEqual([malformed.status, malformed.json], [502, { message: "Internal server error" }]);
    });

    it("marks functions API Gateway has no lambda.Permission to invoke", async () => {
        const { buildModel } = await import("../../../tools/local/model");
        const withoutPermissions = local.resources.filter((r) => r.type !== "aws:lambda/permission:Permission");
        const stage = buildModel(withoutPermissions).mappings[0].stage;
        const method = stage?.root.statics.get("customer")?.param?.node.methods.get("GET");
        assert.equal(method?.integration.kind, "lambda");
        assert.match(String(method?.integration.kind === "lambda" && method.integration.invokeProblem), /no aws\.lambda\.Permission .* from arn:aws:execute-api:.*\/v1\/GET\/customer\/\{customer-id\}$/);
        assert.match(String(method?.authorizer?.invokeProblem), /no aws\.lambda\.Permission .*test-authorizer from .*\/authorizers\/[0-9a-f]{6}$/);
        const deployed = buildModel(local.resources).mappings[0].stage?.root.statics.get("customer")?.param?.node.methods.get("GET");
        assert.deepEqual([deployed?.integration.kind, deployed?.integration.kind === "lambda" && deployed.integration.invokeProblem], ["lambda", undefined]);
        assert.equal(deployed?.authorizer?.invokeProblem, undefined);
    });
});
