import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { GatewayAccount } from "../../components/gateway-account";
import { OpenApiApi } from "../../components/openapi-api";
import { PartnerAuthorizer } from "../../components/partner-authorizer";
import { accessLogFormat } from "../../core/monitoring/access-log";
import { CheckedApi, checkApiFile } from "../../core/openapi/contract";
import { CapturedResource } from "../../tools/simulator/program";
import { allOf, captureResources, gatedMocks, only, valueOf } from "../helpers/outputs";

const projectDir = path.resolve(__dirname, "..", "..");
const handlerExists = (name: string) => fs.existsSync(path.join(projectDir, "handlers", `${name}.ts`));
const file = (name: string): CheckedApi => checkApiFile(`apis/${name}.yaml`, fs.readFileSync(path.join(projectDir, "apis", `${name}.yaml`), "utf8"), handlerExists);

/** The resources of an OpenApiApi "c" from `api`, whose authorizer is the function of PartnerAuthorizer `authorizerName`. */
async function declare(api: CheckedApi, authorizerName = "a"): Promise<CapturedResource[]> {
    const capture = await captureResources();
    const account = new GatewayAccount("g", {});
    const authorizer = new PartnerAuthorizer(authorizerName, { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30 });
    const created = new OpenApiApi("c", { api, stageName: "v1", logRetentionDays: 30, gatewayAccount: account, authorizerFunction: authorizer.function });
    await valueOf(created.stage.invokeUrl);
    return capture.settled();
}

const bodyOf = (resources: readonly CapturedResource[]) => JSON.parse(only(resources, "aws:apigateway/restApi:RestApi").inputs.body as string) as {
    paths: Record<string, Record<string, { security: unknown; "x-amazon-apigateway-integration": Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, Record<string, unknown>> };
} & Record<string, unknown>;

