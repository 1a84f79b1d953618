import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSettings } from "../core/monitoring/alarms";
import { dashboardBody, dashboardNameFor, dashboardUrl, partnerDimension, partnerMetrics } from "../core/monitoring/dashboard";
import { projectName } from "../core/config/keys";

/** One API behind the domain, as its API Gateway metrics name it. */
export interface MonitoredApi {
    /** The API's key in `apis`: alarms and dashboard lines are named after it. */
    readonly name: string;
    /** The REST API's name: the ApiName dimension of its API Gateway metrics. */
    readonly restApiName: pulumi.Input<string>;
    /** The stage the partners call: the Stage dimension. */
    readonly stageName: pulumi.Input<string>;
}

export interface PartnerMonitoringArgs {
    /** Every API behind the domain; each gets its stage's alarms and its lines on the dashboard. */
    readonly apis: readonly MonitoredApi[];
    /** The access log groups of the stages the stack creates; their JSON lines carry `partner` and `status`. */
    readonly accessLogGroupNames: readonly pulumi.Input<string>[];
    /** The REQUEST authorizer's function name: the FunctionName dimension of its Lambda metrics. */
    readonly authorizerFunctionName: pulumi.Input<string>;
    /** Names of the partners, one dashboard line each. Default: none (the dashboard searches for them). */
    readonly partners?: pulumi.Input<readonly string[]>;
    /** Where the alarms go and when they fire, as `parseAlarmSettings` (core/monitoring/alarms.ts) reads them from config. */
    readonly alarms: AlarmSettings;
    /** CloudWatch namespace of the per-partner metrics, one per stack. Default: `<project>/<stack>`. */
    readonly metricNamespace?: pulumi.Input<string>;
    /** Name of the dashboard, unique in the account. Default: `<project>-<stack>`. */
    readonly dashboardName?: pulumi.Input<string>;
}

/** Each stage's alarms: 5XX answers, 4XX rate, p99 latency. */
export type StageAlarm = "serverErrors" | "clientErrorRate" | "latencyP99";
export type StageAlarms = Readonly<Record<StageAlarm, aws.cloudwatch.MetricAlarm>>;

/** Every alarm: each API's stage alarms, by API name, and the authorizer's. */
export interface PartnerAlarms {
    readonly apis: Readonly<Record<string, StageAlarms>>;
    readonly authorizerErrors: aws.cloudwatch.MetricAlarm;
}

/** Alarm names as the stack exports them: the authorizer's, and each API's by API name. */
export type AlarmNames = Readonly<Record<string, string | Readonly<Record<StageAlarm, string>>>>;

/** A share as a percentage for people: 0.05 is 5%. */
function percent(share: number): string {
    return `${Number((share * 100).toFixed(2))}%`;
}

/** Seconds per alarm period: API Gateway and Lambda publish per minute; five smooth a lone spike. */
const period = 300;

/**
 * Metrics and alarms of the partner-facing stage: alarms on its 5XX answers, its 4XX rate, its
 * p99 latency and the authorizer's errors, sent to an SNS topic (the stack's own, or
 * `alarms.topicArn`) with an optional e-mail subscription; per-partner request and 4XX counts from
 * metric filters on the access log; and a dashboard that shows them.
 */
