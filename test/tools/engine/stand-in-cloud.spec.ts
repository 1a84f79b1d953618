// The stand-in cloud the real engine runs against: AWS's refusals, the provider's replacements and
// deletes, and one account shared by every stack of a backend. Driven through the stand-in aws
// provider object, as the engine calls it (olds are the old outputs).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { awsProvider } from "../../../tools/engine/providers/aws";
import { cloudFile, readCloud, resetInMemoryCloud } from "../../../tools/engine/providers/cloud";
import { AwsRefusal, validateInputs } from "../../../tools/simulator/aws-rules";
import { Props } from "../../../tools/simulator/aws";

const urn = (type: string, name: string, stack = "dev") => `urn:pulumi:${stack}::apigw-mtls::${type}::${name}`;
const types = {
    account: "aws:apigateway/account:Account",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    parameter: "aws:ssm/parameter:Parameter",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    planKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    domain: "aws:apigateway/domainName:DomainName",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

async function create(type: string, name: string, inputs: Props, stack = "dev"): Promise<{ id: string; outs: Props }> {
    const result = await awsProvider.create!(urn(type, name, stack), inputs);
    return { id: result.id, outs: result.outs as Props };
}
const remove = (type: string, name: string, id: string, outs: Props, stack = "dev") => awsProvider.delete!(id, urn(type, name, stack), outs);
const refused = (pattern: RegExp) => (error: unknown) => error instanceof AwsRefusal && pattern.test(error.message);

describe("stand-in cloud (AWS's rules for the real engine)", () => {
    beforeEach(() => resetInMemoryCloud());

    describe("replacement, from the provider's ForceNew properties", () => {
        const replaces = async (type: string, olds: Props, news: Props) => (await awsProvider.diff!("id", urn(type, "r"), olds, news)).replaces ?? [];

        it("updates a usage plan's limits in place, and replaces a plan key that moves to another plan", async () => {
            assert.deepEqual(await replaces(types.plan, { throttleSettings: { rateLimit: 5 } }, { throttleSettings: { rateLimit: 1 } }), []);
            assert.deepEqual(await replaces(types.planKey, { keyId: "k", usagePlanId: "a" }, { keyId: "k", usagePlanId: "b" }), ["usagePlanId"]);
        });

        it("replaces an SSM parameter whose name changes or whose tier goes from Advanced to Standard, not one whose value changes", async () => {
            assert.deepEqual(await replaces(types.parameter, { name: "/a", value: "1" }, { name: "/a", value: "2" }), []);
            assert.deepEqual(await replaces(types.parameter, { name: "/a" }, { name: "/b" }), ["name"]);
            assert.deepEqual(await replaces(types.parameter, { name: "/a", tier: "Advanced" }, { name: "/a", tier: "Standard" }), ["tier"]);
        });

        it("updates a domain's truststore version in place and replaces it for a new domain name", async () => {
            const tls = (version: string) => ({ truststoreUri: "s3://bucket-a/truststore.pem", truststoreVersion: version });
            assert.deepEqual(await replaces(types.domain, { domainName: "a.example.com", mutualTlsAuthentication: tls("1") }, { domainName: "a.example.com", mutualTlsAuthentication: tls("2") }), []);
            assert.deepEqual(await replaces(types.domain, { domainName: "a.example.com" }, { domainName: "b.example.com" }), ["domainName"]);
        });
    });

    describe("unique names", () => {
        it("refuses a create-before-delete replacement of a same-named SSM parameter, and takes it once the old one is deleted", async () => {
            const first = await create(types.parameter, "keys", { name: "/apigw-mtls/dev/keys", type: "SecureString", value: "{}" });
            await assert.rejects(create(types.parameter, "keys", { name: "/apigw-mtls/dev/keys", type: "SecureString", value: "{}" }), refused(/ParameterAlreadyExists/));
            await remove(types.parameter, "keys", first.id, first.outs);
            await create(types.parameter, "keys", { name: "/apigw-mtls/dev/keys", type: "SecureString", value: "{}" });
        });

        it("refuses another stack's custom domain name and log group name in the same account", async () => {
            await create(types.domain, "domain", { domainName: "api.example.com" }, "dev");
            await assert.rejects(create(types.domain, "domain", { domainName: "api.example.com" }, "prod"), refused(/already in use.*held by urn:pulumi:dev::/));
            await create(types.logGroup, "log", { name: "API-Gateway-Execution-Logs_abc/v1" }, "dev");
            await assert.rejects(create(types.logGroup, "log", { name: "API-Gateway-Execution-Logs_abc/v1" }, "prod"), refused(/ResourceAlreadyExistsException/));
        });
    });

    describe("the account's API Gateway logging role", () => {
        it("lets a stage log once an account setting is made, and refuses after that setting is deleted, as the provider resets it", async () => {
            const stage = { restApi: "abc", stageName: "v1", deployment: "d", accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:a", format: "{}" } };
            await assert.rejects(create(types.stage, "stage", stage), refused(/CloudWatch Logs role ARN must be set in account settings/));
            const account = await create(types.account, "account", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/logs" }, "prod");
            await create(types.stage, "stage", stage, "dev");
            await remove(types.account, "account", account.id, account.outs, "prod");
            assert.equal(readCloud().apigatewayAccount.cloudwatchRoleArn, null);
            await assert.rejects(create(types.methodSettings, "settings", { restApi: "abc", stageName: "v1", methodPath: "*/*", settings: { loggingLevel: "INFO" } }), refused(/role ARN must be set/));
        });
    });

    describe("S3 deletes, as the provider makes them", () => {
        async function truststore() {
            const bucket = await create(types.bucket, "bucket", { bucket: "truststore-a", forceDestroy: false });
            const versioning = await create(types.versioning, "versioning", { bucket: "truststore-a", versioningConfiguration: { status: "Enabled" } });
            const object = await create(types.object, "bundle", { bucket: "truststore-a", key: "truststore.pem", content: "one" });
            return { bucket, versioning, object };
        }

        it("removes every version of a versioned object it deletes, and suspends versioning when the versioning resource goes", async () => {
            const { versioning, object } = await truststore();
            await awsProvider.update!(object.id, urn(types.object, "bundle"), object.outs, { bucket: "truststore-a", key: "truststore.pem", content: "two" });
            assert.equal(readCloud().buckets["truststore-a"].objects["truststore.pem"].length, 2);
            await remove(types.object, "bundle", object.id, object.outs);
            assert.equal(readCloud().buckets["truststore-a"].objects["truststore.pem"], undefined);
            await remove(types.versioning, "versioning", versioning.id, versioning.outs);
            assert.equal(readCloud().buckets["truststore-a"].versioning, "Suspended");
        });

        it("refuses to delete a bucket that still holds objects, unless forceDestroy", async () => {
            const { bucket } = await truststore();
            await assert.rejects(remove(types.bucket, "bucket", bucket.id, bucket.outs), refused(/BucketNotEmpty/));
            await remove(types.bucket, "bucket", bucket.id, { ...bucket.outs, forceDestroy: true });
        });

        it("refuses a domain that pins a truststore version the bucket does not hold", async () => {
            const { object } = await truststore();
            const domain = (version: string) => ({ domainName: "api.example.com", mutualTlsAuthentication: { truststoreUri: "s3://truststore-a/truststore.pem", truststoreVersion: version } });
            await create(types.domain, "domain", domain(String(object.outs.versionId)));
            await remove(types.object, "bundle", object.id, object.outs);
            await assert.rejects(awsProvider.update!("api.example.com", urn(types.domain, "domain"), domain(String(object.outs.versionId)), domain(String(object.outs.versionId))), refused(/truststore .* does not exist/));
        });
    });

    it("refuses an API key in two usage plans of one stage", async () => {
        const stages = { apiStages: [{ apiId: "abc", stage: "v1" }] };
        const a = await create(types.plan, "plan-a", stages);
        const b = await create(types.plan, "plan-b", stages);
        await create(types.planKey, "key-a", { keyId: "k1", keyType: "API_KEY", usagePlanId: a.id });
        await assert.rejects(create(types.planKey, "key-b", { keyId: "k1", keyType: "API_KEY", usagePlanId: b.id }), refused(/already in usage plan/));
    });

    describe("AWS's validation of inputs", () => {
        const cases: [string, string, Props, RegExp][] = [
            ["a Standard parameter over 4,096 characters", types.parameter, { name: "/a", value: "x".repeat(4097) }, /Standard tier holds at most 4096/],
            ["an Intelligent-Tiering parameter over 8,192 characters", types.parameter, { name: "/a", tier: "Intelligent-Tiering", value: "x".repeat(8193) }, /at most 8192/],
            ["a parameter name Parameter Store reserves", types.parameter, { name: "/ssm/a", value: "1" }, /reserves/],
            ["a truststore URI that is not s3://bucket/key", types.domain, { domainName: "a.example.com", mutualTlsAuthentication: { truststoreUri: "https://b/k" } }, /not s3:\/\/<bucket>\/<key>/],
            ["an empty truststore version", types.domain, { domainName: "a.example.com", mutualTlsAuthentication: { truststoreUri: "s3://bucket/k", truststoreVersion: "" } }, /truststoreVersion is empty/],
            ["a log retention CloudWatch Logs does not offer", types.logGroup, { retentionInDays: 2 }, /retentionInDays 2 is not one of/],
            ["an alarm period that is not 10, 30 or a multiple of 60", "aws:cloudwatch/metricAlarm:MetricAlarm", { period: 45 }, /period 45/],
            ["a metric filter dimension from a field the pattern does not name", "aws:cloudwatch/logMetricFilter:LogMetricFilter", { pattern: "{ $.status = 4* }", metricTransformation: { dimensions: { partner: "$.partner" } } }, /dimension partner/],
            ["a Lambda runtime Lambda no longer creates", "aws:lambda/function:Function", { runtime: "nodejs20.x" }, /runtime nodejs20.x/],
            ["a dashboard body without widgets", "aws:cloudwatch/dashboard:Dashboard", { dashboardName: "d", dashboardBody: "{}" }, /no widgets/],
            ["a role name over 64 characters", "aws:iam/role:Role", { name: "r".repeat(65) }, /1 to 64/],
            ["an API key value under 20 characters", "aws:apigateway/apiKey:ApiKey", { value: "short" }, /20 to 128/],
        ];
        for (const [what, type, inputs, message] of cases) {
            it(`refuses ${what}`, async () => {
                assert.throws(() => validateInputs(type, "r", inputs), refused(message));
                await assert.rejects(create(type, "r", inputs), refused(message), "the stand-in refuses it too");
            });
        }

        it("takes what the program sends: a 5,000-character Intelligent-Tiering value, a retention of 30 days, a 300-second period", () => {
            validateInputs(types.parameter, "r", { name: "/apigw-mtls/dev/keys", tier: "Intelligent-Tiering", value: "x".repeat(5000) });
            validateInputs(types.logGroup, "r", { retentionInDays: 30, name: "API-Gateway-Execution-Logs_abc/v1" });
            validateInputs("aws:cloudwatch/metricAlarm:MetricAlarm", "r", { period: 300 });
        });
    });

    describe("one account per backend", () => {
        let dir: string;
        const saved = process.env.PULUMI_BACKEND_URL;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-cloud-"));
            process.env.PULUMI_BACKEND_URL = pathToFileURL(dir).href;
        });
        afterEach(() => {
            if (saved === undefined) {
                delete process.env.PULUMI_BACKEND_URL;
            } else {
                process.env.PULUMI_BACKEND_URL = saved;
            }
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("keeps the account in a file of the state backend's folder, which every stack's provider reads", async () => {
            assert.equal(cloudFile(), path.join(dir, ".standin-cloud.json"));
            await create(types.account, "account", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/logs" }, "prod");
            const written = JSON.parse(fs.readFileSync(path.join(dir, ".standin-cloud.json"), "utf8")) as { apigatewayAccount: { cloudwatchRoleArn: string } };
            assert.equal(written.apigatewayAccount.cloudwatchRoleArn, "arn:aws:iam::123456789012:role/logs");
            resetInMemoryCloud();
            await create(types.stage, "stage", { restApi: "abc", stageName: "v1", accessLogSettings: { destinationArn: "arn:x", format: "{}" } }, "dev");
        });
    });
});
