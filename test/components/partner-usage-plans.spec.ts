import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { PartnerAuthorizer } from "../../components/partner-authorizer";
import { PartnerUsageKeys } from "../../components/partner-usage-keys";
import { PartnerUsagePlans } from "../../components/partner-usage-plans";
import { defaultLimits, PartnerLimits, UsageLimits } from "../../core/usage/limits";
import { CapturedResource, ProgramFailure, runProgram } from "../../tools/simulator/program";
import { allOf, captureResources, gatedMocks, only, valueOf, withWarnings } from "../helpers/outputs";


const types = {
    apiKey: "aws:apigateway/apiKey:ApiKey",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    planKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    parameter: "aws:ssm/parameter:Parameter",
};
const slow: UsageLimits = { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: "DAY" } };
const parameterName = "/apigw-mtls/test/partner-usage-keys";

/** The keys, plans and parameter of PartnerUsageKeys and PartnerUsagePlans "usage" for these partners, once registered. */
async function declare(partners: PartnerLimits[]): Promise<{ resources: CapturedResource[]; keys: PartnerUsageKeys; usage: PartnerUsagePlans }> {
    const capture = await captureResources();
    const keys = new PartnerUsageKeys("usage", { partners: partners.map((p) => p.name), parameterName });
    const usage = new PartnerUsagePlans("usage", { partners, apiKeys: keys.apiKeys, apiStages: [{ apiId: "a1b2c3d4e5", stage: "v1" }] });
    await Promise.all(keys.parameters.map((parameter) => valueOf(parameter.arn)));
    return { resources: await capture.settled(), keys, usage };
}

