import { strict as assert } from "node:assert";
import { PartnerMonitoring, PartnerMonitoringArgs } from "../../components/partner-monitoring";
import { AlarmSettings, defaultAlarmThresholds } from "../../core/monitoring/alarms";
import { resourceTypes as types } from "../../core/resource-types";
import { CapturedResource } from "../../tools/simulator/program";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";


const existingTopic = "arn:aws:sns:eu-west-1:123456789012:ops-alarms";
const stageDimensions = { ApiName: "customer-api-1a2b3c4", Stage: "v1" };

const args = (alarms: Partial<AlarmSettings> = {}): PartnerMonitoringArgs => ({
    apis: [{ name: "customer", restApiName: stageDimensions.ApiName, stageName: stageDimensions.Stage }],
    accessLogGroupNames: ["customer-access-log-5d6e7f8"],
    authorizerFunctionName: "authorizer-9a8b7c6",
    partners: ["acme-bank", "globex"],
    alarms: { thresholds: defaultAlarmThresholds, ...alarms },
});

/** The resources one PartnerMonitoring declares, and the component, once every output is known. */
async function declare(componentArgs: PartnerMonitoringArgs): Promise<{ monitoring: PartnerMonitoring; resources: CapturedResource[] }> {
    const capture = await captureResources();
    const monitoring = new PartnerMonitoring("monitoring", componentArgs);
    await valueOf(monitoring.dashboardUrl);
    return { monitoring, resources: await capture.settled() };
}

const alarmNamed = (resources: readonly CapturedResource[], name: string) => only(resources, types.cloudwatchMetricAlarm, name).inputs;

