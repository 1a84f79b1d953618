import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
interface Job {
    /** A reusable workflow this job calls instead of having steps. */
    uses?: string;
    needs?: string;
    permissions?: Record<string, string>;
    strategy?: { matrix: Record<string, (string | number)[]> };
    steps?: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
}

const projectDir = path.join(__dirname, "..", "..");
const workflow = (file: string): Workflow =>
    yaml.load(readFileSync(path.join(projectDir, ".github", "workflows", file), "utf8")) as Workflow;
/** A job's steps, those of the workflow it calls (`uses: ./.github/workflows/...`) included. */
const jobSteps = (job: Job): Step[] => job.uses
    ? Object.values(workflow(path.basename(job.uses)).jobs).flatMap(jobSteps)
    : job.steps ?? [];
const steps = (w: Workflow) => Object.values(w.jobs).flatMap(jobSteps);
const pulumiSteps = (w: Workflow) => steps(w).filter(s => s.uses?.startsWith("pulumi/actions@"));
const installsPack = (job: Job) => jobSteps(job).some(s => /^npm ci --prefix policy( |$)/.test(s.run ?? ""));

describe("CI workflows that enforce the policy pack", () => {
    const pr = workflow("pull-request.yml");
    const main = workflow("main.yml");

    it("previews dev and prod with the pack on pull requests, after install and tests", () => {
        assert.ok("pull_request" in pr.on);
        assert.ok(steps(pr).some(s => s.run === "npm test"));
        const preview = Object.values(pr.jobs).find(job => jobSteps(job).some(s => s.uses?.startsWith("pulumi/actions@")));
        assert.deepEqual(preview?.strategy?.matrix.stack, ["dev", "prod"]);
        assert.ok(preview?.needs, "preview waits for the tests");
        assert.ok(preview && installsPack(preview));
        assert.deepEqual(pulumiSteps(pr).map(s => [s.with?.command, s.with?.policyPacks]), [["preview", "policy"]]);
    });

    it("runs pulumi up for dev with the pack on main, after the tests", () => {
        assert.deepEqual(main.on, { push: { branches: ["main"] } });
        assert.deepEqual(pulumiSteps(main).map(s => [s.with?.command, s.with?.policyPacks, String(s.with?.["stack-name"]).endsWith("/dev")]), [["up", "policy", true]]);
        const deploy = Object.values(main.jobs).find(job => jobSteps(job).some(s => s.uses?.startsWith("pulumi/actions@")));
        assert.ok(deploy?.needs, "the deploy waits for the tests");
        assert.ok(deploy && installsPack(deploy));
        assert.ok(steps(main).some(s => s.run === "npm test"));
    });

    it("runs the commands of .ci/run, in its order, the real-engine suite with the Go of tools/engine/go.mod included", () => {
        const ciCommands = readFileSync(path.join(projectDir, ".ci", "run"), "utf8").split("\n").map(line => line.trim()).filter(line => /^(npm|npx) /.test(line));
        for (const w of [pr, main]) {
            const runs = steps(w).map(s => s.run).filter((run): run is string => run !== undefined && ciCommands.includes(run));
            assert.deepEqual(runs.slice(0, ciCommands.length), ciCommands);
            const setupGo = steps(w).find(s => s.uses?.startsWith("actions/setup-go@"));
            assert.equal(setupGo?.with?.["go-version-file"], "tools/engine/go.mod");
        }
    });

    it("tests on every LTS major from package.json's engines on, 24 (what .ci/run and the Lambda functions run) among them", () => {
        const engines = (JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
        const range = /^>=(\d+)$/.exec(engines);
        assert.ok(range, `engines.node is "${engines}"; write it as ">=<oldest>"`);
        const tested = (workflow("test.yml").jobs.test.strategy?.matrix.node ?? []).map(Number);
        // Even majors are the LTS lines; odd ones are never supported for long.
        const majors = Array.from({ length: Math.max(...tested) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i).filter((major) => major % 2 === 0);
        assert.deepEqual(tested, majors);
        assert.ok(tested.includes(24) && tested.length >= 3, `the matrix is ${tested.join(", ")}`);
        const setupNode = workflow("test.yml").jobs.test.steps?.find((s) => s.uses?.startsWith("actions/setup-node@"));
        assert.equal(setupNode?.with?.["node-version"], "${{ matrix.node }}");
        for (const w of [pr, main]) {
            const deployNodes = steps(w).filter((s) => s.uses?.startsWith("actions/setup-node@")).map((s) => s.with?.["node-version"]).filter((v) => v !== "${{ matrix.node }}");
            assert.deepEqual([...new Set(deployNodes)], [24]);
        }
    });

    it("runs .ci/run on Node 24 from tools/bin/node24 where the machine's Node is older than engines admits", () => {
        const ci = readFileSync(path.join(projectDir, ".ci", "run"), "utf8");
        assert.match(ci, /-lt 22 \]; then\n\s+exec tools\/bin\/node24 bash "\$0" "\$@"/);
        assert.match(readFileSync(path.join(projectDir, "tools", "bin", "node24"), "utf8"), /^version=24\.\d+\.\d+$/m);
    });

    it("gets AWS credentials through OIDC, only in the job that assumes the role, with no stored keys, and pins action major versions", () => {
        for (const w of [pr, main]) {
            assert.notEqual(w.permissions["id-token"], "write", "no job gets an OIDC token unless it asks for one");
            const awsJobs = Object.values(w.jobs).filter(job => jobSteps(job).some(s => s.uses?.startsWith("aws-actions/configure-aws-credentials@")));
            assert.equal(awsJobs.length, 1);
            assert.equal(awsJobs[0].permissions?.["id-token"], "write");
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
