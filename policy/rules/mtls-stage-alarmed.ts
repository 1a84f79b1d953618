import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { any, apiIds, both, dependsOnAny, domainOf, isAny, Link, matches, mtlsStages, ServedStage } from "../stack-links";
import { known, knownItems, subject, unknown } from "../values";

const namespace = "AWS/ApiGateway";
const metricName = "5XXError";

/** One metric an alarm watches: its own, or one of its `metricQueries`; `property` is where it is set. */
interface WatchedMetric {
    readonly property: "dimensions" | "metricQueries";
    readonly namespace: unknown;
    readonly metricName: unknown;
    readonly dimensions: unknown;
}

/**
 * Severity: medium. Enforcement: advisory: when the backend or the authorizer fails, partners
 * get 5xx answers and nobody is told; API Gateway publishes `5XXError` per API and stage in
 * CloudWatch, and an alarm on it is the least a partner-facing stage needs.
 *
 * Stack rule. Every `aws.apigateway.Stage` served by a REST `DomainName` with
 * `mutualTlsAuthentication` (through a `BasePathMapping`) has an `aws.cloudwatch.MetricAlarm`
 * on `metricName` `5XXError` in `namespace` `AWS/ApiGateway`, directly or in one of its
 * `metricQueries`, whose `dimensions` name the stage (`Stage`) and its API (`ApiName`, the
 * RestApi's name, or `ApiId`).
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 */
export const mtlsStageAlarmed: StackValidationPolicy = {
    name: "mtls-stage-alarmed",
    description: "A stage served by an mTLS domain has a CloudWatch alarm on its 5XXError metric.",
    enforcementLevel: "advisory",
    severity: "medium",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
    remediationSteps: "Add an aws.cloudwatch.MetricAlarm on metricName 5XXError in namespace AWS/ApiGateway with dimensions ApiName " +
        "(the RestApi's name) or ApiId, and Stage, notifying someone.",
    validateStack: (args, report) => {
        const served = mtlsStages(args.resources);
        if (served.length === 0) {
            args.notApplicable("no REST API stage served by a custom domain with mutual TLS in the stack");
        }
        const alarms = args.resources.filter(r => isAny(r, [aws.cloudwatch.MetricAlarm]));
        for (const stage of served) {
            if (any(alarms.map(alarm => watches(alarm, stage))) !== "no") {
                continue;
            }
            const stageName = known(() => stage.stage.props.stageName);
            const apiName = stage.api ? known(() => stage.api?.props.name) : undefined;
            const dimensions = `{ ApiName: ${literal(apiName, "<the RestApi's name>")}, Stage: ${literal(stageName, "<the stage's name>")} }`;
            report(`${subject(stage.stage)} serves the mTLS domain ${domainOf(stage)}, but no aws.cloudwatch.MetricAlarm watches its ${metricName}` +
                `${nearMisses(alarms)}; add a MetricAlarm with namespace ${namespace}, metricName ${metricName} and dimensions ${dimensions}, ` +
                "so that someone is told when partners get 5xx answers", stage.stage.urn);
        }
    },
};

/** Whether `alarm` watches the served stage's 5XXError. */
function watches(alarm: PolicyResource, served: ServedStage): Link {
    return any(metricsOf(alarm).map(metric => both(
        matches(metric.namespace, [namespace], () => false),
        matches(metric.metricName, [metricName], () => false),
        namesStage(alarm, metric, served),
    )));
}

function namesStage(alarm: PolicyResource, metric: WatchedMetric, served: ServedStage): Link {
    const dimensions = metric.dimensions;
    if (dimensions === unknown) {
        return dependsOnAny(alarm, metric.property, [served.stage]) ? "yes" : "maybe";
    }
    if (typeof dimensions !== "object" || dimensions === null) {
        return "no";
    }
    const dimension = (name: string) => (dimensions as Record<string, unknown>)[name];
    const stage = matches(dimension("Stage"), [known(() => served.stage.props.stageName)], () => dependsOnAny(alarm, metric.property, [served.stage]));
    const viaApi = (name: string, expected: readonly unknown[]) =>
        dimension(name) === undefined ? "no" : matches(dimension(name), expected, () => dependsOnAny(alarm, metric.property, [served.api, served.stage]));
    const apiNames = served.api ? [known(() => served.api?.props.name)] : [unknown];
    return both(stage, any([viaApi("ApiName", apiNames), viaApi("ApiId", apiIds(served))]));
}

/** The metrics an alarm watches, each read value by value so that one unknown leaves the others known. */
function metricsOf(alarm: PolicyResource): WatchedMetric[] {
    const own: WatchedMetric = {
        property: "dimensions",
        namespace: known(() => alarm.props.namespace),
        metricName: known(() => alarm.props.metricName),
        dimensions: knownDimensions(() => alarm.props.dimensions),
    };
    const queries = knownItems(() => alarm.props.metricQueries);
    if (queries === unknown) {
        return [own, { property: "metricQueries", namespace: unknown, metricName: unknown, dimensions: unknown }];
    }
    const fromQueries = Array.isArray(queries) ? queries.map((_, i): WatchedMetric => ({
        property: "metricQueries",
        namespace: known(() => alarm.props.metricQueries[i].metric?.namespace),
        metricName: known(() => alarm.props.metricQueries[i].metric?.metricName),
        dimensions: knownDimensions(() => alarm.props.metricQueries[i].metric?.dimensions),
    })) : [];
    return [own, ...fromQueries];
}

/** A dimensions map with each value read on its own: `{ ApiName: <unknown>, Stage: "v1" }`. */
function knownDimensions(read: () => Record<string, unknown> | undefined): unknown {
    const names = known(() => {
        const value = read();
        return value === undefined || value === null ? value : Object.keys(value);
    });
    if (names === unknown || !Array.isArray(names)) {
        return names;
    }
    return Object.fromEntries(names.map(name => [name, known(() => read()?.[name])]));
}

/** The 5XXError alarms that watch something else, for the message: they are the likely slip. */
function nearMisses(alarms: readonly PolicyResource[]): string {
    const misses = alarms.flatMap(alarm => metricsOf(alarm)
        .filter(m => m.metricName === metricName)
        .map(m => `${subject(alarm)} watches ${m.namespace === namespace ? "" : `namespace ${literal(m.namespace, "omitted")} `}` +
            `dimensions ${typeof m.dimensions === "object" && m.dimensions !== null ? JSON.stringify(m.dimensions) : "omitted"}`));
    return misses.length === 0 ? "" : ` (${misses.join("; ")})`;
}

function literal(value: unknown, otherwise: string): string {
    return typeof value === "string" ? JSON.stringify(value) : otherwise;
}
