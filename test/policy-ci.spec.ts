import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { needs?: string; strategy?: { matrix: Record<string, string[]> }; steps: Step[] }>;
}

const workflow = (file: string): Workflow =>
    yaml.load(readFileSync(path.join(__dirname, "..", ".github", "workflows", file), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap(job => job.steps);
const pulumiSteps = (w: Workflow) => steps(w).filter(s => s.uses?.startsWith("pulumi/actions@"));

describe("CI workflows that enforce the policy pack", () => {
    const pr = workflow("pull-request.yml");
    const main = workflow("main.yml");

    it("previews dev and prod with the pack on pull requests, after install and tests", () => {
        assert.ok("pull_request" in pr.on);
        assert.ok(steps(pr).some(s => s.run === "npm test"));
        const preview = Object.values(pr.jobs).find(job => job.steps.some(s => s.uses?.startsWith("pulumi/actions@")));
        assert.deepEqual(preview?.strategy?.matrix.stack, ["dev", "prod"]);
        assert.ok(preview?.needs, "preview waits for the tests");
        assert.ok(preview?.steps.some(s => s.run === "npm ci --prefix policy"));
        assert.deepEqual(pulumiSteps(pr).map(s => [s.with?.command, s.with?.policyPacks]), [["preview", "policy"]]);
    });

    it("runs pulumi up for dev with the pack on main", () => {
        assert.deepEqual(main.on, { push: { branches: ["main"] } });
        assert.deepEqual(pulumiSteps(main).map(s => [s.with?.command, s.with?.policyPacks, String(s.with?.["stack-name"]).endsWith("/dev")]), [["up", "policy", true]]);
    });

    it("gets AWS credentials through OIDC, with no stored keys, and pins action major versions", () => {
        for (const w of [pr, main]) {
            assert.equal(w.permissions["id-token"], "write");
            const aws = steps(w).filter(s => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            assert.equal(aws.length, 1);
            assert.ok(aws[0].with?.["role-to-assume"]);
            assert.ok(!("aws-access-key-id" in (aws[0].with ?? {})) && !("aws-secret-access-key" in (aws[0].with ?? {})));
            for (const step of steps(w).filter(s => s.uses)) {
                assert.match(step.uses as string, /@v\d+$/, step.uses);
            }
        }
    });
});
