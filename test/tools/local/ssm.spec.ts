// The SSM endpoint local mode gives its functions, called with the AWS SDK as the authorizer calls
// it: GetParameter and GetParameters from the stack's parameters, AWS's error shapes for the rest, only for callers
// with the run's throwaway credentials, and closed with the run. Only 127.0.0.1 is contacted.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { GetParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { FunctionModel, ParameterModel } from "../../../tools/local/domain-model";
import { loadFunction } from "../../../tools/local/lambda";
import { findParameter, SsmEndpoint, startSsmEndpoint } from "../../../tools/local/ssm";

const keys: ParameterModel = {
    name: "/apigw-mtls/dev/partner-usage-keys",
    type: "SecureString",
    value: JSON.stringify({ "acme-bank": "k-acme", initech: "k-initech" }),
    version: 3,
    arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/apigw-mtls/dev/partner-usage-keys",
};
const plain: ParameterModel = { name: "plain", type: "String", value: "hello", version: 1, arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/plain" };

function client(endpoint: SsmEndpoint, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = endpoint.credentials): SSMClient {
    return new SSMClient({ endpoint: endpoint.url, region: "eu-west-1", credentials, maxAttempts: 1 });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    assert.fail("the call succeeded");
}

/** One raw POST to the endpoint; resolves with the status and body. */
function post(url: string, headers: http.OutgoingHttpHeaders, body: string): Promise<{ status?: number; body: string }> {
    return new Promise((resolve, reject) => {
        const request = http.request(url, { method: "POST", headers, timeout: 5_000 }, (response) => {
            let text = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (text += chunk));
            response.on("end", () => resolve({ status: response.statusCode, body: text }));
        });
        request.on("timeout", () => request.destroy(new Error("timed out")));
        request.on("error", reject);
        request.end(body);
    });
}

