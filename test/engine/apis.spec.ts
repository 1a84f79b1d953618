// The dev stack's APIs under the REAL Pulumi engine (stand-in cloud): the customer and orders APIs
// from their OpenAPI files (RestApi `body`) and, beside them, an API another stack deploys, mapped by
// id. The stack previews clean under the policy pack, deploys, and warns once what the owning team
// must do; its partners' plans meter all three stages.
import * as assert from "node:assert/strict";
import { EngineWorkspace, missingEngine } from "../../tools/engine/workspace";
import { resourceName, StackExport, StateResource } from "../helpers/engine-state";

before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

describe("APIs from OpenAPI files and an API deployed elsewhere under the real Pulumi CLI (stand-in cloud)", () => {
    let workspace: EngineWorkspace;
    before(async () => {
        workspace = new EngineWorkspace();
        await workspace.pulumi(["stack", "init", "dev"]);
        await workspace.pulumi(["config", "set", "--path", "apis.billing.basePath", "billing"]);
        await workspace.pulumi(["config", "set", "--path", "apis.billing.restApiId", "a1b2c3d4e5"]);
        await workspace.pulumi(["config", "set", "--path", "apis.billing.stageName", "prod"]);
    });
    after(() => workspace.dispose());

    it("deploys under the policy pack, warning once what the billing API's owners must do", async () => {
        const up = await workspace.pulumi(["up", "--yes", "--policy-pack", "policy"]);
        // The CLI shows a warning in the progress and once more under Diagnostics: count the latter.
        const warnings = up.stdout.split("\n").filter((line) => /^\s+warning: .*is deployed by another stack, which must/.test(line));
        assert.equal(warnings.length, 1, up.stdout);
        assert.match(warnings[0], /attach this stack's authorizer/);
        assert.doesNotMatch(up.stdout, /mandatory/);
    });

    it("keeps each created API's OpenAPI body in state, maps all three APIs and meters their stages", async () => {
        const resources = (JSON.parse((await workspace.pulumi(["stack", "export"])).stdout) as StackExport).deployment.resources ?? [];
        const ofType = (type: string) => resources.filter((r: StateResource) => r.type === type);
        const apis = ofType("aws:apigateway/restApi:RestApi");
        assert.deepEqual(apis.map((r) => resourceName(r.urn)).sort(), ["customer-api", "orders-api"]);
        for (const api of apis) {
            const body = JSON.parse(String(api.inputs?.body)) as { openapi?: string };
            assert.match(body.openapi ?? "", /^3\./, `${resourceName(api.urn)} has an OpenAPI 3 body`);
        }
        const mappings = ofType("aws:apigateway/basePathMapping:BasePathMapping").map((r) => r.inputs?.basePath).sort();
        assert.deepEqual(mappings, ["billing", "c360", "orders"]);
        for (const plan of ofType("aws:apigateway/usagePlan:UsagePlan")) {
            const stages = (plan.inputs?.apiStages as { apiId: string; stage: string }[]).map((s) => s.stage);
            assert.equal(stages.length, 3, resourceName(plan.urn));
            assert.ok(stages.includes("prod"), `${resourceName(plan.urn)} meters the billing API's stage`);
        }
    });
});