describe("PartnerUsagePlans and PartnerUsageKeys", () => {
    before(async () => {
        await captureResources();
    });

    describe("for partners on the default limits and one lower override", () => {
        let resources: CapturedResource[];
        let keys: PartnerUsageKeys;
        let usage: PartnerUsagePlans;
        before(async () => {
            ({ resources, keys, usage } = await declare([
                { name: "acme-bank", ...defaultLimits },
                { name: "initech", ...slow },
                { name: "globex", ...defaultLimits },
            ]));
        });

        it("gives every partner an API key named for the stack and partner, enabled, with no value set, so that AWS generates it", () => {
            const apiKeys = allOf(resources, types.apiKey);
            assert.deepEqual(apiKeys.map((k) => k.name).sort(), ["usage-acme-bank-key", "usage-globex-key", "usage-initech-key"]);
            const acme = only(resources, types.apiKey, "usage-acme-bank-key").inputs;
            assert.equal(acme.name, "test-acme-bank");
            assert.equal(acme.enabled, true);
            assert.deepEqual(acme.tags, { partner: "acme-bank" });
            assert.equal(acme.value, undefined);
            assert.deepEqual(Object.keys(keys.apiKeys).sort(), ["acme-bank", "globex", "initech"]);
            assert.ok(apiKeys.every((k) => /^[A-Za-z0-9]{40}$/.test(k.outputs.value)), "AWS's keys are 40 letters and digits");
        });

        it("makes one usage plan on the stage per partner, named for the partner, with its limits", () => {
            const plans = allOf(resources, types.plan);
            assert.deepEqual(plans.map((p) => p.name).sort(), ["usage-acme-bank-limits", "usage-globex-limits", "usage-initech-limits"]);
            assert.deepEqual(Object.keys(usage.plans).sort(), ["acme-bank", "globex", "initech"]);
            const acme = only(resources, types.plan, "usage-acme-bank-limits").inputs;
            assert.equal(acme.name, "test-acme-bank");
            assert.deepEqual(acme.apiStages, [{ apiId: "a1b2c3d4e5", stage: "v1" }]);
            assert.deepEqual(acme.throttleSettings, { rateLimit: 50, burstLimit: 100 });
            assert.deepEqual(acme.quotaSettings, { limit: 100_000, period: "DAY" });
            assert.match(acme.description, /: acme-bank$/);
            const initech = only(resources, types.plan, "usage-initech-limits").inputs;
            assert.deepEqual(initech.throttleSettings, { rateLimit: 5, burstLimit: 10 });
            assert.deepEqual(initech.quotaSettings, { limit: 10_000, period: "DAY" });
        });

        it("puts each partner's key in its partner's plan", () => {
            for (const partner of ["acme-bank", "globex", "initech"]) {
                const key = only(resources, types.apiKey, `usage-${partner}-key`);
                const planKey = only(resources, types.planKey, `usage-${partner}-plan`);
                assert.equal(planKey.inputs.keyId, key.id);
                assert.equal(planKey.inputs.keyType, "API_KEY");
                assert.equal(planKey.id, key.id, "a plan key's id is its key's");
                assert.equal(resources.find((r) => r.type === types.plan && r.id === planKey.inputs.usagePlanId)?.name, `usage-${partner}-limits`);
            }
        });

        it("keeps the keys by partner in a SecureString parameter of the given name, tiered by AWS so that it can outgrow 4 KB", () => {
            const parameter = only(resources, types.parameter, "usage-keys");
            assert.equal(parameter.inputs.name, parameterName);
            assert.equal(parameter.inputs.type, "SecureString");
            assert.equal(parameter.inputs.tier, "Intelligent-Tiering");
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

    it("keeps the URNs the keys and their parameter had as children of PartnerUsagePlans, so that no key is replaced", async () => {
        const { keys } = await declare([{ name: "acme-bank", ...defaultLimits }]);
        const aliases = (resource: pulumi.Resource) => (resource as unknown as { __aliases?: pulumi.Input<string>[] }).__aliases ?? [];
        const former = "urn:pulumi:test::apigw-mtls::apigw-mtls:api:PartnerUsagePlans$aws:apigateway/apiKey:ApiKey::usage-acme-bank-key";
        const resolved = await Promise.all(aliases(keys.apiKeys["acme-bank"]).map((alias) => valueOf(pulumi.output(alias))));
        assert.ok(resolved.includes(former), `aliases: ${resolved.join(", ")}`);
    });

    describe("for more partners than one Standard-tier parameter holds", () => {
        // 48-character names: 43 a shard, so 100 partners take three shards.
        const names = Array.from({ length: 100 }, (_, i) => `partner-${String(i).padStart(3, "0")}`.padEnd(48, "x"));
        let resources: CapturedResource[];
        let keys: PartnerUsageKeys;
        before(async () => {
            ({ resources, keys } = await declare(names.map((name) => ({ name, ...defaultLimits }))));
        });

        it("splits the keys across parameters named after the first, each within the Standard tier's 4,096 characters, every key in one of them", () => {
            const parameters = allOf(resources, types.parameter).sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(parameters.map((p) => [p.name, p.inputs.name, p.inputs.tier]), [
                ["usage-keys", parameterName, "Intelligent-Tiering"],
                ["usage-keys-1", `${parameterName}-1`, "Standard"],
                ["usage-keys-2", `${parameterName}-2`, "Standard"],
            ]);
            assert.ok(parameters.every((p) => p.inputs.type === "SecureString" && p.inputs.value.length <= 4096), parameters.map((p) => p.inputs.value.length).join(", "));
            const merged = Object.assign({}, ...parameters.map((p) => JSON.parse(p.inputs.value)));
            const byPartner = Object.fromEntries(allOf(resources, types.apiKey).map((k) => [k.inputs.tags.partner, k.outputs.value]));
            assert.deepEqual(merged, byPartner);
            assert.equal(parameters.reduce((sum, p) => sum + Object.keys(JSON.parse(p.inputs.value)).length, 0), 100, "no key in two shards");
        });

        it("keeps shard 0 the parameter stacks had before shards, with its URN", async () => {
            assert.equal(await valueOf(keys.parameters[0].urn), "urn:pulumi:test::apigw-mtls::apigw-mtls:api:PartnerUsageKeys$aws:ssm/parameter:Parameter::usage-keys");
        });

        it("warns in one line, without refusing, when the partners need more usage plans than API Gateway's default quota", async () => {
            const { warnings: warned } = await withWarnings(() => {
                new PartnerUsagePlans("few", { partners: names.slice(0, 3).map((name) => ({ name, ...defaultLimits })), apiKeys: keys.apiKeys, apiStages: [] });
            });
            assert.deepEqual(warned, [], "no warning within the quota");
            const many = Array.from({ length: 301 }, (_, i) => ({ name: `p${i}`, ...defaultLimits }));
            const apiKeys = Object.fromEntries(many.map((p) => [p.name, keys.apiKeys[names[0]]]));
            const { warnings } = await withWarnings(() => new PartnerUsagePlans("many", { partners: many, apiKeys, apiStages: [] }));
            assert.deepEqual(warnings, [
                "apigw-mtls:partners needs 301 usage plans (one per partner), above API Gateway's default quota of 300 per account per Region, which other stacks there share; request an increase of \"Usage plans per account per Region\" in Service Quotas before deploying",
            ]);
        });
    });

    describe("the authorizer and the keys' parameter", () => {
        it("registers the authorizer's function only once the keys' parameter is there, so that no instance caches keys without a new partner's", async () => {
            const gated = await gatedMocks((args) => args.type === types.parameter);
            const keys = new PartnerUsageKeys("usage", { partners: ["acme-bank"], parameterName });
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30, usageKeysParameters: keys.parameters });
            await gated.settleAfter("aws:cloudwatch/logGroup:LogGroup");
            assert.ok(gated.registered(types.apiKey), "the key is there");
            assert.equal(gated.registered("aws:lambda/function:Function"), false, "no function before the parameter");
            gated.open();
            await valueOf(authorizer.function.arn);
            assert.ok(gated.registered("aws:lambda/function:Function"));
        });

        it("registers the authorizer's function only once every shard of the keys is there", async () => {
            const gated = await gatedMocks((args) => args.type === types.parameter && args.name === "usage-keys-2");
            const partners = Array.from({ length: 100 }, (_, i) => `partner-${String(i).padStart(3, "0")}`.padEnd(48, "x"));
            const keys = new PartnerUsageKeys("usage", { partners, parameterName });
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30, usageKeysParameters: keys.parameters });
            await gated.settleAfter("aws:cloudwatch/logGroup:LogGroup");
            assert.ok(gated.registered(types.parameter), "shards 0 and 1 are there");
            assert.equal(gated.registered("aws:lambda/function:Function"), false, "no function before the last shard");
            gated.open();
            await valueOf(authorizer.function.arn);
            assert.ok(gated.registered("aws:lambda/function:Function"));
        });
    });

    describe("in the program", () => {
        it("meters each of the dev stack's partners on every API's stage with a plan of its own: initech's lower, the others the default", async () => {
            const run = await runProgram({ stack: "dev" });
            const stages = allOf(run.resources, "aws:apigateway/stage:Stage").map((stage) => ({ apiId: stage.inputs.restApi, stage: stage.inputs.stageName }));
            assert.equal(stages.length, 2, "the customer and orders APIs");
            const plans = allOf(run.resources, types.plan);
            assert.deepEqual(plans.map((p) => [p.name, p.inputs.throttleSettings.rateLimit]).sort(), [
                ["usage-acme-bank-limits", 50], ["usage-globex-limits", 50], ["usage-initech-limits", 5], ["usage-vandelay-limits", 50],
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
                { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [parameter.outputs.arn] },
                { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [stages.outputs.arn] },
            ]);
        });

        it("changes a partner's limits on its own plan, which stays, with its key in it", async () => {
            const before = await runProgram({ stack: "dev", config: { partners: { "acme-bank": {}, initech: {} } } });
            const after = await runProgram({ stack: "dev", config: { partners: { "acme-bank": {}, initech: { throttle: { rateLimit: 1, burstLimit: 2 } } } } });
            const names = (run: typeof before, type: string) => allOf(run.resources, type).map((r) => r.name).sort();
            assert.deepEqual(names(after, types.plan), names(before, types.plan), "the same plans");
            assert.deepEqual(names(after, types.planKey), names(before, types.planKey), "the same plan keys");
            const plan = only(after.resources, types.plan, "usage-initech-limits");
            assert.deepEqual(plan.inputs.throttleSettings, { rateLimit: 1, burstLimit: 2 });
            assert.equal(only(after.resources, types.planKey, "usage-initech-plan").inputs.usagePlanId, plan.id);
        });

        it("refuses, in one line, more partners than API Gateway has API keys for in a Region, before any resource", async () => {
            const partners = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`partner-${String(i).padStart(5, "0")}`, {}]));
            const failure = await runProgram({ stack: "dev", config: { partners } }).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof ProgramFailure);
            assert.equal(failure.message, "apigw-mtls:partners has 10001 partners, each with an API key, above API Gateway's 10000 API keys per account per Region (not adjustable); split the partners across accounts or Regions");
            assert.equal(failure.resources.filter((r) => r.custom).length, 0, "before any resource");
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
