// `npm run bench [-- --quick] [--only program,rules,local,engine,tests] [--harness compiled,ts-node] [--out file]`:
// how fast and how far the program, the policy pack, the truststore rules, local mode and the
// program under the real Pulumi CLI go. Prints a table and writes .local/bench/results.json (outside
// every source folder: a JSON beside tools/bench/results.ts would shadow that module). Figures only:
// nothing here fails on a time.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installCdk, runCdk } from "../bench/cdk-case";
import { EngineCase, engineLabel, EngineResult, oneBucket, runEngineCase } from "../bench/engine-case";
import { compile, defaultResultsFile, Harness, HarnessName, harnesses, isHarnessName, projectDir, run, start } from "../bench/harness";
import type { LoadCase, LoadResult } from "../bench/load";
import { PackEntry, runPackStart } from "../bench/pack-start";
import type { ProgramCase, ProgramResult } from "../bench/program-case";
import { caseName, engineCaseName, EngineRow, LocalFigures, ProgramRow, report, Results, round, Section, sections, targets } from "../bench/results";
import type { RulesCase, RulesResult } from "../bench/rules-case";
import type { ServerCpu, Servers, ServersCase, Target } from "../bench/servers";
import { parseCommandLine, UsageError } from "../cli/args";
import { missingEngine } from "../engine/workspace";

/** Sections a smoke run leaves out unless `--only` names them: they take a minute or more, engine needs the built CLI, cdk installs aws-cdk-lib. */
const slowSections: readonly Section[] = ["pack", "cdk", "engine", "tests"];
/** Sections that run code under the harnesses (the compiled ones need a compile first). */
const harnessSections: readonly Section[] = ["program", "rules", "local", "cdk"];

const USAGE = `usage: npm run bench -- [--quick] [--only ${sections.join(",")}] [--harness ${Object.keys(harnesses).join(",")}] [--out <file>]

  --quick     small sizes, ts-node only, no pack, cdk, engine or npm test: a smoke run (seconds, not minutes)
  --only      sections to run (default: all; --quick leaves out ${slowSections.join(" and ")} unless named here,
              and runs only the dev stack's preview in engine)
  --harness   how program cases run (default: all three; --quick: ts-node)
  --out       where the JSON goes (default: .local/bench/results.json)`;

interface Options {
    readonly quick: boolean;
    readonly only: readonly Section[];
    readonly harnesses: readonly HarnessName[];
    readonly out: string;
}

/** The options of the command line. */
const OPTIONS = {
    quick: { type: "boolean" },
    only: { type: "string" },
    harness: { type: "string" },
    out: { type: "string" },
} as const;

/** The names of a comma-separated list, each checked to be one of `known`. */
function listOf<T extends string>(option: string, text: string, known: readonly T[], isKnown: (name: string) => name is T): T[] {
    return text.split(",").map((name) => {
        if (!isKnown(name)) {
            throw new UsageError(`--${option} ${name}: not one of ${known.join(", ")}`);
        }
        return name;
    });
}

function parseOptions(argv: readonly string[]): Options {
    const { values } = parseCommandLine(argv, OPTIONS);
    const quick = values.quick ?? false;
    const only = values.only === undefined ? undefined : listOf("only", values.only, sections, (name): name is Section => (sections as readonly string[]).includes(name));
    const chosen = values.harness === undefined ? undefined : listOf("harness", values.harness, Object.keys(harnesses) as HarnessName[], isHarnessName);
    return {
        quick,
        only: only ?? sections.filter((s) => !(quick && slowSections.includes(s))),
        harnesses: chosen ?? (quick ? ["ts-node"] : ["compiled", "compiled+sms", "ts-node"]),
        out: values.out === undefined ? defaultResultsFile : path.resolve(values.out),
    };
}

/** Sizes of each section; `--quick` shrinks them to a smoke run. */
function sizes(quick: boolean) {
    return quick
        ? {
            // Two processes: partners the stack issues for, then more of them beside ones with their own CA.
            program: [{ generated: 1, external: 0 }, { generated: 3, external: 2 }],
            rules: [{ certificates: 20, curve: "P256", warmRuns: 1 }] as RulesCase[],
            local: { rounds: 1, warmup: 5, requests: 20, concurrency: 4, maxSeconds: 20 },
            pack: [{ entry: "bundle", runs: 1 }] as { entry: PackEntry; runs: number }[],
            engine: [{ previewOnly: true }] as EngineCase[],
        }
        : {
            program: [1, 10, 100, 1000].map((generated) => ({ generated, external: 0 })).concat([{ generated: 0, external: 999 }]),
            rules: [{ certificates: 1000, curve: "P256", warmRuns: 3 }, { certificates: 1000, curve: "P384", warmRuns: 3 }] as RulesCase[],
            local: { rounds: 3, warmup: 50, requests: 600, concurrency: 8, maxSeconds: 30 },
            pack: [{ entry: "bundle", runs: 3 }, { entry: "sources", runs: 1 }] as { entry: PackEntry; runs: number }[],
            engine: [{ program: oneBucket, previewOnly: true }, { previewOnly: false }, { generated: 100, previewOnly: false }] as EngineCase[],
        };
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0] : String(error));

