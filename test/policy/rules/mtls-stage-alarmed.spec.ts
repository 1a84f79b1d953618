import * as assert from "node:assert/strict";
import { mtlsStageAlarmed as policy } from "../../../policy/rules/mtls-stage-alarmed";
import { mutate, Props, unknownValue } from "../../helpers/policy-args";
import { apiId, apiName, previewStack, runStackRule, servedStack, stackMessages, usageTypes } from "../../helpers/policy-usage";

const missing = 'aws:apigateway/stage:Stage "customer-api-stage" serves the mTLS domain api.example.com, but no aws.cloudwatch.MetricAlarm watches its 5XXError';
const fix = `add a MetricAlarm with namespace AWS/ApiGateway, metricName 5XXError and dimensions { ApiName: "${apiName}", Stage: "v1" }, ` +
    "so that someone is told when partners get 5xx answers";
const withoutAlarms = () => servedStack().filter(r => r.type !== usageTypes.alarm);
const changeAlarm = (change: (props: Props) => void) => mutate(servedStack(), usageTypes.alarm, change);

describe("policy mtls-stage-alarmed", () => {
    it("accepts a stage served by an mTLS domain with an alarm on its 5XXError", async () => {
        assert.deepEqual(await runStackRule(policy, servedStack()), { violations: [] });
    });

    it("is advisory", () => {
        assert.equal(policy.enforcementLevel, "advisory");
    });

    it("accepts an alarm that names the API by ApiId, and one whose 5XXError is in metricQueries", async () => {
        assert.deepEqual(await stackMessages(policy, changeAlarm(p => { p.dimensions = { ApiId: apiId, Stage: "v1" }; })), []);
        const mathAlarm = changeAlarm(p => {
            delete p.namespace; delete p.metricName; delete p.dimensions; delete p.statistic; delete p.period;
            p.metricQueries = [
                { id: "errors", metric: { namespace: "AWS/ApiGateway", metricName: "5XXError", dimensions: { ApiName: apiName, Stage: "v1" }, period: 60, stat: "Sum" } },
                { id: "count", metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: { ApiName: apiName, Stage: "v1" }, period: 60, stat: "Sum" } },
                { id: "rate", expression: "errors / count", returnData: true },
            ];
        });
        assert.deepEqual(await stackMessages(policy, mathAlarm), []);
    });

    it("rejects a served stage without any alarm, blaming the stage", async () => {
        const { violations } = await runStackRule(policy, withoutAlarms());
        assert.deepEqual(violations, [{ urn: "urn:pulumi:test::apigw-mtls::aws:apigateway/stage:Stage::customer-api-stage", message: `${missing}; ${fix}` }]);
    });

    it("rejects an alarm on another metric", async () => {
        assert.deepEqual(await stackMessages(policy, changeAlarm(p => { p.metricName = "4XXError"; })), [`${missing}; ${fix}`]);
    });

    it("rejects an alarm on 5XXError of another namespace, and says which", async () => {
        assert.deepEqual(await stackMessages(policy, changeAlarm(p => { p.namespace = "AWS/ApiGatewayV2"; })), [
            `${missing} (aws:cloudwatch/metricAlarm:MetricAlarm "customer-api-5xx" watches namespace "AWS/ApiGatewayV2" ` +
            `dimensions {"ApiName":"${apiName}","Stage":"v1"}); ${fix}`,
        ]);
    });

    it("rejects an alarm on another stage's 5XXError, and says what it watches", async () => {
        assert.deepEqual(await stackMessages(policy, changeAlarm(p => { p.dimensions = { ApiName: apiName, Stage: "v2" }; })), [
            `${missing} (aws:cloudwatch/metricAlarm:MetricAlarm "customer-api-5xx" watches dimensions {"ApiName":"${apiName}","Stage":"v2"}); ${fix}`,
        ]);
    });

    it("rejects an alarm on another API's 5XXError", async () => {
        assert.equal((await stackMessages(policy, changeAlarm(p => { p.dimensions = { ApiName: "other-api", Stage: "v1" }; }))).length, 1);
    });

    it("rejects an alarm that does not name the API, nor the stage", async () => {
        assert.equal((await stackMessages(policy, changeAlarm(p => { p.dimensions = { Stage: "v1" }; }))).length, 1);
        assert.equal((await stackMessages(policy, changeAlarm(p => { p.dimensions = { ApiName: apiName }; }))).length, 1);
        assert.equal((await stackMessages(policy, changeAlarm(p => { delete p.dimensions; }))).length, 1);
    });

    it("does not judge stages that no mTLS domain serves", async () => {
        const plainDomain = mutate(withoutAlarms(), usageTypes.domain, p => { delete p.mutualTlsAuthentication; });
        assert.deepEqual(await runStackRule(policy, plainDomain), { violations: [], notApplicable: "no REST API stage served by a custom domain with mutual TLS in the stack" });
    });

    it("links the alarm to the stage through property dependencies while the API's name is unknown during preview", async () => {
        assert.deepEqual(await runStackRule(policy, previewStack()), { violations: [] });
        const noAlarm = previewStack().filter(r => r.type !== usageTypes.alarm);
        assert.match((await stackMessages(policy, noAlarm))[0], /^aws:apigateway\/stage:Stage "customer-api-stage" serves the mTLS domain api.example.com, but no aws.cloudwatch.MetricAlarm watches its 5XXError/);
    });

    it("skips what is unknown during preview: the metric, its namespace, its dimensions or its queries", async () => {
        for (const change of [
            (p: Props) => { p.metricName = unknownValue; },
            (p: Props) => { p.namespace = unknownValue; },
            (p: Props) => { p.dimensions = unknownValue; },
            (p: Props) => { p.dimensions = { ApiName: unknownValue, Stage: "v1" }; },
            (p: Props) => { delete p.metricName; p.metricQueries = unknownValue; },
        ]) {
            assert.deepEqual(await stackMessages(policy, changeAlarm(change)), []);
        }
        assert.equal((await stackMessages(policy, changeAlarm(p => { p.dimensions = { ApiName: unknownValue, Stage: "v2" }; }))).length, 1,
            "a known Stage of another stage fails whatever the unknown ApiName is");
    });
});
