import { strict as assert } from "node:assert";
import { bundleHandler, NodeFunction } from "../../components/node-function";
import { archiveFile, captureResources, only, valueOf } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("NodeFunction", () => {
        it("runs the bundled handler on arm64 and the newest Node.js runtime, with a role that may only write its own log group", async () => {
            const capture = await captureResources();
            const fn = new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), logRetentionDays: 14 });
            await valueOf(fn.function.arn);
            const resources = await capture.settled();
            assert.deepEqual(resources.filter((r) => r.custom).map((r) => r.name).sort(), ["f", "f-log", "f-logs", "f-role"]);
            const role = only(resources, "aws:iam/role:Role", "f-role");
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
            const attachment = only(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "f-logs").inputs;
            assert.equal(attachment.role, role.outputs.name);
            assert.match(attachment.policyArn, /\/AWSLambdaBasicExecutionRole$/);
            const log = only(resources, "aws:cloudwatch/logGroup:LogGroup", "f-log");
            assert.equal(log.inputs.retentionInDays, 14);
            const inputs = only(resources, "aws:lambda/function:Function", "f").inputs;
            assert.deepEqual([inputs.runtime, inputs.architectures, inputs.handler, inputs.memorySize, inputs.timeout], ["nodejs24.x", ["arm64"], "index.handler", 256, 10]);
            assert.equal(inputs.role, role.outputs.arn);
            assert.deepEqual(inputs.loggingConfig, { logFormat: "JSON", logGroup: log.outputs.name });
            assert.equal(inputs.environment, undefined);
            assert.match(await archiveFile(inputs.code, "index.js"), /exports/, "the bundled handler");
        });

        it("packages the given files beside the code and sets the given environment and timeout", async () => {
            const capture = await captureResources();
            new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), files: { "data.json": "{}" }, environment: { MODE: "test" }, timeout: 3, logRetentionDays: 14 });
            const inputs = only(await capture.settled(), "aws:lambda/function:Function").inputs;
            assert.equal(await archiveFile(inputs.code, "data.json"), "{}");
            assert.deepEqual(inputs.environment, { variables: { MODE: "test" } });
            assert.equal(inputs.timeout, 3);
        });

        it("allows its role what policyStatements allow, in an inline policy the function waits for", async () => {
            const capture = await captureResources();
            const statement = { Effect: "Allow" as const, Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/p"] };
            const fn = new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), logRetentionDays: 14, policyStatements: [statement] });
            await valueOf(fn.function.arn);
            const resources = await capture.settled();
            const policy = only(resources, "aws:iam/rolePolicy:RolePolicy", "f-policy").inputs;
            assert.equal(policy.role, only(resources, "aws:iam/role:Role", "f-role").outputs.name);
            assert.deepEqual(JSON.parse(policy.policy), { Version: "2012-10-17", Statement: [statement] });
        });

        it("leaves AWS SDK v3 out of the bundle, for the Lambda runtime to provide", () => {
            const code = bundleHandler(require.resolve("../../handlers/authorizer"));
            assert.match(code, /require\("@aws-sdk\/client-ssm"\)/);
            assert.doesNotMatch(code, /class SSMClient/);
        });
    });
});
