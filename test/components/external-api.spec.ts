import { strict as assert } from "node:assert";
import { CapturedResource, runProgram } from "../../tools/simulator/program";
import { allOf, only } from "../helpers/outputs";

const billing = { basePath: "billing", restApiId: "a1b2c3d4e5", stageName: "prod" };

describe("ExternalApi in the program", () => {
    let resources: readonly CapturedResource[];
    let outputs: Record<string, unknown>;
    before(async () => {
        const run = await runProgram({
            stack: "dev",
            config: { apis: { customer: { basePath: "c360", openApiFile: "apis/customer.yaml" }, billing }, partners: { "acme-bank": { access: ["billing"] }, initech: {} } },
        });
        ({ resources } = run);
        outputs = run.outputs as Record<string, unknown>;
    });

    it("maps the stage another stack deploys by its id and stage, beside the stack's own API", () => {
        const mappings = allOf(resources, "aws:apigateway/basePathMapping:BasePathMapping").map((m) => [m.name, m.inputs.restApi, m.inputs.stageName, m.inputs.basePath]);
        assert.deepEqual(mappings.find(([name]) => name === "mapping-billing-mapping"), ["mapping-billing-mapping", "a1b2c3d4e5", "prod", "billing"]);
        assert.equal(allOf(resources, "aws:apigateway/restApi:RestApi").length, 1, "the stack creates no API for it");
        assert.deepEqual(outputs.apiUrls, { customer: "https://api.dev.example.com/c360", billing: "https://api.dev.example.com/billing" });
        assert.equal(outputs.apiUrl, "https://api.dev.example.com/c360");
    });

    it("lets that API invoke the authorizer, and exports the authorizer's ARN for its owners", () => {
        const fn = only(resources, "aws:lambda/function:Function", "authorizer-function");
        const permission = only(resources, "aws:lambda/permission:Permission", "billing-authorize").inputs;
        assert.equal(permission.function, fn.outputs.name);
        assert.equal(permission.sourceArn, "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/authorizers/*");
        assert.equal(outputs.authorizerArn, fn.outputs.arn);
    });

    it("meters its stage in every usage plan, and alarms on its 5XX, 4XX and latency by the name its export gives", () => {
        for (const plan of allOf(resources, "aws:apigateway/usagePlan:UsagePlan")) {
            assert.ok((plan.inputs.apiStages as { apiId: string; stage: string }[]).some((s) => s.apiId === "a1b2c3d4e5" && s.stage === "prod"), plan.name);
        }
        const alarms = allOf(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("monitoring-billing-"));
        assert.deepEqual(alarms.map((a) => a.inputs.metricName).sort(), ["4XXError", "5XXError", "Latency"]);
        assert.ok(alarms.every((a) => JSON.stringify(a.inputs.dimensions) === JSON.stringify({ ApiName: "api-a1b2c3d4e5", Stage: "prod" })));
    });

    it("gives the authorizer each partner's APIs, and the stages' parameter both APIs' stages", () => {
        const stages = JSON.parse(only(resources, "aws:ssm/parameter:Parameter", "api-stages-parameter").inputs.value as string) as Record<string, string>;
        assert.deepEqual(Object.keys(stages), ["customer", "billing"]);
        assert.equal(stages.billing, "a1b2c3d4e5/prod");
        assert.match(stages.customer, /^[a-z0-9]+\/v1$/);
    });
});
