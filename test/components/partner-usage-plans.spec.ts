import { strict as assert } from "node:assert";
import { PartnerUsagePlans } from "../../components/partner-usage-plans";
import { defaultLimits, PartnerLimits, UsageLimits } from "../../core/usage/limits";
import { CapturedResource, runProgram } from "../../tools/simulator/program";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";


const types = {
    apiKey: "aws:apigateway/apiKey:ApiKey",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    planKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    parameter: "aws:ssm/parameter:Parameter",
};
const slow: UsageLimits = { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: "DAY" } };
const parameterName = "/apigw-mtls/test/partner-usage-keys";

/** The plans, keys and parameter of PartnerUsagePlans "usage" for these partners, once registered. */
async function declare(partners: PartnerLimits[]): Promise<{ resources: CapturedResource[]; usage: PartnerUsagePlans }> {
    const capture = await captureResources();
    const usage = new PartnerUsagePlans("usage", { partners, apiStages: [{ apiId: "a1b2c3d4e5", stage: "v1" }], parameterName });
    await valueOf(usage.parameter.arn);
    return { resources: await capture.settled(), usage };
}

describe("PartnerUsagePlans", () => {
    before(async () => {
        await captureResources();
    });

    describe("for partners on the default limits and one lower override", () => {
        let resources: CapturedResource[];
        let usage: PartnerUsagePlans;
        before(async () => {
            ({ resources, usage } = await declare([
                { name: "acme-bank", ...defaultLimits },
                { name: "initech", ...slow },
                { name: "globex", ...defaultLimits },
            ]));
        });

        it("gives every partner an API key named for the stack and partner, enabled, with no value set, so that AWS generates it", () => {
            const keys = allOf(resources, types.apiKey);
            assert.deepEqual(keys.map((k) => k.name).sort(), ["usage-acme-bank-key", "usage-globex-key", "usage-initech-key"]);
            const acme = only(resources, types.apiKey, "usage-acme-bank-key").inputs;
            assert.equal(acme.name, "test-acme-bank");
            assert.equal(acme.enabled, true);
            assert.deepEqual(acme.tags, { partner: "acme-bank" });
            assert.equal(acme.value, undefined);
            assert.deepEqual(Object.keys(usage.apiKeys).sort(), ["acme-bank", "globex", "initech"]);
            assert.ok(keys.every((k) => /^[A-Za-z0-9]{40}$/.test(k.outputs.value)), "AWS's keys are 40 letters and digits");
        });

        it("makes one usage plan on the stage per set of limits, shared by the partners that have the same", () => {
            const plans = allOf(resources, types.plan);
            assert.deepEqual(plans.map((p) => p.name).sort(), ["usage-r5-b10-q10000-day", "usage-r50-b100-q100000-day"]);
            const shared = only(resources, types.plan, "usage-r50-b100-q100000-day").inputs;
            assert.deepEqual(Object.keys(usage.plans).sort(), ["r5-b10-q10000-day", "r50-b100-q100000-day"]);
            assert.deepEqual(shared.apiStages, [{ apiId: "a1b2c3d4e5", stage: "v1" }]);
            assert.deepEqual(shared.throttleSettings, { rateLimit: 50, burstLimit: 100 });
            assert.deepEqual(shared.quotaSettings, { limit: 100_000, period: "DAY" });
            assert.equal(shared.name, "test-r50-b100-q100000-day");
            assert.match(shared.description, /: acme-bank, globex$/);
        });

        it("gives the partner with an override a plan of its own with its lower limits", () => {
            const own = only(resources, types.plan, "usage-r5-b10-q10000-day").inputs;
            assert.deepEqual(own.throttleSettings, { rateLimit: 5, burstLimit: 10 });
            assert.deepEqual(own.quotaSettings, { limit: 10_000, period: "DAY" });
        });

        it("puts each partner's key in its partner's plan", () => {
            const planOf = (partner: string) => {
                const key = only(resources, types.apiKey, `usage-${partner}-key`);
                const planKey = only(resources, types.planKey, `usage-${partner}-plan`);
                assert.equal(planKey.inputs.keyId, key.id);
                assert.equal(planKey.inputs.keyType, "API_KEY");
                assert.equal(planKey.id, key.id, "a plan key's id is its key's");
                return resources.find((r) => r.type === types.plan && r.id === planKey.inputs.usagePlanId)?.name;
            };
            assert.equal(planOf("acme-bank"), "usage-r50-b100-q100000-day");
            assert.equal(planOf("globex"), "usage-r50-b100-q100000-day");
            assert.equal(planOf("initech"), "usage-r5-b10-q10000-day");
        });

        it("keeps the keys by partner in a SecureString parameter of the given name", () => {
            const parameter = only(resources, types.parameter, "usage-keys");
            assert.equal(parameter.inputs.name, parameterName);
            assert.equal(parameter.inputs.type, "SecureString");
            const byPartner = Object.fromEntries(allOf(resources, types.apiKey).map((k) => [k.inputs.tags.partner, k.outputs.value]));
            assert.deepEqual(JSON.parse(parameter.inputs.value), byPartner);
            assert.equal(parameter.outputs.arn, `arn:aws:ssm:eu-west-1:123456789012:parameter${parameterName}`);
        });

        it("gets back from each plan key its key's name and value, as the provider returns them (the engine spec proves that value secret in state)", () => {
            for (const planKey of allOf(resources, types.planKey)) {
                const key = resources.find((r) => r.type === types.apiKey && r.id === planKey.id);
                assert.equal(planKey.outputs.name, key?.outputs.name);
                assert.equal(planKey.outputs.value, key?.outputs.value);
            }
        });
    });

    it("declares no plan, key or plan key without partners, and an empty map of keys", async () => {
        const { resources } = await declare([]);
        assert.deepEqual(resources.filter((r) => r.custom).map((r) => r.type), [types.parameter]);
        assert.equal(only(resources, types.parameter).inputs.value, "{}");
    });

    describe("in the program", () => {
        it("meters the dev stack's partners on every API's stage: initech on its own lower plan, the others sharing the default", async () => {
            const run = await runProgram({ stack: "dev" });
            const stages = allOf(run.resources, "aws:apigateway/stage:Stage").map((stage) => ({ apiId: stage.inputs.restApi, stage: stage.inputs.stageName }));
            assert.equal(stages.length, 2, "the customer and orders APIs");
            const plans = allOf(run.resources, types.plan);
            assert.deepEqual(plans.map((p) => [p.name, p.outputs.description.replace(/^.*: /, "")]).sort(), [
                ["usage-r5-b10-q10000-day", "initech"],
                ["usage-r50-b100-q100000-day", "acme-bank, globex, vandelay"],
            ]);
            assert.ok(plans.every((p) => JSON.stringify(p.inputs.apiStages) === JSON.stringify(stages)));
            assert.equal(allOf(run.resources, types.apiKey).length, 4, "every kind of partner has a key: generated, from a request, own CA");
            assert.equal(allOf(run.resources, types.planKey).length, 4);
        });

        it("gives the authorizer the names of the keys' and the API stages' parameters, and may read those parameters only", async () => {
            const run = await runProgram({ stack: "dev" });
            const parameter = only(run.resources, types.parameter, "usage-keys");
            const stages = only(run.resources, types.parameter, "api-stages-parameter");
            const fn = only(run.resources, "aws:lambda/function:Function", "authorizer-function");
            assert.equal(fn.inputs.environment.variables.USAGE_KEYS_PARAMETER, parameter.inputs.name);
            assert.equal(fn.inputs.environment.variables.API_STAGES_PARAMETER, stages.inputs.name);
            assert.equal(parameter.inputs.name, "/apigw-mtls/dev/partner-usage-keys");
            const policy = JSON.parse(only(run.resources, "aws:iam/rolePolicy:RolePolicy", "authorizer-function-policy").inputs.policy);
            assert.deepEqual(policy.Statement, [
                { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [parameter.outputs.arn] },
                { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [stages.outputs.arn] },
            ]);
        });

        it("moves a partner to the plan of its new limits when its override changes, and drops the plan nobody is on", async () => {
            const run = await runProgram({ stack: "dev", config: { partners: { "acme-bank": {}, initech: { throttle: { rateLimit: 1, burstLimit: 2 } } } } });
            assert.deepEqual(allOf(run.resources, types.plan).map((p) => p.name).sort(), ["usage-r1-b2-q100000-day", "usage-r50-b100-q100000-day"]);
        });

        it("exports no key value among the stack's outputs", async () => {
            const run = await runProgram({ stack: "dev" });
            const outputs = JSON.stringify(run.outputs);
            for (const key of allOf(run.resources, types.apiKey)) {
                assert.ok(!outputs.includes(key.outputs.value), `${key.name}'s value is in no output`);
            }
        });
    });
});