describe("PartnerMonitoring", () => {
    before(async () => {
        await captureResources();
    });

    describe("with the defaults", () => {
        let monitoring: PartnerMonitoring;
        let resources: CapturedResource[];
        let topicArn: string;

        before(async () => {
            ({ monitoring, resources } = await declare(args()));
            topicArn = only(resources, types.snsTopic).outputs.arn as string;
        });

        it("creates its own SNS topic, without an e-mail subscription, and exports its ARN", async () => {
            assert.match(topicArn, /^arn:aws:sns:eu-west-1:123456789012:monitoring-alarms-[0-9a-f]{7}$/);
            assert.equal(await valueOf(monitoring.topicArn), topicArn);
            assert.ok(monitoring.topic, "the component exposes the topic");
            assert.deepEqual(allOf(resources, types.snsTopicSubscription), []);
        });

        it("alarms on 5XXError of the stage: Sum over 5 minutes at or above serverErrors", () => {
            const alarm = alarmNamed(resources, "monitoring-5xx");
            assert.deepEqual(
                { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions, statistic: alarm.statistic, period: alarm.period },
                { namespace: "AWS/ApiGateway", metricName: "5XXError", dimensions: stageDimensions, statistic: "Sum", period: 300 });
            assert.equal(alarm.threshold, 5);
            assert.equal(alarm.comparisonOperator, "GreaterThanOrEqualToThreshold");
            assert.equal(alarm.evaluationPeriods, 1);
        });

        it("alarms on the 4XXError rate: its Average above clientErrorRate in 3 periods of 3", () => {
            const alarm = alarmNamed(resources, "monitoring-4xx-rate");
            assert.deepEqual(
                { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions, statistic: alarm.statistic, period: alarm.period },
                { namespace: "AWS/ApiGateway", metricName: "4XXError", dimensions: stageDimensions, statistic: "Average", period: 300 });
            assert.equal(alarm.threshold, 0.05);
            assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
            assert.deepEqual([alarm.evaluationPeriods, alarm.datapointsToAlarm], [3, 3]);
            assert.match(alarm.alarmDescription as string, /^More than 5% of answers on stage v1 are 4XX/);
        });

        it("alarms on p99 Latency above latencyP99Ms, as an extended statistic", () => {
            const alarm = alarmNamed(resources, "monitoring-latency-p99");
            assert.deepEqual(
                { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions, extendedStatistic: alarm.extendedStatistic },
                { namespace: "AWS/ApiGateway", metricName: "Latency", dimensions: stageDimensions, extendedStatistic: "p99" });
            assert.equal(alarm.statistic, undefined, "statistic and extendedStatistic exclude each other");
            assert.equal(alarm.threshold, 2000);
            assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
            assert.equal(alarm.evaluateLowSampleCountPercentiles, "ignore");
        });

        it("alarms on the authorizer function's Errors at or above authorizerErrors", () => {
            const alarm = alarmNamed(resources, "monitoring-authorizer-errors");
            assert.deepEqual(
                { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions, statistic: alarm.statistic },
                { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "authorizer-9a8b7c6" }, statistic: "Sum" });
            assert.equal(alarm.threshold, 1);
            assert.equal(alarm.comparisonOperator, "GreaterThanOrEqualToThreshold");
        });

        it("sends every alarm to the topic when it fires and when it clears, treats missing data as fine, and says where to look", () => {
            const alarms = allOf(resources, types.cloudwatchMetricAlarm);
            assert.equal(alarms.length, 4);
            for (const { name, inputs } of alarms) {
                assert.deepEqual(inputs.alarmActions, [topicArn], name);
                assert.deepEqual(inputs.okActions, [topicArn], name);
                assert.equal(inputs.treatMissingData, "notBreaching", name);
                assert.match(inputs.alarmDescription as string, /Dashboard apigw-mtls-test; access log customer-access-log-5d6e7f8/, name);
                assert.ok((inputs.alarmDescription as string).length <= 1024, `${name}: CloudWatch takes at most 1024 characters`);
            }
        });

        it("exports the alarms' names", async () => {
            const names = await valueOf(monitoring.alarmNames);
            assert.deepEqual(Object.keys(names).sort(), ["authorizerErrors", "customer"]);
            const customer = names.customer as Record<string, string>;
            assert.deepEqual(Object.keys(customer).sort(), ["clientErrorRate", "latencyP99", "serverErrors"]);
            assert.equal(customer.serverErrors, only(resources, types.cloudwatchMetricAlarm, "monitoring-5xx").outputs.name);
            assert.match(customer.latencyP99, /^monitoring-latency-p99-[0-9a-f]{7}$/);
        });

        it("counts each partner's requests and 4XX answers from the access log, with the dimension partner", () => {
            const filters = allOf(resources, types.cloudwatchLogMetricFilter);
            assert.deepEqual(filters.map(f => f.name).sort(), ["monitoring-partner-4xx", "monitoring-partner-requests"]);
            const requests = only(resources, types.cloudwatchLogMetricFilter, "monitoring-partner-requests").inputs;
            const clientErrors = only(resources, types.cloudwatchLogMetricFilter, "monitoring-partner-4xx").inputs;
            assert.equal(requests.pattern, "{ $.partner = * }");
            assert.equal(clientErrors.pattern, '{ ($.partner = *) && ($.status = "4*") }');
            for (const [filter, metric] of [[requests, "Requests"], [clientErrors, "4XXError"]] as const) {
                assert.equal(filter.logGroupName, "customer-access-log-5d6e7f8");
                assert.deepEqual(filter.metricTransformation, {
                    name: metric, namespace: "apigw-mtls/test", value: "1", unit: "Count", dimensions: { partner: "$.partner" },
                });
            }
        });

        it("draws a dashboard of the stage and each partner, named for the stack", async () => {
            const dashboard = only(resources, types.cloudwatchDashboard);
            assert.equal(dashboard.inputs.dashboardName, "apigw-mtls-test");
            const body = JSON.parse(dashboard.inputs.dashboardBody as string) as { widgets: { properties: { metrics?: unknown[][] } }[] };
            const lines = body.widgets.flatMap(w => w.properties.metrics ?? []);
            assert.ok(lines.some(l => l[1] === "Count" && l[3] === "customer-api-1a2b3c4" && l[5] === "v1"), "requests of the stage");
            assert.ok(lines.some(l => l[0] === "apigw-mtls/test" && l[1] === "Requests" && l[3] === "acme-bank"), "requests of acme-bank");
            assert.ok(lines.some(l => l[0] === "apigw-mtls/test" && l[1] === "4XXError" && l[3] === "globex"), "4XX of globex");
            assert.equal(await valueOf(monitoring.dashboardUrl),
                "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/apigw-mtls-test");
        });

        it("shows the state of its four alarms on the dashboard", () => {
            const body = JSON.parse(only(resources, types.cloudwatchDashboard).inputs.dashboardBody as string) as { widgets: { type: string; properties: { alarms?: string[] } }[] };
            const arns = allOf(resources, types.cloudwatchMetricAlarm).map(a => a.outputs.arn).sort();
            assert.deepEqual(body.widgets.find(w => w.type === "alarm")?.properties.alarms?.sort(), arns);
        });
    });

    it("subscribes alarmEmail to the stack's own topic, pending the owner's confirmation", async () => {
        const { resources } = await declare(args({ email: "ops@example.com" }));
        const subscription = only(resources, types.snsTopicSubscription);
        assert.deepEqual(subscription.inputs, { topic: only(resources, types.snsTopic).outputs.arn, protocol: "email", endpoint: "ops@example.com" });
        assert.equal(subscription.outputs.pendingConfirmation, true);
    });

    it("creates no topic when alarmTopicArn names one, and sends the alarms and the e-mail subscription there", async () => {
        const { monitoring, resources } = await declare(args({ topicArn: existingTopic, email: "ops@example.com" }));
        assert.deepEqual(allOf(resources, types.snsTopic), []);
        assert.equal(monitoring.topic, undefined);
        assert.equal(await valueOf(monitoring.topicArn), existingTopic);
        assert.equal(only(resources, types.snsTopicSubscription).inputs.topic, existingTopic);
        for (const alarm of allOf(resources, types.cloudwatchMetricAlarm)) {
            assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[existingTopic], [existingTopic]], alarm.name);
        }
    });

    it("takes each threshold from the settings", async () => {
        const { resources } = await declare(args({ thresholds: { serverErrors: 10, clientErrorRate: 0.2, latencyP99Ms: 800, authorizerErrors: 3 } }));
        const threshold = (name: string) => alarmNamed(resources, name).threshold;
        assert.deepEqual(
            ["monitoring-5xx", "monitoring-4xx-rate", "monitoring-latency-p99", "monitoring-authorizer-errors"].map(threshold),
            [10, 0.2, 800, 3]);
    });

    it("lets the caller name the metric namespace and the dashboard", async () => {
        const { resources } = await declare({ ...args(), metricNamespace: "partners/prod", dashboardName: "partners-prod" });
        assert.equal(only(resources, types.cloudwatchDashboard).inputs.dashboardName, "partners-prod");
        for (const filter of allOf(resources, types.cloudwatchLogMetricFilter)) {
            assert.equal((filter.inputs.metricTransformation as { namespace: string }).namespace, "partners/prod");
        }
    });
});