describe("local mode's SSM endpoint", function () {
    this.timeout(20_000);
    let endpoint: SsmEndpoint;
    const logged: string[] = [];

    before(async () => {
        endpoint = await startSsmEndpoint([keys, plain], { log: (line) => logged.push(line) });
    });

    after(() => endpoint?.stop());

    it("listens on 127.0.0.1 only", () => {
        assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("answers the SDK's GetParameter WithDecryption with the parameter's value, type, version and ARN", async () => {
        const { Parameter } = await client(endpoint).send(new GetParameterCommand({ Name: keys.name, WithDecryption: true }));
        assert.deepEqual(
            { Name: Parameter?.Name, Type: Parameter?.Type, Value: Parameter?.Value, Version: Parameter?.Version, ARN: Parameter?.ARN },
            { Name: keys.name, Type: "SecureString", Value: keys.value, Version: 3, ARN: keys.arn });
    });

    it("finds a parameter by its ARN and by name:version", async () => {
        const byArn = await client(endpoint).send(new GetParameterCommand({ Name: keys.arn, WithDecryption: true }));
        const byVersion = await client(endpoint).send(new GetParameterCommand({ Name: `${keys.name}:3`, WithDecryption: true }));
        assert.equal(byArn.Parameter?.Value, keys.value);
        assert.equal(byVersion.Parameter?.Value, keys.value);
        assert.equal(findParameter([keys], `${keys.name}:2`), undefined, "no version 2");
    });

    it("gives no SecureString's plain value without WithDecryption", async () => {
        const { Parameter } = await client(endpoint).send(new GetParameterCommand({ Name: keys.name }));
        assert.notEqual(Parameter?.Value, keys.value);
        const { Parameter: text } = await client(endpoint).send(new GetParameterCommand({ Name: plain.name }));
        assert.equal(text?.Value, "hello", "a String is plain either way");
    });

    it("answers a name the stack does not declare with ParameterNotFound, as the SDK knows it", async () => {
        const error = await rejection(client(endpoint).send(new GetParameterCommand({ Name: "/apigw-mtls/dev/other", WithDecryption: true })));
        assert.equal(error.name, "ParameterNotFound");
    });

    it("answers the SDK's GetParameters with the parameters it finds, by name, and lists the names it does not in InvalidParameters", async () => {
        const result = await client(endpoint).send(new GetParametersCommand({ Names: [plain.name, keys.name, "/apigw-mtls/dev/other"], WithDecryption: true }));
        assert.deepEqual(result.Parameters?.map((p) => [p.Name, p.Value]), [[keys.name, keys.value], [plain.name, "hello"]]);
        assert.deepEqual(result.InvalidParameters, ["/apigw-mtls/dev/other"]);
    });

    it("refuses GetParameters of more than ten names, as SSM does", async () => {
        const error = await rejection(client(endpoint).send(new GetParametersCommand({ Names: Array.from({ length: 11 }, () => keys.name), WithDecryption: true })));
        assert.equal(error.name, "ValidationException");
    });

    it("refuses callers without the run's credentials", async () => {
        const error = await rejection(client(endpoint, { accessKeyId: "AKIAOTHER", secretAccessKey: "x" }).send(new GetParameterCommand({ Name: keys.name, WithDecryption: true })));
        assert.equal(error.name, "UnrecognizedClientException");
    });

    it("answers other operations with UnknownOperationException", async () => {
        const error = await rejection(client(endpoint).send(new PutParameterCommand({ Name: "x", Value: "y", Type: "String" })));
        assert.equal(error.name, "UnknownOperationException");
        assert.ok(logged.some((line) => /UnknownOperationException/.test(line)));
        assert.ok(!logged.some((line) => line.includes("k-acme")), "no value is logged");
    });

    it("refuses a body above 64 KiB", async () => {
        const headers = { authorization: `AWS4-HMAC-SHA256 Credential=${endpoint.credentials.accessKeyId}/x, Signature=0`, "x-amz-target": "AmazonSSM.GetParameter" };
        const reply = await post(endpoint.url, headers, JSON.stringify({ Name: "x".repeat(70 * 1024) }));
        assert.equal(reply.status, 400);
        assert.equal(JSON.parse(reply.body).__type, "ValidationException");
    });

    it("stops listening when stopped", async () => {
        const other = await startSsmEndpoint([plain]);
        await other.stop();
        await assert.rejects(post(other.url, {}, "{}"), /ECONNREFUSED/);
    });

    describe("called from a function as local mode loads it", () => {
        // As the program's bundles do: the SDK left out, for Lambda's runtime to provide.
        const reader = `
exports.handler = async () => {
    const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");
    const result = await new SSMClient({ maxAttempts: 1 }).send(new GetParameterCommand({ Name: process.env.USAGE_KEYS_PARAMETER, WithDecryption: true }));
    return result.Parameter.Value;
};`;
        let dir: string;
        const saved: Record<string, string | undefined> = {};
        const host = { AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "AKIAHOSTKEY", AWS_SECRET_ACCESS_KEY: "host-secret", AWS_REGION: "us-west-2" };

        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-ssm-"));
            for (const [name, value] of Object.entries(host)) {
                saved[name] = process.env[name];
                process.env[name] = value;
            }
        });

        after(() => {
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) {
                    delete process.env[name];
                } else {
                    process.env[name] = value;
                }
            }
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("reads the parameter from the local endpoint with the run's credentials, not the host's endpoint or keys", async () => {
            const model: FunctionModel = {
                resourceName: "reader", functionName: "reader", arn: "arn:aws:lambda:eu-west-1:123456789012:function:reader", region: "eu-west-1",
                handler: "index.handler", runtime: "nodejs24.x", timeoutSeconds: 10, memorySize: 128,
                environment: { USAGE_KEYS_PARAMETER: keys.name },
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(reader) }),
            };
            const local = {
                AWS_ENDPOINT_URL_SSM: endpoint.url,
                AWS_ACCESS_KEY_ID: endpoint.credentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: endpoint.credentials.secretAccessKey,
                AWS_SESSION_TOKEN: endpoint.credentials.sessionToken,
            };
            const fn = await loadFunction(model, path.join(dir, "reader"), () => undefined, local);
            assert.equal(await fn.invoke({}), keys.value);
            const without = await loadFunction(model, path.join(dir, "reader-alone"));
            await assert.rejects(without.invoke({}), /Could not load credentials/, "without local mode's environment the host's keys are not used either");
        });
    });
});