export class PartnerMonitoring extends pulumi.ComponentResource {
    /** The topic the stack created; undefined when `alarms.topicArn` names one. */
    public readonly topic: aws.sns.Topic | undefined;
    /** ARN of the topic every alarm notifies, on ALARM and on OK. */
    public readonly topicArn: pulumi.Output<string>;
    public readonly alarms: PartnerAlarms;
    /** Name of each alarm: `authorizerErrors`, and each API's `serverErrors`, `clientErrorRate` and `latencyP99` under its name. */
    public readonly alarmNames: pulumi.Output<AlarmNames>;
    public readonly dashboard: aws.cloudwatch.Dashboard;
    /** Where the dashboard opens in the CloudWatch console. */
    public readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: PartnerMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:monitoring:PartnerMonitoring`, name, {}, opts);
        const child = { parent: this };
        const dashboardName = args.dashboardName ?? dashboardNameFor(pulumi.getProject(), pulumi.getStack());
        const namespace = args.metricNamespace ?? `${pulumi.getProject()}/${pulumi.getStack()}`;

        // Alarm notifications carry no customer data, and a topic encrypted with the AWS managed
        // key (alias/aws/sns) would refuse CloudWatch's publish: the stack's topic is not encrypted.
        const givenTopicArn = args.alarms.topicArn;
        if (givenTopicArn === undefined) {
            this.topic = new aws.sns.Topic(`${name}-alarms`, {}, child);
            this.topicArn = this.topic.arn;
        } else {
            this.topic = undefined;
            this.topicArn = pulumi.output(givenTopicArn);
        }
        if (args.alarms.email !== undefined) {
            // SNS mails a confirmation link; nothing arrives until the owner of the address follows it.
            new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topicArn, protocol: "email", endpoint: args.alarms.email }, child);
        }

        const look = pulumi.interpolate`Dashboard ${dashboardName}; ${pulumi.all([...args.accessLogGroupNames]).apply((groups) => `access log${groups.length === 1 ? "" : "s"} ${groups.join(", ") || "of the APIs' own stacks"}`)} (status, partner and client certificate per request)`;
        this.alarms = {
            // One API keeps the names it had alone; with several, each API's alarms carry its name.
            apis: Object.fromEntries(args.apis.map((api) => [api.name, this.createStageAlarms(args.apis.length > 1 ? `${name}-${api.name}` : name, api, args.alarms, look, args.apis.length > 1)])),
            authorizerErrors: this.createAuthorizerAlarm(name, args, look),
        };
        const stageNames = (alarms: StageAlarms) => ({ serverErrors: alarms.serverErrors.name, clientErrorRate: alarms.clientErrorRate.name, latencyP99: alarms.latencyP99.name });
        this.alarmNames = pulumi.output<Record<string, pulumi.Input<string> | Record<StageAlarm, pulumi.Input<string>>>>({
            ...Object.fromEntries(Object.entries(this.alarms.apis).map(([api, alarms]) => [api, stageNames(alarms)])),
            authorizerErrors: this.alarms.authorizerErrors.name,
        });
        args.accessLogGroupNames.forEach((group, i) => this.createPartnerMetrics(i === 0 ? name : `${name}-${i}`, group, namespace));
        const alarmArns = [...Object.values(this.alarms.apis).flatMap((alarms) => Object.values(alarms)), this.alarms.authorizerErrors].map((alarm) => alarm.arn);

        const region = aws.getRegionOutput({}, child).region;
        this.dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
            dashboardName,
            dashboardBody: pulumi.all([region, pulumi.all(args.apis.map((api) => pulumi.all([api.name, api.restApiName, api.stageName]))), args.authorizerFunctionName,
                pulumi.all([...args.accessLogGroupNames]), namespace, args.partners ?? [], pulumi.all(alarmArns)])
                .apply(([region, apis, authorizerFunctionName, accessLogGroupNames, namespace, partners, alarmArns]) => dashboardBody({
                    region, apis: apis.map(([name, apiName, stageName]) => ({ name, apiName, stageName })), authorizerFunctionName, accessLogGroupNames, namespace, partners, alarmArns,
                })),
        }, child);
        this.dashboardUrl = pulumi.all([region, this.dashboard.dashboardName]).apply(([region, name]) => dashboardUrl(region, name));

        this.registerOutputs({ topicArn: this.topicArn, alarmNames: this.alarmNames, dashboard: this.dashboard, dashboardUrl: this.dashboardUrl });
    }

    /** An alarm that notifies the topic when it fires and when it clears. */
    private alarm(name: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs): aws.cloudwatch.MetricAlarm {
        return new aws.cloudwatch.MetricAlarm(name, {
            alarmActions: [this.topicArn],
            okActions: [this.topicArn],
            // No requests means no errors: a quiet night is not an incident.
            treatMissingData: "notBreaching",
            period,
            ...alarmArgs,
        }, { parent: this });
    }

    /** The three alarms of one API's stage. */
    private createStageAlarms(name: string, api: MonitoredApi, settings: AlarmSettings, look: pulumi.Output<string>, several: boolean): StageAlarms {
        const { thresholds } = settings;
        const stage = { ApiName: api.restApiName, Stage: api.stageName };
        const args = { stageName: several ? pulumi.interpolate`${api.stageName} of ${api.name}` : pulumi.output(api.stageName) };
        const alarm = (suffix: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs) => this.alarm(`${name}-${suffix}`, alarmArgs);
        return {
            serverErrors: alarm("5xx", {
                namespace: "AWS/ApiGateway",
                metricName: "5XXError",
                dimensions: stage,
                statistic: "Sum",
                evaluationPeriods: 1,
                threshold: thresholds.serverErrors,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                alarmDescription: pulumi.interpolate`Partners get 5XX answers from stage ${args.stageName} (${thresholds.serverErrors} or more in 5 minutes). Look at the API's backend (its function or service) and the authorizer's errors (its alarm), then at 5XX lines of the access log. ${look}.`,
            }),
            clientErrorRate: alarm("4xx-rate", {
                namespace: "AWS/ApiGateway",
                metricName: "4XXError",
                dimensions: stage,
                // The metric is 1 for a 4XX answer and 0 for any other: its Average is the share of 4XX.
                statistic: "Average",
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: thresholds.clientErrorRate,
                comparisonOperator: "GreaterThanThreshold",
                alarmDescription: pulumi.interpolate`More than ${percent(thresholds.clientErrorRate)} of answers on stage ${args.stageName} are 4XX, for 15 minutes. Find the partner on the dashboard's "4XX answers per partner": 403 is a revoked, expired or unknown certificate or no usage plan, 429 its limits, 404 a wrong path. ${look}.`,
            }),
            latencyP99: alarm("latency-p99", {
                namespace: "AWS/ApiGateway",
                metricName: "Latency",
                dimensions: stage,
                extendedStatistic: "p99",
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: thresholds.latencyP99Ms,
                comparisonOperator: "GreaterThanThreshold",
                // With a handful of requests in 5 minutes the p99 is the slowest one: keep the state.
                evaluateLowSampleCountPercentiles: "ignore",
                alarmDescription: pulumi.interpolate`p99 latency of stage ${args.stageName} is above ${thresholds.latencyP99Ms} ms, for 15 minutes. Compare Latency with IntegrationLatency on the dashboard: close, the backend is slow (its duration, cold starts); apart, the authorizer is. ${look}.`,
            }),
        };
    }

    /** The authorizer's alarm: every API's calls go through it. */
    private createAuthorizerAlarm(name: string, args: PartnerMonitoringArgs, look: pulumi.Output<string>): aws.cloudwatch.MetricAlarm {
        const { thresholds } = args.alarms;
        return this.alarm(`${name}-authorizer-errors`, {
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: args.authorizerFunctionName },
            statistic: "Sum",
            evaluationPeriods: 1,
            threshold: thresholds.authorizerErrors,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            alarmDescription: pulumi.interpolate`The authorizer ${args.authorizerFunctionName} failed ${thresholds.authorizerErrors} or more times in 5 minutes; partners it failed for got 500. Read the function's log (Lambda console, Monitor, View CloudWatch logs): a timeout, a crash, or a parameter it cannot read. ${look}.`,
        });
    }

    /** Per-partner request and 4XX counts from the access log, with the dimension `partner`. */
    private createPartnerMetrics(name: string, logGroupName: pulumi.Input<string>, namespace: pulumi.Input<string>): void {
        for (const [suffix, metric] of [["partner-requests", partnerMetrics.requests], ["partner-4xx", partnerMetrics.clientErrors]] as const) {
            new aws.cloudwatch.LogMetricFilter(`${name}-${suffix}`, {
                logGroupName,
                pattern: metric.pattern,
                metricTransformation: {
                    name: metric.name,
                    namespace,
                    value: "1",
                    unit: "Count",
                    // A dimension rules out defaultValue: a partner without requests has no data points, not zeros.
                    dimensions: { [partnerDimension]: "$.partner" },
                },
            }, { parent: this });
        }
    }
}
