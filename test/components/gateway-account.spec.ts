import { strict as assert } from "node:assert";
import { GatewayAccount } from "../../components/gateway-account";
import { captureResources, only, recordOptions, valueOf } from "../helpers/outputs";

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

        it("leaves the account setting to its owner when given a role: it declares no setting and no role", async () => {
            const capture = await captureResources();
            const account = new GatewayAccount("g", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/existing" });
            const resources = await capture.settled();
            assert.deepEqual(resources.filter((r) => r.custom).map((r) => r.type), []);
            assert.equal(account.account, undefined);
            assert.equal(await valueOf(account.cloudwatchRoleArn), "arn:aws:iam::123456789012:role/existing");
        });

        it("keeps the account setting and its role on destroy: the provider would reset the setting for every stack of the account", async () => {
            const capture = await captureResources();
            const { options, transformations } = recordOptions();
            new GatewayAccount("g", {}, { transformations });
            const resources = (await capture.settled()).filter((r) => r.custom);
            assert.deepEqual(resources.map((r) => r.type).sort(), ["aws:apigateway/account:Account", "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]);
            for (const resource of resources) {
                assert.equal(options.get(resource.name)?.retainOnDelete, true, `${resource.name}: retainOnDelete`);
            }
        });
    });
});