async function programSection(options: Options, results: Results): Promise<void> {
    results.program = [];
    for (const harness of options.harnesses.map((name) => harnesses[name])) {
        for (const spec of sizes(options.quick).program) {
            log(`program ${caseName(spec)} (${harness.name})`);
            let row: ProgramRow;
            try {
                const result = await run<ProgramResult & { error?: string }>(harness, "program-case", spec, 600_000);
                row = { harness: harness.name, ...spec, ...result };
            } catch (error) {
                row = { harness: harness.name, ...spec, error: firstLine(error) };
            }
            results.program.push(row);
        }
    }
}

async function rulesSection(options: Options, harness: Harness, results: Results): Promise<void> {
    results.rules = [];
    for (const spec of sizes(options.quick).rules) {
        log(`truststore rules, ${spec.certificates} ${spec.curve} CAs`);
        try {
            results.rules.push({ ...spec, ...(await run<RulesResult>(harness, "rules-case", spec, 300_000)) });
        } catch (error) {
            results.rules.push({ ...spec, error: error instanceof Error ? error.message : String(error) });
        }
    }
}

function percentile(sorted: readonly number[], p: number): number {
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

interface Round extends LoadResult {
    readonly serverCpuMs: number;
}

function figures(runs: readonly Round[]): LocalFigures {
    const latencies = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const ok = runs.reduce((sum, r) => sum + r.ok, 0);
    const statuses: Record<string, number> = {};
    for (const [status, n] of runs.flatMap((r) => Object.entries(r.statuses))) {
        statuses[status] = (statuses[status] ?? 0) + n;
    }
    const elapsed = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
    const cpu = runs.reduce((sum, r) => sum + r.serverCpuMs, 0);
    return {
        requests: ok,
        serverCpuMsPerRequest: round(cpu / ok, 3),
        serverBusy: round(cpu / elapsed, 2),
        failed: runs.reduce((sum, r) => sum + r.failed, 0),
        failure: runs.find((r) => r.failure)?.failure,
        statuses,
        perSecond: round(ok / (elapsed / 1000), 1),
        p50Ms: round(percentile(latencies, 50), 2),
        p99Ms: round(percentile(latencies, 99), 2),
    };
}

async function localSection(options: Options, harness: Harness, results: Results): Promise<void> {
    const plan = sizes(options.quick).local;
    const stack = "dev";
    results.local = { stack, rounds: plan.rounds, concurrency: plan.concurrency };
    log(`local mode vs bare https, and local mode's 429 path (${plan.rounds} x ${plan.requests} requests a side, ${plan.concurrency} at a time)`);
    const serversCase: ServersCase = { stack, maxSeconds: 600 };
    const servers = start<Servers & { error?: string }>(harness, "servers", serversCase, 300_000);
    try {
        const ready = await servers.result;
        if (ready.error) {
            throw new Error(ready.error);
        }
        results.local.localStartMs = ready.localStartMs;
        const serverCpu = () => new Promise<number>((resolve) => {
            servers.process.once("message", (message) => resolve((message as ServerCpu).cpuMs));
            servers.process.send("cpu");
        });
        const load = async (target: Target, requests: number, expect: readonly number[] = [200]): Promise<Round> => {
            const before = await serverCpu();
            const result = await run<LoadResult>(harness, "load", { target, requests, concurrency: plan.concurrency, maxSeconds: plan.maxSeconds, expect } satisfies LoadCase, (plan.maxSeconds + 60) * 1000);
            return { ...result, serverCpuMs: (await serverCpu()) - before };
        };
        await load(ready.bare, plan.warmup);
        await load(ready.local, plan.warmup);
        const bare: Round[] = [];
        const local: Round[] = [];
        const throttled: Round[] = [];
        // Alternating rounds share whatever else the machine is doing between the sides.
        for (let round = 0; round < plan.rounds; round++) {
            bare.push(await load(ready.bare, plan.requests));
            local.push(await load(ready.local, plan.requests));
            // One request a second passes its limit; the rest are the 429 path.
            throttled.push(await load(ready.throttled, plan.requests, [429, 200]));
        }
        results.local.bare = figures(bare);
        results.local.local = figures(local);
        results.local.throttled = figures(throttled);
        results.local.ratio = round(results.local.local.perSecond / results.local.bare.perSecond, 2);
        results.local.cpuRatio = round(results.local.bare.serverCpuMsPerRequest / results.local.local.serverCpuMsPerRequest, 2);
    } catch (error) {
        results.local.error = error instanceof Error ? error.message : String(error);
    } finally {
        if (servers.process.connected) {
            servers.process.send("stop");
        }
        await new Promise((resolve) => (servers.process.exitCode !== null ? resolve(null) : servers.process.once("exit", resolve)));
    }
}

async function packSection(options: Options, results: Results): Promise<void> {
    results.pack = { runs: {} };
    try {
        log("policy pack: a first start, untimed (it builds policy/dist if a source changed)");
        await runPackStart({ entry: "bundle", runs: 1 });
        for (const spec of sizes(options.quick).pack) {
            log(`policy pack start, ${spec.entry}, ${spec.runs} run(s)`);
            results.pack.runs[spec.entry] = await runPackStart(spec);
        }
    } catch (error) {
        results.pack.error = firstLine(error);
    }
}

async function cdkSection(harness: Harness, results: Results): Promise<void> {
    results.cdk = { harness: harness.name };
    try {
        const installed = installCdk();
        if (installed) {
            log(installed);
        }
        log(`dev stack: program + pack under mocks (${harness.name}), then the CDK app synthesized under cdk-nag`);
        const started = performance.now();
        const ours = await run<ProgramResult>(harness, "program-case", { generated: 0, external: 0, stackPartners: true } satisfies ProgramCase, 600_000);
        results.cdk.ours = { wallMs: Math.round(performance.now() - started), resources: ours.resources };
        results.cdk.cdk = await runCdk();
        results.cdk.ratio = round(results.cdk.ours.wallMs / results.cdk.cdk.wallMs, 2);
    } catch (error) {
        results.cdk.error = firstLine(error);
    }
}

async function engineSection(options: Options, results: Results): Promise<void> {
    const skipped = missingEngine();
    results.engine = { label: engineLabel, skipped, cases: [] };
    if (skipped) {
        log(`engine: skipped: ${skipped}`);
        return;
    }
    for (const spec of sizes(options.quick).engine) {
        log(`engine ${engineCaseName(spec)}${spec.previewOnly ? ", preview only" : ""} (${engineLabel})`);
        const mocksCase: ProgramCase = spec.generated === undefined ? { generated: 0, external: 0, stackPartners: true } : { generated: spec.generated, external: 0 };
        let mocks: EngineRow["mocks"];
        if (spec.program === undefined) {
            try {
                mocks = await run<ProgramResult>(harnesses["ts-node"], "program-case", mocksCase, 600_000);
            } catch (error) {
                mocks = { error: firstLine(error) };
            }
        }
        let engine: EngineResult;
        try {
            engine = await runEngineCase(spec);
        } catch (error) {
            engine = { error: firstLine(error) };
        }
        results.engine.cases.push({ ...spec, ...engine, mocks });
    }
}

async function testsSection(results: Results): Promise<void> {
    log("npm test");
    const started = performance.now();
    const child = spawn("npm", ["test"], { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    const exitCode = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const summary = ["passing", "failing", "pending"].flatMap((word) => output.match(new RegExp(`\\d+ ${word}[^\\n]*`))?.[0] ?? []).join(", ");
    results.tests = { wallMs: Math.round(performance.now() - started), exitCode, summary };
}

function log(line: string): void {
    process.stderr.write(`bench: ${line}\n`);
}

/** Runs the benchmark the command line asks for. */
async function bench(options: Options): Promise<void> {
    const cpus = os.cpus();
    const results: Results = {
        machine: {
            cpus: cpus.length,
            cpuModel: cpus[0]?.model ?? "unknown",
            memoryMb: Math.round(os.totalmem() / 1048576),
            node: process.versions.node,
            platform: `${os.platform()} ${os.release()}`,
            date: new Date().toISOString(),
            loadAverageStart: os.loadavg().map((v) => round(v, 2)),
        },
        options: { quick: options.quick, only: options.only, harnesses: options.harnesses },
        harnesses: Object.fromEntries(options.harnesses.map((name) => [name, harnesses[name].description])),
    };
    if (options.harnesses.some((name) => name !== "ts-node") && options.only.some((s) => harnessSections.includes(s))) {
        log("compiling with tsc into .local/bench/js");
        results.compileMs = Math.round(compile());
    }
    // Rules and local mode run under the first harness, the one the targets are judged on.
    const main = harnesses[options.harnesses[0]];
    if (options.only.includes("program")) {
        await programSection(options, results);
    }
    if (options.only.includes("rules")) {
        await rulesSection(options, main, results);
    }
    if (options.only.includes("local")) {
        await localSection(options, main, results);
    }
    if (options.only.includes("pack")) {
        await packSection(options, results);
    }
    if (options.only.includes("cdk")) {
        await cdkSection(main, results);
    }
    if (options.only.includes("engine")) {
        await engineSection(options, results);
    }
    if (options.only.includes("tests")) {
        await testsSection(results);
    }
    results.machine.loadAverageEnd = os.loadavg().map((v) => round(v, 2));
    // A smoke run's figures say nothing about the targets.
    results.targets = options.quick ? [] : targets(results);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, JSON.stringify(results, null, 2) + "\n");
    console.log(report(results));
    console.log(`\nwritten to ${path.relative(process.cwd(), options.out) || options.out}`);
}

/** Runs the command on `argv` (after the script name) and resolves to its exit code. */
async function main(argv: readonly string[]): Promise<number> {
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            console.log(USAGE);
            return 0;
        }
        await bench(parseOptions(argv));
        return 0;
    } catch (error) {
        console.error(`bench: ${error instanceof Error ? error.message : String(error)}${error instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        // A failed run may leave children behind; a finished one ends on its own.
        if (code === 0) {
            process.exitCode = 0;
        } else {
            process.exit(code);
        }
    });
}
