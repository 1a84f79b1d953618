import * as assert from "node:assert/strict";
import { mtlsStageThrottled as policy } from "../../../policy/rules/mtls-stage-throttled";
import { mutate, unknownValue } from "../../helpers/policy-args";
import { apiId, plan, previewStack, runStackRule, servedStack, stackMessages, usageTypes } from "../../helpers/policy-usage";

const stageSubject = 'aws:apigateway/stage:Stage "customer-api-stage"';
const planSubject = 'aws:apigateway/usagePlan:UsagePlan "usage-plan-r50-b100-q100000-day"';
const withoutPlans = () => servedStack().filter(r => r.type !== usageTypes.plan);

describe("policy mtls-stage-throttled", () => {
    it("accepts a stage served by an mTLS domain when a usage plan on it sets rateLimit and burstLimit", async () => {
        assert.deepEqual(await runStackRule(policy, servedStack()), { violations: [] });
    });

    it("is advisory", () => {
        assert.equal(policy.enforcementLevel, "advisory");
    });

    it("rejects a served stage that no usage plan names, blaming the stage", async () => {
        const { violations } = await runStackRule(policy, withoutPlans());
        assert.deepEqual(violations, [{
            urn: "urn:pulumi:test::apigw-mtls::aws:apigateway/stage:Stage::customer-api-stage",
            message: `${stageSubject} serves the mTLS domain api.example.com, but no aws.apigateway.UsagePlan names it in apiStages, ` +
                "so its partners are throttled only by the account's regional limit, which they share; add a UsagePlan with " +
                'apiStages [{ apiId: <aws:apigateway/restApi:RestApi "customer-api">.id, stage: "v1" }] and throttleSettings { rateLimit, burstLimit }',
        }]);
    });

    it("rejects a stage whose only plan names another stage of the API", async () => {
        const stack = mutate(servedStack(), usageTypes.plan, p => { p.apiStages = [{ apiId, stage: "v2" }]; });
        assert.match((await stackMessages(policy, stack))[0], /^aws:apigateway\/stage:Stage "customer-api-stage" serves the mTLS domain api.example.com, but no aws.apigateway.UsagePlan names it/);
    });

    it("rejects a stage whose only plan names the stage of another API", async () => {
        const stack = mutate(servedStack(), usageTypes.plan, p => { p.apiStages = [{ apiId: "zzzzzzzzzz", stage: "v1" }]; });
        assert.equal((await stackMessages(policy, stack)).length, 1);
    });

    it("rejects a plan on the stage without throttleSettings, blaming the plan", async () => {
        const stack = mutate(servedStack(), usageTypes.plan, p => { delete p.throttleSettings; });
        const { violations } = await runStackRule(policy, stack);
        assert.deepEqual(violations, [{
            urn: "urn:pulumi:test::apigw-mtls::aws:apigateway/usagePlan:UsagePlan::usage-plan-r50-b100-q100000-day",
            message: `${planSubject}: throttleSettings is omitted, so the partners of this plan are not throttled ` +
                `(it applies to ${stageSubject}, which serves the mTLS domain api.example.com); ` +
                "set throttleSettings { rateLimit: <requests per second>, burstLimit: <requests> }",
        }]);
    });

    it("rejects a plan whose throttleSettings leave out burstLimit", async () => {
        const stack = mutate(servedStack(), usageTypes.plan, p => { p.throttleSettings = { rateLimit: 50 }; });
        assert.deepEqual(await stackMessages(policy, stack), [
            `${planSubject}: throttleSettings.burstLimit is omitted, so API Gateway does not limit it ` +
            `(it applies to ${stageSubject}, which serves the mTLS domain api.example.com); ` +
            "set throttleSettings.burstLimit (rateLimit in requests per second, burstLimit in requests)",
        ]);
    });

    it("rejects every plan on the stage that is not throttled, not only the first", async () => {
        const unthrottled = { ...plan({ throttleSettings: undefined }), name: "usage-plan-open", urn: "urn:pulumi:test::apigw-mtls::aws:apigateway/usagePlan:UsagePlan::usage-plan-open" };
        const found = await stackMessages(policy, [...servedStack(), unthrottled]);
        assert.equal(found.length, 1);
        assert.match(found[0], /^aws:apigateway\/usagePlan:UsagePlan "usage-plan-open": throttleSettings is omitted/);
    });

    it("does not judge stages that no mTLS domain serves", async () => {
        const plainDomain = mutate(withoutPlans(), usageTypes.domain, p => { delete p.mutualTlsAuthentication; });
        assert.deepEqual(await runStackRule(policy, plainDomain), { violations: [], notApplicable: "no REST API stage served by a custom domain with mutual TLS in the stack" });
        const otherStage = mutate(withoutPlans(), usageTypes.mapping, p => { p.stageName = "v2"; });
        assert.deepEqual((await runStackRule(policy, otherStage)).notApplicable, "no REST API stage served by a custom domain with mutual TLS in the stack");
    });

    it("links the stage, mapping and plan through property dependencies while ids are unknown during preview", async () => {
        assert.deepEqual(await runStackRule(policy, previewStack()), { violations: [] });
        const unthrottled = mutate(previewStack(), usageTypes.plan, p => { delete p.throttleSettings; });
        assert.match((await stackMessages(policy, unthrottled))[0], /throttleSettings is omitted/);
        const noPlan = previewStack().filter(r => r.type !== usageTypes.plan);
        assert.match((await stackMessages(policy, noPlan))[0], /no aws.apigateway.UsagePlan names it in apiStages/);
    });

    it("skips what is unknown during preview: a plan's apiStages or its throttleSettings", async () => {
        const apiStagesUnknown = mutate(servedStack(), usageTypes.plan, p => { p.apiStages = unknownValue; p.throttleSettings = undefined; });
        assert.deepEqual(await stackMessages(policy, apiStagesUnknown), []);
        const throttleUnknown = mutate(servedStack(), usageTypes.plan, p => { p.throttleSettings = unknownValue; });
        assert.deepEqual(await stackMessages(policy, throttleUnknown), []);
        const apiIdUnknownNoLink = mutate(servedStack(), usageTypes.plan, p => { p.apiStages = [{ apiId: unknownValue, stage: "v1" }]; p.throttleSettings = undefined; });
        assert.deepEqual(await stackMessages(policy, apiIdUnknownNoLink), [], "an unknown apiId without a dependency may name the stage or not");
    });
});
