import { strict as assert } from "node:assert";
import { GatewayAccount } from "../../components/gateway-account";
import { allOf, captureResources, only } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("GatewayAccount", () => {
        it("creates a logging role API Gateway can assume, and sets it on the account", async () => {
            const capture = await captureResources();
            new GatewayAccount("g", {});
            const resources = await capture.settled();
            const role = only(resources, "aws:iam/role:Role");
            assert.equal(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service, "apigateway.amazonaws.com");
            assert.match(only(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn, /AmazonAPIGatewayPushToCloudWatchLogs$/);
            assert.equal(only(resources, "aws:apigateway/account:Account").inputs.cloudwatchRoleArn, role.outputs.arn);
        });

        it("uses an existing role without creating one", async () => {
            const capture = await captureResources();
            new GatewayAccount("g", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/existing" });
            const resources = await capture.settled();
            assert.equal(allOf(resources, "aws:iam/role:Role").length, 0);
            assert.equal(only(resources, "aws:apigateway/account:Account").inputs.cloudwatchRoleArn, "arn:aws:iam::123456789012:role/existing");
        });
    });
});
