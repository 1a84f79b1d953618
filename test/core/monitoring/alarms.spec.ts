import { strict as assert } from "node:assert";
import { AlarmConfigError, defaultAlarmThresholds, parseAlarmSettings, RawAlarmConfig } from "../../../core/monitoring/alarms";

/** The problems parseAlarmSettings throws for `raw`, one a line. */
function refusals(raw: RawAlarmConfig): string[] {
    try {
        parseAlarmSettings(raw);
    } catch (e) {
        assert.ok(e instanceof AlarmConfigError, String(e));
        return e.message.split("\n");
    }
    assert.fail(`accepted ${JSON.stringify(raw)}`);
}

/** The one problem parseAlarmSettings throws for `raw`. */
function refusal(raw: RawAlarmConfig): string {
    const problems = refusals(raw);
    assert.equal(problems.length, 1, `one line: ${problems.join(" | ")}`);
    return problems[0];
}

const thresholds = (value: unknown) => refusal({ alarmThresholds: JSON.stringify(value) });

describe("alarm settings (core/monitoring/alarms.ts)", () => {
    it("defaults to the stack's own topic, no e-mail and the default thresholds", () => {
        const expected = { thresholds: { serverErrors: 5, clientErrorRate: 0.05, latencyP99Ms: 2000, authorizerErrors: 1 } };
        assert.deepEqual(parseAlarmSettings({}), expected);
        assert.deepEqual(parseAlarmSettings({ alarmTopicArn: "", alarmEmail: "", alarmThresholds: "" }), expected, '"" is unset');
        assert.deepEqual(parseAlarmSettings({ alarmThresholds: "{}" }), expected, "the declared default {}");
        assert.deepEqual(defaultAlarmThresholds, expected.thresholds);
    });

    it("takes a topic ARN of any partition, and an e-mail address, without surrounding blanks", () => {
        assert.deepEqual(parseAlarmSettings({ alarmTopicArn: " arn:aws:sns:eu-west-1:123456789012:ops-alarms ", alarmEmail: "ops@example.com" }),
            { topicArn: "arn:aws:sns:eu-west-1:123456789012:ops-alarms", email: "ops@example.com", thresholds: defaultAlarmThresholds });
        assert.equal(parseAlarmSettings({ alarmTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms_1" }).topicArn, "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms_1");
        assert.equal(parseAlarmSettings({ alarmTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:alarms" }).topicArn, "arn:aws-cn:sns:cn-north-1:123456789012:alarms");
    });

    it("keeps the defaults of the thresholds it is not given, and reads numbers given as strings", () => {
        assert.deepEqual(parseAlarmSettings({ alarmThresholds: '{"latencyP99Ms": 800}' }).thresholds, { ...defaultAlarmThresholds, latencyP99Ms: 800 });
        assert.deepEqual(parseAlarmSettings({ alarmThresholds: '{"serverErrors": "10", "clientErrorRate": "0.2"}' }).thresholds,
            { ...defaultAlarmThresholds, serverErrors: 10, clientErrorRate: 0.2 });
        assert.equal(parseAlarmSettings({ alarmThresholds: '{"clientErrorRate": 1}' }).thresholds.clientErrorRate, 1, "1 is every answer");
    });

    it("refuses a topic ARN that is not of SNS, naming the key, the value and the form", () => {
        const fix = 'set it to arn:<partition>:sns:<region>:<account>:<name>, such as arn:aws:sns:eu-west-1:123456789012:ops-alarms, or to "" for a topic of the stack';
        assert.equal(refusal({ alarmTopicArn: "ops-alarms" }), `apigw-mtls:alarmTopicArn is "ops-alarms", not an SNS topic ARN; ${fix}`);
        for (const arn of [
            "arn:aws:sqs:eu-west-1:123456789012:ops-alarms",
            "arn:aws:sns:eu-west-1:1234:ops-alarms",
            "arn:aws:sns::123456789012:ops-alarms",
            "arn:aws:sns:eu-west-1:123456789012:ops alarms",
            "arn:aws:sns:eu-west-1:123456789012:ops-alarms:1b2c3d4e-0000-4000-8000-000000000000",
        ]) {
            assert.match(refusal({ alarmTopicArn: arn }), /^apigw-mtls:alarmTopicArn is .*, not an SNS topic ARN; /, arn);
        }
    });

    it("refuses an e-mail address without @ or domain", () => {
        assert.equal(refusal({ alarmEmail: "ops" }),
            'apigw-mtls:alarmEmail is "ops", not an e-mail address; set it to the address that gets the alarms, such as ops@example.com, or to "" for none');
        for (const email of ["ops@example", "ops @example.com", "@example.com"]) {
            assert.match(refusal({ alarmEmail: email }), /^apigw-mtls:alarmEmail is .*, not an e-mail address/, email);
        }
    });

    it("refuses alarmThresholds that are not a mapping", () => {
        assert.equal(refusal({ alarmThresholds: "serverErrors=5" }),
            'apigw-mtls:alarmThresholds is "serverErrors=5", not a mapping; write it in the stack file as YAML under apigw-mtls:alarmThresholds, such as {serverErrors: 5, clientErrorRate: 0.05}');
        assert.equal(thresholds([5]), "apigw-mtls:alarmThresholds is [5], not a mapping; write it as {serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors}, each optional");
    });

    it("refuses a threshold it does not know, naming the ones it does", () => {
        assert.equal(thresholds({ latencyP99: 800 }),
            "apigw-mtls:alarmThresholds.latencyP99 is not a threshold; rename it to one of serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors, or remove it");
    });

    it("refuses a threshold that is not a number", () => {
        assert.equal(thresholds({ latencyP99Ms: "fast" }), 'apigw-mtls:alarmThresholds.latencyP99Ms is "fast", not a number; set it to a number, such as 2000');
        assert.equal(thresholds({ serverErrors: true }), "apigw-mtls:alarmThresholds.serverErrors is true, not a number; set it to a number, such as 5");
    });

    it("refuses a clientErrorRate outside (0, 1], taken for a percentage or zero", () => {
        const fix = "not a share of answers; set it above 0 and at most 1, such as 0.05 for 5% (it is the 4XXError Average, not a percentage)";
        assert.equal(thresholds({ clientErrorRate: 5 }), `apigw-mtls:alarmThresholds.clientErrorRate is 5, ${fix}`);
        assert.equal(thresholds({ clientErrorRate: 0 }), `apigw-mtls:alarmThresholds.clientErrorRate is 0, ${fix}`);
        assert.equal(thresholds({ clientErrorRate: -0.1 }), `apigw-mtls:alarmThresholds.clientErrorRate is -0.1, ${fix}`);
    });

    it("refuses a latency that is not above 0", () => {
        assert.equal(thresholds({ latencyP99Ms: 0 }), "apigw-mtls:alarmThresholds.latencyP99Ms is 0, not a positive number; set it to milliseconds above 0, such as 2000");
        assert.equal(thresholds({ latencyP99Ms: -5 }), "apigw-mtls:alarmThresholds.latencyP99Ms is -5, not a positive number; set it to milliseconds above 0, such as 2000");
    });

    it("refuses error counts that are not whole numbers from 1", () => {
        assert.equal(thresholds({ serverErrors: 0 }),
            "apigw-mtls:alarmThresholds.serverErrors is 0, not a positive whole number; set it to a count of errors in 5 minutes, 1 or more, such as 5");
        assert.equal(thresholds({ serverErrors: 2.5 }),
            "apigw-mtls:alarmThresholds.serverErrors is 2.5, not a positive whole number; set it to a count of errors in 5 minutes, 1 or more, such as 5");
        assert.equal(thresholds({ authorizerErrors: -1 }),
            "apigw-mtls:alarmThresholds.authorizerErrors is -1, not a positive whole number; set it to a count of errors in 5 minutes, 1 or more, such as 1");
    });

    it("names every bad threshold, one a line, in the order serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors", () => {
        const problems = refusals({ alarmThresholds: JSON.stringify({ clientErrorRate: 5, serverErrors: 0 }) });
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(problems[0], /^apigw-mtls:alarmThresholds\.serverErrors is 0, /);
        assert.match(problems[1], /^apigw-mtls:alarmThresholds\.clientErrorRate is 5, /);
    });

    it("names a bad topic, a bad e-mail address and a bad threshold in one run", () =>
        assert.deepEqual(refusals({ alarmTopicArn: "ops-alarms", alarmEmail: "ops", alarmThresholds: JSON.stringify({ latencyP99Ms: 0 }) }).map((line) => line.split(" is ")[0]),
            ["apigw-mtls:alarmTopicArn", "apigw-mtls:alarmEmail", "apigw-mtls:alarmThresholds.latencyP99Ms"]));
});
