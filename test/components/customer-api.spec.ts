import { strict as assert } from "node:assert";
import { CustomerApi } from "../../components/customer-api";
import { GatewayAccount } from "../../components/gateway-account";
import { PartnerAuthorizer } from "../../components/partner-authorizer";
import * as pulumi from "@pulumi/pulumi";
import { CapturedResource, capturingMocks } from "../../tools/simulator/program";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";
import { accessLogFormat } from "../../core/monitoring/access-log";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("CustomerApi", () => {
        let resources: Awaited<ReturnType<Awaited<ReturnType<typeof captureResources>>["settled"]>>;

        before(async () => {
            const capture = await captureResources();
            const account = new GatewayAccount("g", {});
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30 });
            const api = new CustomerApi("c", { stageName: "v1", logRetentionDays: 30, gatewayAccount: account, authorizerFunction: authorizer.function });
            await valueOf(api.stage.invokeUrl);
            resources = await capture.settled();
        });

        it("is Regional with the execute-api endpoint disabled", () => {
            const api = only(resources, "aws:apigateway/restApi:RestApi").inputs;
            assert.equal(api.disableExecuteApiEndpoint, true);
            assert.deepEqual(api.endpointConfiguration, { types: "REGIONAL" });
        });

        it("takes API keys from the authorizer and requires one on every method, so that usage plans meter partners who hold none", () => {
            assert.equal(only(resources, "aws:apigateway/restApi:RestApi").inputs.apiKeySource, "AUTHORIZER");
            const methods = allOf(resources, "aws:apigateway/method:Method");
            assert.ok(methods.length > 0);
            assert.ok(methods.every((m) => m.inputs.apiKeyRequired === true));
        });

        it("serves GET /customer/{customer-id} through a Lambda proxy integration, validating the path parameter", () => {
            const paths = allOf(resources, "aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart);
            assert.deepEqual(paths.sort(), ["customer", "{customer-id}"]);
            const method = only(resources, "aws:apigateway/method:Method").inputs;
            assert.equal(method.httpMethod, "GET");
            assert.deepEqual(method.requestParameters, { "method.request.path.customer-id": true });
            const validator = only(resources, "aws:apigateway/requestValidator:RequestValidator");
            assert.equal(validator.inputs.validateRequestParameters, true);
            assert.equal(method.requestValidatorId, validator.id);
            const integration = only(resources, "aws:apigateway/integration:Integration").inputs;
            assert.equal(integration.type, "AWS_PROXY");
            assert.equal(integration.integrationHttpMethod, "POST");
            assert.equal(integration.uri, only(resources, "aws:lambda/function:Function", "c-handler").outputs.invokeArn);
            const permission = only(resources, "aws:lambda/permission:Permission", "c-invoke").inputs;
            assert.equal(permission.principal, "apigateway.amazonaws.com");
            assert.match(permission.sourceArn, /\/\*\/GET\/customer\/\*$/);
        });

        it("lets GET through only after a REQUEST authorizer on the given function, which API Gateway may invoke and does not cache", () => {
            const method = only(resources, "aws:apigateway/method:Method").inputs;
            const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
            const fn = only(resources, "aws:lambda/function:Function", "a-function").outputs;
            assert.equal(method.authorization, "CUSTOM");
            assert.equal(method.authorizerId, authorizer.id);
            assert.equal(authorizer.inputs.type, "REQUEST");
            assert.equal(authorizer.inputs.authorizerUri, fn.invokeArn);
            assert.equal(authorizer.inputs.authorizerResultTtlInSeconds, 0);
            assert.equal(authorizer.inputs.identitySource, "method.request.header.Host", "a header every request has, not the provider's default Authorization");
            const permission = only(resources, "aws:lambda/permission:Permission", "c-authorize").inputs;
            assert.equal(permission.function, fn.name);
            assert.match(permission.sourceArn, new RegExp(`/authorizers/${authorizer.id}$`));
        });

        it("runs the handler on the newest Node.js runtime", () => {
            const fn = only(resources, "aws:lambda/function:Function", "c-handler").inputs;
            assert.equal(fn.runtime, "nodejs24.x");
            assert.equal(fn.handler, "index.handler");
        });

        it("logs each access with the caller's certificate serial and the partner's name, and executions at INFO", () => {
            const stage = only(resources, "aws:apigateway/stage:Stage").inputs;
            const format = JSON.parse(stage.accessLogSettings.format);
            assert.equal(stage.accessLogSettings.format, accessLogFormat);
            assert.equal(format.clientCertSerial, "$context.identity.clientCert.serialNumber");
            assert.equal(format.partner, "$context.authorizer.partner");
            assert.equal(stage.accessLogSettings.destinationArn, only(resources, "aws:cloudwatch/logGroup:LogGroup", "c-access-log").outputs.arn);
            const settings = only(resources, "aws:apigateway/methodSettings:MethodSettings").inputs;
            assert.equal(settings.settings.loggingLevel, "INFO");
        });

        it("owns the stage's execution-log group, under the name API Gateway writes to, with a retention, before the stage (below)", () => {
            const api = only(resources, "aws:apigateway/restApi:RestApi");
            const group = only(resources, "aws:cloudwatch/logGroup:LogGroup", "c-execution-log");
            assert.equal(group.inputs.name, `API-Gateway-Execution-Logs_${api.id}/v1`);
            assert.equal(group.inputs.retentionInDays, 30);
        });

        it("points the stage at the deployment", () => {
            assert.equal(only(resources, "aws:apigateway/stage:Stage").inputs.deployment, only(resources, "aws:apigateway/deployment:Deployment").id);
        });
    });

    describe("CustomerApi stage", () => {
        for (const [what, gated] of [
            ["the account-level logging role is set, which its access logs need", (args: pulumi.runtime.MockResourceArgs) => args.type === "aws:apigateway/account:Account"],
            ["its execution-log group exists, which API Gateway would otherwise make with no expiry", (args: pulumi.runtime.MockResourceArgs) => args.name === "c-execution-log"],
        ] as const) {
            it(`is created only once ${what}`, async () => {
                const resources: CapturedResource[] = [];
                let openGate: () => void = () => undefined;
                const gate = new Promise<void>((resolve) => (openGate = resolve));
                const mocks = capturingMocks("test", "eu-west-1", resources);
                await pulumi.runtime.setMocks({
                    ...mocks,
                    newResource: async (args) => {
                        if (gated(args)) {
                            await gate;
                        }
                        return mocks.newResource(args);
                    },
                }, "apigw-mtls", "test", false);
                const account = new GatewayAccount("g", {});
                const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30 });
                const api = new CustomerApi("c", { stageName: "v1", logRetentionDays: 30, gatewayAccount: account, authorizerFunction: authorizer.function });
                const registered = (type: string) => resources.some((r) => r.type === type);
                for (let waited = 0; !registered("aws:apigateway/deployment:Deployment") && waited < 5_000; waited += 10) {
                    await new Promise((resolve) => setTimeout(resolve, 10));
                }
                await new Promise((resolve) => setTimeout(resolve, 300));
                assert.ok(registered("aws:apigateway/deployment:Deployment"), "the deployment is there");
                assert.equal(registered("aws:apigateway/stage:Stage"), false, "no stage before it");
                openGate();
                await valueOf(api.stage.id);
                assert.ok(registered("aws:apigateway/stage:Stage"));
            });
        }
    });

    describe("CustomerApi deployment", () => {
        /** The deployment trigger of a CustomerApi whose authorizer runs the function of `authorizerName`. */
        async function trigger(authorizerName: string): Promise<string> {
            const capture = await captureResources();
            const account = new GatewayAccount("g", {});
            const authorizer = new PartnerAuthorizer(authorizerName, { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30 });
            const api = new CustomerApi("c", { stageName: "v1", logRetentionDays: 30, gatewayAccount: account, authorizerFunction: authorizer.function });
            await valueOf(api.stage.invokeUrl);
            return only(await capture.settled(), "aws:apigateway/deployment:Deployment").inputs.triggers.redeployment;
        }

        it("redeploys when the API definition changes, and not otherwise", async () => {
            const first = await trigger("a");
            assert.match(first, /^[0-9a-f]{16}$/);
            assert.equal(await trigger("a"), first, "the same API keeps its deployment");
            // Another function behind the authorizer updates the authorizer in place (same id): only its definition tells.
            assert.notEqual(await trigger("b"), first, "an authorizer on another function is a new deployment");
        });
    });
});
