// Per-partner throttling and quotas under the REAL Pulumi engine (stand-in cloud): the plans, keys
// and the keys' parameter are previewed and created, and no key value is in the state in plain
// text. The engine, not mocks, applies `additionalSecretOutputs`, so only here is that proven.
import * as assert from "node:assert/strict";
import { EngineWorkspace, missingEngine } from "../../tools/engine/workspace";
import { resourceName, secretSignature, StackExport, StateResource } from "../helpers/engine-state";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
}

const types = {
    apiKey: "aws:apigateway/apiKey:ApiKey",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    planKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    parameter: "aws:ssm/parameter:Parameter",
};

async function stackExport(workspace: EngineWorkspace, ...flags: string[]): Promise<StateResource[]> {
    return (JSON.parse((await workspace.pulumi(["stack", "export", ...flags])).stdout) as StackExport).deployment.resources ?? [];
}

/** A secret output as `stack export --show-secrets` writes it: the signature and the value's JSON as `plaintext`. */
function revealedValue(resource: StateResource | undefined): unknown {
    const value = resource?.outputs?.value as { plaintext?: string } | undefined;
    return typeof value?.plaintext === "string" ? JSON.parse(value.plaintext) : undefined;
}

before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

describe("usage plans under the real Pulumi CLI (stand-in cloud)", () => {
    let workspace: EngineWorkspace;
    let plain: StateResource[];
    let revealed: StateResource[];
    before(async () => {
        workspace = new EngineWorkspace();
        await workspace.pulumi(["stack", "init", "dev"]);
    });
    after(() => workspace.dispose());

    it("previews a key, a plan and a plan key per partner and the keys' parameter", async () => {
        const preview = await workspace.pulumiJson<{ steps: PreviewStep[] }>(["preview", "--policy-pack", "policy"]);
        // A child's URN names its parents' types before its own: `...PartnerUsagePlans$aws:apigateway/apiKey:ApiKey::usage-acme-bank-key`.
        const created = (type: string) => preview.steps.filter((s) => s.op === "create" && s.urn.includes(`${type}::`)).map((s) => resourceName(s.urn)).sort();
        const partners = ["acme-bank", "globex", "initech", "vandelay"];
        assert.deepEqual(created(types.apiKey), partners.map((p) => `usage-${p}-key`));
        assert.deepEqual(created(types.planKey), partners.map((p) => `usage-${p}-plan`));
        assert.deepEqual(created(types.plan), partners.map((p) => `usage-${p}-limits`));
        // Beside the keys' parameter, the one of the API stages each partner's access names.
        assert.deepEqual(created(types.parameter), ["api-stages-parameter", "usage-keys"]);
        assert.deepEqual(workspace.operations(), [], "a preview creates nothing");
    });

    it("creates them with pulumi up", async () => {
        await workspace.pulumi(["up", "--yes", "--policy-pack", "policy"]);
        plain = await stackExport(workspace);
        revealed = await stackExport(workspace, "--show-secrets");
        const created = workspace.operations().filter((o) => o.op === "create").map((o) => o.type);
        assert.equal(created.filter((t) => t === types.apiKey).length, 4);
        assert.equal(created.filter((t) => t === types.planKey).length, 4);
        assert.equal(created.filter((t) => t === types.plan).length, 4);
        assert.equal(created.filter((t) => t === types.parameter).length, 2);
    });

    it("keeps no API key value in plain text anywhere in the exported state", () => {
        const values = revealed.filter((r) => r.type === types.apiKey).map(revealedValue);
        assert.equal(values.length, 4);
        assert.ok(values.every((v) => typeof v === "string" && /^[A-Za-z0-9]{40}$/.test(v)), "--show-secrets gives each key's value");
        const state = JSON.stringify(plain);
        for (const value of values as string[]) {
            assert.ok(!state.includes(value), "a key's value is in the plain export");
        }
    });

    it("holds each key's value, its plan key's copy and the parameter's value as secrets", () => {
        const secret = (r: StateResource) => (r.outputs?.value as Record<string, unknown> | undefined)?.[secretSignature] !== undefined;
        // The keys' parameter; the API stages' parameter holds ids and names only.
        const keysParameter = (r: StateResource) => r.type === types.parameter && resourceName(r.urn) === "usage-keys";
        for (const type of [types.apiKey, types.planKey, types.parameter]) {
            const found = plain.filter((r) => r.type === type && (type !== types.parameter || keysParameter(r)));
            assert.ok(found.length > 0, type);
            assert.ok(found.every(secret), `${type}: value is a secret`);
        }
        const parameter = revealed.find(keysParameter);
        const byPartner = JSON.parse(String(revealedValue(parameter))) as Record<string, string>;
        const keyOf = (partner: string) => revealedValue(revealed.find((r) => r.type === types.apiKey && resourceName(r.urn) === `usage-${partner}-key`));
        assert.deepEqual(Object.keys(byPartner).sort(), ["acme-bank", "globex", "initech", "vandelay"]);
        assert.equal(byPartner.initech, keyOf("initech"));
    });

    // A usage plan has no ForceNew property (usage_plan.go), and the stand-in replaces what the
    // provider would: new limits update the partner's own plan, and its plan key stays.
    it("previews new limits for a partner as an update of its own plan, its plan key and key kept", async () => {
        await workspace.pulumi(["config", "set", "--path", "partners.acme-bank.throttle.rateLimit", "1"]);
        await workspace.pulumi(["config", "set", "--path", "partners.acme-bank.throttle.burstLimit", "2"]);
        try {
            const preview = await workspace.pulumiJson<{ steps: PreviewStep[] }>(["preview", "--diff"]);
            const changed = preview.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${resourceName(s.urn)}`).filter((step) => step.includes("usage-"));
            assert.deepEqual(changed, ["update usage-acme-bank-limits"]);
        } finally {
            await workspace.pulumi(["config", "rm", "--path", "partners.acme-bank.throttle"]);
        }
    });

    // 44 more partners with 48-character names: their keys outgrow one Standard-tier parameter.
    describe("past one parameter's 4,096 characters of keys", () => {
        const many = Array.from({ length: 44 }, (_, i) => `shard-partner-${String(i).padStart(2, "0")}`.padEnd(48, "x"));
        /** What the stand-ins did in `pulumi up`, in order, as `<op> <resource name>`. */
        const up = async (): Promise<string[]> => {
            const done = workspace.operations().length;
            await workspace.pulumi(["up", "--yes"]);
            return workspace.operations().slice(done).map((o) => `${o.op} ${resourceName(o.urn)}`);
        };

        it("creates a second shard and updates the first, both before the authorizer, which it keeps", async () => {
            await workspace.pulumi(["config", "set-all", "--path", ...many.flatMap((name) => ["--plaintext", `partners.${name}.generation=1`])]);
            const ops = await up();
            assert.ok(ops.includes("create usage-keys-1"), ops.filter((o) => o.includes("usage-keys")).join(", "));
            assert.ok(!ops.some((o) => /^(create|delete) usage-keys$/.test(o)), "shard 0 is neither replaced nor made anew");
            const authorizer = ops.indexOf("update authorizer-function");
            assert.ok(authorizer > ops.indexOf("create usage-keys-1") && authorizer > ops.indexOf("update usage-keys"), ops.join(", "));
        });

        it("deletes the second shard when the partners go, only after the authorizer no longer names it", async () => {
            await workspace.pulumi(["config", "rm-all", "--path", ...many.map((name) => `partners.${name}`)]);
            const ops = await up();
            const deleted = ops.indexOf("delete usage-keys-1");
            assert.ok(deleted > ops.indexOf("update authorizer-function") && ops.indexOf("update authorizer-function") >= 0, ops.join(", "));
            assert.ok(!ops.some((o) => /^(create|delete) usage-keys$/.test(o)), "shard 0 stays");
        });
    });
});
