// docs/operations.md, held to the code: the alarms' default thresholds, the error it quotes for a
// bad threshold, and the default throttle and quota it states.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { AlarmConfigError, defaultAlarmThresholds, parseAlarmSettings } from "../../core/monitoring/alarms";

const root = path.join(__dirname, "..", "..");
const page = fs.readFileSync(path.join(root, "docs", "operations.md"), "utf8");

/** The "fires when (default)" cell of the alarm table's row for a threshold. */
function firesWhen(threshold: string): string {
    const row = page.split("\n").find((line) => line.startsWith("| `monitoring-") && line.includes(`\`alarmThresholds.${threshold}\``));
    assert.ok(row, `the alarm table has a row for alarmThresholds.${threshold}`);
    return row.split(" | ")[2];
}

describe("docs/operations.md", () => {
    it("gives each alarm the default threshold of core/monitoring/alarms.ts", () => {
        const { serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors } = defaultAlarmThresholds;
        assert.match(firesWhen("serverErrors"), new RegExp(`\\(${serverErrors}\\)$`));
        assert.match(firesWhen("clientErrorRate"), new RegExp(`\\(${clientErrorRate}, ${clientErrorRate * 100}%\\)$`));
        assert.match(firesWhen("latencyP99Ms"), new RegExp(`\\(${latencyP99Ms} ms\\)$`));
        assert.match(firesWhen("authorizerErrors"), new RegExp(`\\(${authorizerErrors}\\)$`));
        assert.equal(Object.keys(defaultAlarmThresholds).length, 4, "one row per threshold");
    });

    it("quotes the error a share given as a percentage gets", () => {
        const quoted = /fix: `(apigw-mtls:alarmThresholds\.clientErrorRate is 5,[^`]+)`/.exec(page)?.[1].replace(/\s*\n\s*/g, " ");
        assert.ok(quoted, "the page quotes the clientErrorRate error");
        assert.throws(() => parseAlarmSettings({ alarmThresholds: JSON.stringify({ clientErrorRate: 5 }) }),
            (error: unknown) => error instanceof AlarmConfigError && error.message === quoted);
    });

    it("states Pulumi.yaml's default throttle and quota", () => {
        const config = (yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default: Record<string, unknown> }> }).config;
        const { rateLimit, burstLimit } = config.throttle.default;
        const { limit, period } = config.quota.default;
        assert.equal(period, "DAY");
        assert.match(page.replace(/\s*\n\s*/g, " "), new RegExp(`Defaults\\*\\* \\(in \`Pulumi.yaml\`, where the reasons are written too\\): ${String(rateLimit)} requests/s with a burst of ${String(burstLimit)}, and ${Number(limit).toLocaleString("en-US")} requests a day\\.`));
    });
});
