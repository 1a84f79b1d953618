import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalFigures } from "../../../tools/bench/results";
import { tsNodeArgs } from "../../helpers/ts-node";

const projectDir = path.resolve(__dirname, "..", "..", "..");

/** The part of the bench's results JSON this spec reads. */
interface QuickResults {
    readonly machine: { readonly cpus: number; readonly node: string; readonly date: string };
    readonly options: { readonly quick: boolean };
    readonly program: readonly (Record<"wallMs" | "cpuMs" | "peakRssMb" | "resources", number> & {
        readonly harness: string;
        readonly generated: number;
        readonly external: number;
        readonly error?: string;
        readonly pack: { readonly wallMs: number; readonly mandatory: number };
    })[];
    readonly rules: readonly { readonly certificates: number; readonly errors: boolean; readonly coldMs: number }[];
    readonly local: { readonly error?: string; readonly bare: LocalFigures; readonly local: LocalFigures; readonly throttled: LocalFigures; readonly ratio: number };
    readonly engine?: unknown;
    readonly pack?: unknown;
    readonly cdk?: unknown;
    readonly tests?: unknown;
}

// Shape only: a smoke run's timings depend on the machine, so none is asserted.
describe("npm run bench -- --quick", function () {
    this.timeout(180_000);
    let results: QuickResults;
    let stdout = "";

    before(() => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-bench-"));
        const out = path.join(dir, "results.json");
        try {
            const run = spawnSync(process.execPath, [...tsNodeArgs, "tools/bin/bench.ts", "--quick", "--out", out], { cwd: projectDir, encoding: "utf8" });
            assert.equal(run.status, 0, run.stderr);
            stdout = run.stdout;
            results = JSON.parse(fs.readFileSync(out, "utf8")) as QuickResults;
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("records the machine: CPU count, Node version and date", () => {
        assert.equal(results.machine.cpus, os.cpus().length);
        assert.equal(results.machine.node, process.versions.node);
        assert.ok(!Number.isNaN(Date.parse(results.machine.date)));
        assert.equal(results.options.quick, true);
    });

    it("runs the program cases, each with its wall time, peak RSS, resources and the pack over them", () => {
        assert.deepEqual(results.program.map((r) => [r.harness, r.generated, r.external]), [["ts-node", 1, 0], ["ts-node", 3, 2]]);
        for (const row of results.program) {
            assert.equal(row.error, undefined, row.error);
            for (const key of ["wallMs", "cpuMs", "peakRssMb", "resources"] as const) {
                assert.equal(typeof row[key], "number", `${key} of ${JSON.stringify(row)}`);
            }
            assert.equal(typeof row.pack.wallMs, "number");
            assert.equal(row.pack.mandatory, 0);
        }
        assert.ok(results.program[1].resources > results.program[0].resources, "more partners declare more resources");
    });

    it("checks a truststore bundle and compares local mode with a bare https server", () => {
        const [rules] = results.rules;
        assert.equal(rules.certificates, 20);
        assert.equal(rules.errors, false);
        assert.equal(typeof rules.coldMs, "number");
        assert.equal(results.local.error, undefined, results.local.error);
        for (const side of [results.local.bare, results.local.local]) {
            assert.equal(side.failed, 0, side.failure);
            assert.ok(side.requests > 0);
            for (const key of ["perSecond", "p50Ms", "p99Ms"] as const) {
                assert.equal(typeof side[key], "number");
            }
        }
        assert.equal(typeof results.local.ratio, "number");
        assert.deepEqual(Object.keys(results.local.local.statuses), ["200"], "the bench's unthrottled partner gets no 429");
        assert.equal(results.local.throttled.failed, 0, results.local.throttled.failure);
        assert.ok((results.local.throttled.statuses["429"] ?? 0) > 0, `the throttled partner got ${JSON.stringify(results.local.throttled.statuses)}`);
    });

    it("leaves npm test, the pack's start, the CDK comparison and the engine case out of a quick run and prints the tables", () => {
        assert.equal(results.tests, undefined);
        assert.equal(results.engine, undefined);
        assert.equal(results.pack, undefined);
        assert.equal(results.cdk, undefined);
        assert.match(stdout, /program under mocks/);
        assert.match(stdout, /^3 generated, 2 external CAs +ts-node /m);
        assert.match(stdout, /ratio local\/bare/);
    });
});

describe("npm run bench -- --only", () => {
    it("takes engine among its sections and refuses a section it does not know, naming them all", () => {
        const run = spawnSync(process.execPath, [...tsNodeArgs, "tools/bin/bench.ts", "--only", "engine,nope"], { cwd: projectDir, encoding: "utf8" });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /--only nope: not one of program, rules, local, pack, cdk, engine, tests/);
    });
});
