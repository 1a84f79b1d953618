import { strict as assert } from "node:assert";
import { dashboardBody, dashboardNameFor, dashboardUrl, DashboardSpec, partnerMetrics } from "../../../core/monitoring/dashboard";

interface Widget {
    readonly type: string;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: { title?: string; region?: string; metrics?: unknown[][]; query?: string; markdown?: string; alarms?: string[] };
}

const spec: DashboardSpec = {
    region: "eu-west-1",
    apis: [{ name: "customer", apiName: "customer-api-1a2b3c4", stageName: "v1" }],
    authorizerFunctionName: "authorizer-9a8b7c6",
    accessLogGroupNames: ["customer-access-log-5d6e7f8"],
    namespace: "apigw-mtls/dev",
    partners: ["acme-bank", "globex"],
    alarmArns: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:monitoring-5xx-1234567"],
};

const widgets = (s: DashboardSpec = spec): Widget[] => (JSON.parse(dashboardBody(s)) as { widgets: Widget[] }).widgets;
const titled = (title: string, s: DashboardSpec = spec): Widget => {
    const found = widgets(s).find(w => w.properties.title === title);
    assert.ok(found, `a widget titled ${title}`);
    return found;
};

describe("dashboard body (core/monitoring/dashboard.ts)", () => {
    it("is JSON of widgets that fit CloudWatch's 24-column grid without overlapping", () => {
        const all = widgets();
        const cells = new Set<string>();
        for (const w of all) {
            assert.ok(w.x >= 0 && w.width > 0 && w.x + w.width <= 24, JSON.stringify(w));
            for (let x = w.x; x < w.x + w.width; x++) {
                for (let y = w.y; y < w.y + w.height; y++) {
                    assert.ok(!cells.has(`${x},${y}`), `${w.properties.title ?? w.type} overlaps at ${x},${y}`);
                    cells.add(`${x},${y}`);
                }
            }
            if (w.type === "metric" || w.type === "log") {
                assert.equal(w.properties.region, "eu-west-1", w.properties.title);
            }
        }
    });

    it("shows the stage's requests, 4XX, 5XX and p50/p99 latency from AWS/ApiGateway", () => {
        const stage = ["ApiName", "customer-api-1a2b3c4", "Stage", "v1"];
        assert.deepEqual(titled("Requests").properties.metrics, [["AWS/ApiGateway", "Count", ...stage, { stat: "Sum", label: "requests" }]]);
        assert.deepEqual(titled("4XX and 5XX answers").properties.metrics, [
            ["AWS/ApiGateway", "4XXError", ...stage, { stat: "Sum", label: "4XX" }],
            ["AWS/ApiGateway", "5XXError", ...stage, { stat: "Sum", label: "5XX" }],
        ]);
        const latency = titled("Latency (ms)").properties.metrics ?? [];
        assert.deepEqual(latency.filter(l => l[1] === "Latency").map(l => (l[6] as { stat: string }).stat), ["p50", "p99"]);
    });

    it("shows the authorizer's invocations, errors and throttles from AWS/Lambda", () => {
        const lines = titled("Authorizer").properties.metrics ?? [];
        assert.deepEqual(lines.map(l => l.slice(0, 4)), ["Invocations", "Errors", "Throttles"].map(m => ["AWS/Lambda", m, "FunctionName", "authorizer-9a8b7c6"]));
    });

    it("draws one line per partner from the metric filters' namespace and dimension", () => {
        assert.deepEqual(titled("Requests per partner").properties.metrics, [
            ["apigw-mtls/dev", partnerMetrics.requests.name, "partner", "acme-bank", { stat: "Sum", label: "acme-bank" }],
            ["apigw-mtls/dev", partnerMetrics.requests.name, "partner", "globex", { stat: "Sum", label: "globex" }],
        ]);
        assert.deepEqual((titled("4XX answers per partner").properties.metrics ?? []).map(l => l.slice(0, 4)), [
            ["apigw-mtls/dev", "4XXError", "partner", "acme-bank"],
            ["apigw-mtls/dev", "4XXError", "partner", "globex"],
        ]);
    });

    it("searches for every partner when none is configured", () => {
        const lines = titled("Requests per partner", { ...spec, partners: [] }).properties.metrics ?? [];
        assert.deepEqual(lines, [[{ expression: `SEARCH('{"apigw-mtls/dev",partner} MetricName="Requests"', 'Sum', 300)`, id: "partners", label: "" }]]);
    });

    it("names the stage, the access log group and the namespace, and queries the log for 4XX and 5XX by partner", () => {
        const text = widgets().find(w => w.type === "text")?.properties.markdown ?? "";
        for (const name of ["v1", "customer-api-1a2b3c4", "customer-access-log-5d6e7f8", "apigw-mtls/dev", "authorizer-9a8b7c6"]) {
            assert.ok(text.includes(name), name);
        }
        const log = widgets().find(w => w.type === "log");
        assert.match(log?.properties.query ?? "", /^SOURCE 'customer-access-log-5d6e7f8' \| filter status like \/\^\[45\]\/ \| stats count\(\*\) as answers by partner, status/);
    });

    it("shows the alarms' state, and no alarm widget without alarms", () => {
        assert.deepEqual(widgets().find(w => w.type === "alarm")?.properties.alarms, spec.alarmArns);
        assert.equal(widgets({ ...spec, alarmArns: [] }).find(w => w.type === "alarm"), undefined);
    });

    it("names the dashboard after the project and stack, in the characters CloudWatch allows", () => {
        assert.equal(dashboardNameFor("apigw-mtls", "dev"), "apigw-mtls-dev");
        assert.equal(dashboardNameFor("apigw-mtls", "prod.eu"), "apigw-mtls-prod-eu");
        assert.equal(dashboardUrl("eu-west-1", "apigw-mtls-dev"), "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/apigw-mtls-dev");
    });
    it("draws each API's stage, labelled with its name, when there are several, and queries only the stack's own access logs", () => {
        const several: DashboardSpec = { ...spec, apis: [...spec.apis, { name: "billing", apiName: "billing-api", stageName: "prod" }] };
        const lines = titled("Requests", several).properties.metrics ?? [];
        assert.deepEqual(lines, [
            ["AWS/ApiGateway", "Count", "ApiName", "customer-api-1a2b3c4", "Stage", "v1", { stat: "Sum", label: "customer requests" }],
            ["AWS/ApiGateway", "Count", "ApiName", "billing-api", "Stage", "prod", { stat: "Sum", label: "billing requests" }],
        ]);
        assert.equal(widgets({ ...several, accessLogGroupNames: [] }).filter(w => w.type === "log").length, 0, "no log widget without a log group of ours");
    });
});