describe("OpenApiApi", () => {
    describe("from the sample customer API's file", () => {
        let resources: CapturedResource[];
        before(async () => {
            resources = await declare(file("customer"));
        });

        it("is Regional, with the execute-api endpoint disabled and API keys from the authorizer, whatever the file says", () => {
            const api = only(resources, "aws:apigateway/restApi:RestApi").inputs;
            assert.equal(api.disableExecuteApiEndpoint, true);
            assert.deepEqual(api.endpointConfiguration, { types: "REGIONAL" });
            assert.equal(api.apiKeySource, "AUTHORIZER");
            assert.equal(api.putRestApiMode, "overwrite");
            assert.equal(bodyOf(resources)["x-amazon-apigateway-api-key-source"], "AUTHORIZER");
        });

        it("guards every operation with the stack's REQUEST authorizer, uncached, and an API key", () => {
            const body = bodyOf(resources);
            const fn = only(resources, "aws:lambda/function:Function", "a-function").outputs;
            assert.deepEqual(body.paths["/customer/{customer-id}"].get.security, [{ "apigw-mtls-authorizer": [], api_key: [] }]);
            assert.deepEqual(body.components.securitySchemes["apigw-mtls-authorizer"]["x-amazon-apigateway-authorizer"], {
                type: "request", authorizerUri: fn.invokeArn, identitySource: "method.request.header.Host", authorizerResultTtlInSeconds: 0,
            });
            const permission = only(resources, "aws:lambda/permission:Permission", "c-authorize").inputs;
            assert.equal(permission.function, fn.name);
            assert.match(permission.sourceArn as string, /\/authorizers\/\*$/);
        });

        it("owns the stage's execution-log group, under the name API Gateway writes to, with a retention", () => {
            const api = only(resources, "aws:apigateway/restApi:RestApi");
            const group = only(resources, "aws:cloudwatch/logGroup:LogGroup", "c-execution-log");
            assert.equal(group.inputs.name, `API-Gateway-Execution-Logs_${api.id}/v1`);
            assert.equal(group.inputs.retentionInDays, 30);
        });

        it("writes the access log in the format of core/monitoring/access-log.ts, which no subject can break", () => {
            assert.equal(only(resources, "aws:apigateway/stage:Stage").inputs.accessLogSettings.format, accessLogFormat);
        });

        it("validates the declared parameters", () => {
            const body = bodyOf(resources);
            assert.equal(body["x-amazon-apigateway-request-validator"], "apigw-mtls-parameters");
            assert.deepEqual(body["x-amazon-apigateway-request-validators"], { "apigw-mtls-parameters": { validateRequestParameters: true, validateRequestBody: false } });
        });

        it("serves x-apigw-mtls-handler: customer through a Lambda proxy integration to its own function of handlers/customer.ts", () => {
            const operation = bodyOf(resources).paths["/customer/{customer-id}"].get;
            const fn = only(resources, "aws:lambda/function:Function", "c-customer");
            assert.deepEqual(operation["x-amazon-apigateway-integration"], { type: "aws_proxy", httpMethod: "POST", uri: fn.outputs.invokeArn });
            assert.equal("x-apigw-mtls-handler" in operation, false, "the body is API Gateway's own OpenAPI");
            assert.equal(fn.inputs.runtime, "nodejs24.x");
            const permission = only(resources, "aws:lambda/permission:Permission", "c-customer-invoke").inputs;
            assert.equal(permission.function, fn.outputs.name);
        });

        it("logs each access with the caller's certificate and partner, and executions at INFO, on a stage of the deployment", () => {
            const stage = only(resources, "aws:apigateway/stage:Stage").inputs;
            const format = JSON.parse(stage.accessLogSettings.format as string) as Record<string, string>;
            assert.equal(format.clientCertSerial, "$context.identity.clientCert.serialNumber");
            assert.equal(format.partner, "$context.authorizer.partner");
            assert.equal(stage.accessLogSettings.destinationArn, only(resources, "aws:cloudwatch/logGroup:LogGroup", "c-access-log").outputs.arn);
            assert.equal(only(resources, "aws:apigateway/methodSettings:MethodSettings").inputs.settings.loggingLevel, "INFO");
            assert.equal(stage.deployment, only(resources, "aws:apigateway/deployment:Deployment").id);
        });
    });

    it("keeps a file's HTTP integrations as written, making no function", async () => {
        const resources = await declare(file("orders"));
        const body = bodyOf(resources);
        assert.equal(allOf(resources, "aws:lambda/function:Function").length, 1, "the authorizer's only");
        assert.equal(body.paths["/invoices/{id}"].get["x-amazon-apigateway-integration"].uri, "https://orders.internal.example.com/invoices/{id}");
        assert.deepEqual(Object.keys(body.paths).sort(), ["/invoices/{id}", "/orders", "/orders/{id}"]);
        assert.ok(Object.values(body.paths).every((item) => Object.values(item).every((op) => JSON.stringify(op.security) === '[{"apigw-mtls-authorizer":[],"api_key":[]}]')));
    });

    describe("deployment", () => {
        const trigger = async (api: CheckedApi, authorizerName = "a") => only(await declare(api, authorizerName), "aws:apigateway/deployment:Deployment").inputs.triggers.redeployment as string;

        it("redeploys when the file changes or an ARN in the body does, and not otherwise", async () => {
            const first = await trigger(file("customer"));
            assert.match(first, /^[0-9a-f]{16}$/);
            assert.equal(await trigger(file("customer")), first, "an unchanged file keeps its deployment");
            const changed = file("customer");
            const summary = { ...changed, document: structuredClone(changed.document) };
            (summary.document.info as Record<string, string>).description = "a new line in the file";
            assert.notEqual(await trigger(summary), first, "a changed file is a new deployment");
            assert.notEqual(await trigger(file("customer"), "b"), first, "an authorizer on another function is a new deployment");
        });
    });

    for (const [what, gated] of [
        ["the account-level logging role is set, which its access logs need", (args: pulumi.runtime.MockResourceArgs) => args.type === "aws:apigateway/account:Account"],
        ["its execution-log group exists, which API Gateway would otherwise make with no expiry", (args: pulumi.runtime.MockResourceArgs) => args.name === "c-execution-log"],
    ] as const) {
        it(`creates the stage only once ${what}`, async () => {
            const gate = await gatedMocks(gated);
            const account = new GatewayAccount("g", {});
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30 });
            const api = new OpenApiApi("c", { api: file("customer"), stageName: "v1", logRetentionDays: 30, gatewayAccount: account, authorizerFunction: authorizer.function });
            await gate.settleAfter("aws:apigateway/deployment:Deployment");
            assert.ok(gate.registered("aws:apigateway/deployment:Deployment"), "the deployment is there");
            assert.equal(gate.registered("aws:apigateway/stage:Stage"), false, "no stage before it");
            gate.open();
            await valueOf(api.stage.id);
            assert.ok(gate.registered("aws:apigateway/stage:Stage"));
        });
    }
});
