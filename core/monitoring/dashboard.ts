// The CloudWatch dashboard of a stack, as the JSON `dashboardBody` that PutDashboard takes: the
// stage's traffic, errors and latency from API Gateway, the authorizer's health from Lambda, and
// each partner's requests and 4XX answers from the metric filters on the access log.

/** One API's stage on the dashboard. */
export interface DashboardApi {
    /** The API's key in `apis`, the lines' label. */
    readonly name: string;
    /** The REST API's name: the ApiName dimension of API Gateway's metrics. */
    readonly apiName: string;
    readonly stageName: string;
}

/** The names one dashboard shows, all known (no Outputs). */
export interface DashboardSpec {
    /** Region of the API, its metrics and its log group. */
    readonly region: string;
    /** Each API behind the domain: its stage's metrics, one line each. */
    readonly apis: readonly DashboardApi[];
    /** The REQUEST authorizer's function: the FunctionName dimension of Lambda's metrics. */
    readonly authorizerFunctionName: string;
    /** The access log groups of the stages the stack creates, which the per-partner metrics and the log widget read. */
    readonly accessLogGroupNames: readonly string[];
    /** The namespace of the per-partner metrics (`partnerMetrics`). */
    readonly namespace: string;
    /** The partners to draw one line each for; none: a SEARCH finds every partner that called. */
    readonly partners: readonly string[];
    /** ARNs of the stage's alarms, shown with their state. */
    readonly alarmArns: readonly string[];
}

/**
 * The metrics that metric filters on the access log publish, each with the filter pattern that
 * counts a line, and the dimension `partner` taken from the line's `partner` field (the
 * authorizer's `partner` context value; API Gateway writes "-" when there is none). A dimension's
 * field must be in the pattern, hence `$.partner = *` in both; `status` is a JSON string ("403").
 */
export const partnerMetrics = {
    requests: { name: "Requests", pattern: "{ $.partner = * }" },
    clientErrors: { name: "4XXError", pattern: '{ ($.partner = *) && ($.status = "4*") }' },
} as const;

/** The name of the dimension that tells partners apart in `partnerMetrics`. */
export const partnerDimension = "partner";

/** Seconds per data point on the dashboard: the alarms' period, so that what alarmed can be seen. */
const period = 300;

type MetricLine = (string | Record<string, unknown>)[];

interface Widget {
    readonly type: "metric" | "text" | "log" | "alarm";
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, unknown>;
}

/** The dashboard as `aws.cloudwatch.Dashboard`'s `dashboardBody` takes it (JSON text). */
export function dashboardBody(spec: DashboardSpec): string {
    // One line per API and statistic, labelled with the API's name when there are several.
    const api = (metric: string, options: { stat: string; label: string }): MetricLine[] => spec.apis.map((one) =>
        ["AWS/ApiGateway", metric, "ApiName", one.apiName, "Stage", one.stageName, { ...options, label: spec.apis.length > 1 ? `${one.name} ${options.label}` : options.label }]);
    const lambda = (metric: string, options: Record<string, unknown>): MetricLine => ["AWS/Lambda", metric, "FunctionName", spec.authorizerFunctionName, options];
    const graph = (title: string, metrics: MetricLine[], extra: Record<string, unknown> = {}) => ({
        title, metrics, region: spec.region, view: "timeSeries", stacked: false, period, ...extra,
    });
    const widgets: Widget[] = [
        {
            type: "text", x: 0, y: 0, width: 24, height: 2,
            properties: { markdown: overview(spec) },
        },
        {
            type: "metric", x: 0, y: 2, width: 12, height: 6,
            properties: graph("Requests", api("Count", { stat: "Sum", label: "requests" })),
        },
        {
            type: "metric", x: 12, y: 2, width: 12, height: 6,
            properties: graph("4XX and 5XX answers", [
                ...api("4XXError", { stat: "Sum", label: "4XX" }),
                ...api("5XXError", { stat: "Sum", label: "5XX" }),
            ]),
        },
        {
            type: "metric", x: 0, y: 8, width: 12, height: 6,
            properties: graph("Latency (ms)", [
                ...api("Latency", { stat: "p50", label: "p50" }),
                ...api("Latency", { stat: "p99", label: "p99" }),
                ...api("IntegrationLatency", { stat: "p99", label: "integration p99" }),
            ]),
        },
        {
            type: "metric", x: 12, y: 8, width: 12, height: 6,
            properties: graph("Authorizer", [
                lambda("Invocations", { stat: "Sum", label: "invocations" }),
                lambda("Errors", { stat: "Sum", label: "errors" }),
                lambda("Throttles", { stat: "Sum", label: "throttles" }),
            ]),
        },
        {
            type: "metric", x: 0, y: 14, width: 12, height: 6,
            properties: graph("Requests per partner", perPartner(spec, partnerMetrics.requests.name)),
        },
        {
            type: "metric", x: 12, y: 14, width: 12, height: 6,
            properties: graph("4XX answers per partner", perPartner(spec, partnerMetrics.clientErrors.name)),
        },
    ];
    // An API deployed elsewhere logs where its owners say: only the stack's own stages are queried.
    if (spec.accessLogGroupNames.length > 0) {
        widgets.push(
        {
            type: "log", x: 0, y: 20, width: 24, height: 6,
            properties: {
                title: "Recent 4XX and 5XX answers, by partner and status",
                region: spec.region,
                view: "table",
                query: `${spec.accessLogGroupNames.map((group) => `SOURCE '${group}'`).join(" | ")} | filter status like /^[45]/ | stats count(*) as answers by partner, status, resourcePath | sort answers desc | limit 50`,
            },
        });
    }
    if (spec.alarmArns.length > 0) {
        widgets.push({ type: "alarm", x: 0, y: 26, width: 24, height: 3, properties: { title: "Alarms", alarms: [...spec.alarmArns] } });
    }
    return JSON.stringify({ widgets });
}

/** One line per partner, or (no partners configured) a SEARCH for every partner the log names. */
function perPartner(spec: DashboardSpec, metric: string): MetricLine[] {
    if (spec.partners.length === 0) {
        return [[{ expression: `SEARCH('{"${spec.namespace}",${partnerDimension}} MetricName="${metric}"', 'Sum', ${period})`, id: "partners", label: "" }]];
    }
    return spec.partners.map((partner) => [spec.namespace, metric, partnerDimension, partner, { stat: "Sum", label: partner }]);
}

function overview(spec: DashboardSpec): string {
    const stages = spec.apis.map((one) => `${one.stageName} of ${one.apiName}${spec.apis.length > 1 ? ` (${one.name})` : ""}`).join(", ");
    return `## Stage${spec.apis.length > 1 ? "s" : ""} ${stages}\n` +
        `Access log${spec.accessLogGroupNames.length > 1 ? "s" : ""}: ${spec.accessLogGroupNames.map((group) => `\`${group}\``).join(", ")} (one JSON line per request: partner, status, client certificate). ` +
        `Per-partner metrics: namespace \`${spec.namespace}\`, dimension \`${partnerDimension}\`. ` +
        `Authorizer: \`${spec.authorizerFunctionName}\`.`;
}

/** A dashboard name for the project's stack: CloudWatch allows only A-Z, a-z, 0-9, - and _. */
export function dashboardNameFor(project: string, stack: string): string {
    return `${project}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** Where the dashboard opens in the CloudWatch console. */
export function dashboardUrl(region: string, name: string): string {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}
