// `npm run bench [-- --quick] [--only program,rules,local,engine,tests] [--harness compiled,ts-node] [--out file]`:
// how fast and how far the program, the policy pack, the truststore rules, local mode and the
// program under the real Pulumi CLI go. Prints a table and writes bench/results.json. Figures
// only: nothing here fails on a time.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { missingEngine } from "../engine/workspace";
import { EngineCase, engineLabel, EngineResult, runEngineCase } from "./enginecase";
import { compile, Harness, HarnessName, harnesses, isHarnessName, projectDir, run, start } from "./harness";
import type { LoadCase, LoadResult } from "./load";
import type { ProgramCase, ProgramResult } from "./programcase";
import type { RulesCase, RulesResult } from "./rulescase";
import type { ServerCpu, Servers, ServersCase } from "./servers";

const sections = ["program", "rules", "local", "engine", "tests"] as const;
type Section = (typeof sections)[number];
/** Sections a smoke run leaves out unless `--only` names them: they take a minute or more, and engine needs the built CLI. */
const slowSections: readonly Section[] = ["engine", "tests"];
/** Sections that run code under the harnesses (the compiled ones need a compile first). */
const harnessSections: readonly Section[] = ["program", "rules", "local"];

const USAGE = `usage: npm run bench -- [--quick] [--only ${sections.join(",")}] [--harness ${Object.keys(harnesses).join(",")}] [--out <file>]

  --quick     small sizes, ts-node only, no engine, no npm test: a smoke run (seconds, not minutes)
  --only      sections to run (default: all; --quick leaves out ${slowSections.join(" and ")} unless named here,
              and runs only the dev stack's preview in engine)
  --harness   how program cases run (default: all three; --quick: ts-node)
  --out       where the JSON goes (default: bench/results.json)`;

interface Options {
    readonly quick: boolean;
    readonly only: readonly Section[];
    readonly harnesses: readonly HarnessName[];
    readonly out: string;
}

function parseArgs(argv: readonly string[]): Options {
    let quick = false;
    let only: Section[] | undefined;
    let chosen: HarnessName[] | undefined;
    let out = path.join(projectDir, "bench", "results.json");
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const next = argv[++i];
            if (next === undefined) {
                throw new Error(`${flag} needs a value\n${USAGE}`);
            }
            return next;
        };
        if (flag === "--quick") {
            quick = true;
        } else if (flag === "--only") {
            only = value().split(",").map((name) => {
                if (!(sections as readonly string[]).includes(name)) {
                    throw new Error(`--only ${name}: not one of ${sections.join(", ")}`);
                }
                return name as Section;
            });
        } else if (flag === "--harness") {
            chosen = value().split(",").map((name) => {
                if (!isHarnessName(name)) {
                    throw new Error(`--harness ${name}: not one of ${Object.keys(harnesses).join(", ")}`);
                }
                return name;
            });
        } else if (flag === "--out") {
            out = path.resolve(value());
        } else if (flag === "--help" || flag === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else {
            throw new Error(`unknown argument ${flag}\n${USAGE}`);
        }
    }
    return {
        quick,
        only: only ?? sections.filter((s) => !(quick && slowSections.includes(s))),
        harnesses: chosen ?? (quick ? ["ts-node"] : ["compiled", "compiled+sms", "ts-node"]),
        out,
    };
}

/** Sizes of each section; `--quick` shrinks them to a smoke run. */
function sizes(quick: boolean) {
    return quick
        ? {
            program: [{ generated: 1, external: 0 }, { generated: 5, external: 0 }, { generated: 0, external: 3 }],
            rules: [{ certificates: 20, curve: "P256", warmRuns: 1 }] as RulesCase[],
            local: { rounds: 1, warmup: 5, requests: 20, concurrency: 4, maxSeconds: 20 },
            engine: [{ previewOnly: true }] as EngineCase[],
        }
        : {
            program: [1, 10, 100, 1000].map((generated) => ({ generated, external: 0 })).concat([{ generated: 0, external: 999 }]),
            rules: [{ certificates: 1000, curve: "P256", warmRuns: 3 }, { certificates: 1000, curve: "P384", warmRuns: 3 }] as RulesCase[],
            local: { rounds: 3, warmup: 50, requests: 600, concurrency: 8, maxSeconds: 30 },
            engine: [{ previewOnly: false }, { generated: 100, previewOnly: false }] as EngineCase[],
        };
}

interface ProgramRow extends ProgramCase, Partial<ProgramResult> {
    readonly harness: HarnessName;
}

interface EngineRow extends EngineCase, EngineResult {
    /** The same stack under mocks, in a process of its own under ts-node (as Pulumi's language host runs this project). */
    readonly mocks?: Partial<ProgramResult>;
}

interface LocalFigures {
    readonly requests: number;
    /** Server CPU per request: what the server would sustain with a core to itself, whatever the load generator manages. */
    readonly serverCpuMsPerRequest: number;
    /** Server CPU over wall time while loaded: near 1, the server was the bottleneck; well below, the load generator was. */
    readonly serverBusy: number;
    readonly failed: number;
    readonly failure?: string;
    readonly perSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
}

interface Results {
    machine: {
        cpus: number;
        cpuModel: string;
        memoryMb: number;
        node: string;
        platform: string;
        date: string;
        loadAverageStart: number[];
        loadAverageEnd?: number[];
    };
    options: { quick: boolean; only: readonly Section[]; harnesses: readonly HarnessName[] };
    harnesses: Record<string, string>;
    compileMs?: number;
    program?: ProgramRow[];
    rules?: (RulesCase & Partial<RulesResult> & { error?: string })[];
    local?: { stack: string; localStartMs?: number; rounds: number; concurrency: number; bare?: LocalFigures; local?: LocalFigures; ratio?: number; cpuRatio?: number; error?: string };
    /** The program under the real CLI; `skipped` says why it did not run. */
    engine?: { label: string; skipped?: string; cases: EngineRow[] };
    tests?: { wallMs: number; exitCode: number | null; summary: string };
    targets?: { target: string; limit: string; value: string; holds: boolean | null }[];
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0] : String(error));

const caseName = (c: ProgramCase) => (c.external > 0 ? `${c.external} external CAs` : `${c.generated} generated`);

async function programSection(options: Options, results: Results): Promise<void> {
    results.program = [];
    for (const harness of options.harnesses.map((name) => harnesses[name])) {
        for (const spec of sizes(options.quick).program) {
            log(`program ${caseName(spec)} (${harness.name})`);
            let row: ProgramRow;
            try {
                const result = await run<ProgramResult & { error?: string }>(harness, "programcase", spec, 600_000);
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
            results.rules.push({ ...spec, ...(await run<RulesResult>(harness, "rulescase", spec, 300_000)) });
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
    const elapsed = runs.reduce((sum, r) => sum + r.elapsedMs, 0);
    const cpu = runs.reduce((sum, r) => sum + r.serverCpuMs, 0);
    return {
        requests: ok,
        serverCpuMsPerRequest: round(cpu / ok, 3),
        serverBusy: round(cpu / elapsed, 2),
        failed: runs.reduce((sum, r) => sum + r.failed, 0),
        failure: runs.find((r) => r.failure)?.failure,
        perSecond: round(ok / (elapsed / 1000), 1),
        p50Ms: round(percentile(latencies, 50), 2),
        p99Ms: round(percentile(latencies, 99), 2),
    };
}

async function localSection(options: Options, harness: Harness, results: Results): Promise<void> {
    const plan = sizes(options.quick).local;
    const stack = "dev";
    results.local = { stack, rounds: plan.rounds, concurrency: plan.concurrency };
    log(`local mode vs bare https (${plan.rounds} x ${plan.requests} requests a side, ${plan.concurrency} at a time)`);
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
        const load = async (target: Servers["bare"], requests: number): Promise<Round> => {
            const before = await serverCpu();
            const result = await run<LoadResult>(harness, "load", { target, requests, concurrency: plan.concurrency, maxSeconds: plan.maxSeconds } satisfies LoadCase, (plan.maxSeconds + 60) * 1000);
            return { ...result, serverCpuMs: (await serverCpu()) - before };
        };
        await load(ready.bare, plan.warmup);
        await load(ready.local, plan.warmup);
        const bare: Round[] = [];
        const local: Round[] = [];
        // Alternating rounds share whatever else the machine is doing between both sides.
        for (let round = 0; round < plan.rounds; round++) {
            bare.push(await load(ready.bare, plan.requests));
            local.push(await load(ready.local, plan.requests));
        }
        results.local.bare = figures(bare);
        results.local.local = figures(local);
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

const engineCaseName = (c: EngineCase) => (c.generated === undefined ? "dev stack as in the repository" : `dev stack, ${c.generated} generated partners`);

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
        try {
            mocks = await run<ProgramResult>(harnesses["ts-node"], "programcase", mocksCase, 600_000);
        } catch (error) {
            mocks = { error: firstLine(error) };
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

function round(value: number, digits: number): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}

/** The issue's targets, judged on the first harness (by default the compiled one). */
function targets(results: Results, options: Options): NonNullable<Results["targets"]> {
    const list: NonNullable<Results["targets"]> = [];
    const judge = (target: string, limit: string, value: number | undefined, holds: (v: number) => boolean, unit: string, failed = false) =>
        list.push(failed
            ? { target, limit, value: "failed", holds: false }
            : { target, limit, value: value === undefined || Number.isNaN(value) ? "n/a" : `${round(value, 2)}${unit}`, holds: value === undefined || Number.isNaN(value) ? null : holds(value) });
    const first = options.harnesses[0];
    const row = (generated: number) => results.program?.find((r) => r.harness === first && r.generated === generated && r.external === 0);
    if (results.program) {
        const big = row(1000);
        const hundred = row(100);
        // A failed run's figures stop at the failure: they cannot meet a target.
        const failed = big?.error !== undefined || hundred?.error !== undefined;
        judge(`program, 1,000 partners (${first})`, "<= 10 s", big?.wallMs === undefined ? undefined : big.wallMs / 1000, (v) => v <= 10, " s", big?.error !== undefined);
        judge(`program, 1,000 partners, peak RSS (${first})`, "<= 1,536 MB", big?.peakRssMb, (v) => v <= 1536, " MB", big?.error !== undefined);
        judge(`program, 1,000 / 100 partners time (${first})`, "<= 12x", big?.wallMs && hundred?.wallMs ? big.wallMs / hundred.wallMs : undefined, (v) => v <= 12, "x", failed);
        judge(`policy pack over 1,000 partners (${first})`, "<= 2 s", big?.pack ? big.pack.wallMs / 1000 : undefined, (v) => v <= 2, " s", big?.error !== undefined);
    }
    for (const rules of (results.rules ?? []).filter((r) => r.certificates === 1000)) {
        judge(`truststore rules, ${rules.certificates} ${rules.curve} CAs, first check`, "<= 1 s", rules.coldMs === undefined ? undefined : rules.coldMs / 1000, (v) => v <= 1, " s");
    }
    if (results.local) {
        judge("local mode / bare https, requests per second", ">= 0.8", results.local.ratio, (v) => v >= 0.8, "");
        judge("local mode / bare https, by server CPU per request", ">= 0.8", results.local.cpuRatio, (v) => v >= 0.8, "");
    }
    if (results.tests) {
        judge("npm test wall time", "<= 60 s", results.tests.wallMs / 1000, (v) => v <= 60, " s");
    }
    return list;
}

function table(header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
    const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? "" : String(c))))];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

function report(results: Results): string {
    const m = results.machine;
    const parts = [`${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, ${m.date}, load average at start ${m.loadAverageStart.join(" ")}`];
    if (results.program) {
        parts.push(table(["program under mocks", "harness", "wall s", "CPU s", "peak RSS MB", "resources", "pack ms", "note"], results.program.map((r) => [
            caseName(r), r.harness, r.wallMs === undefined ? undefined : (r.wallMs / 1000).toFixed(2), r.cpuMs === undefined ? undefined : (r.cpuMs / 1000).toFixed(2),
            r.peakRssMb, r.resources, r.pack?.wallMs, r.error ? `FAILED: ${r.error.slice(0, 120)}` : r.pack ? `${r.pack.violations} violations (${r.pack.mandatory} mandatory)` : undefined,
        ])));
    }
    if (results.rules) {
        parts.push(table(["truststore rules", "bundle KB", "first check ms", "later checks ms", "findings"], results.rules.map((r) => [
            `${r.certificates} ${r.curve} CAs`, r.bundleBytes === undefined ? undefined : Math.round(r.bundleBytes / 1024), r.coldMs, r.warmMs, r.error ? `FAILED: ${r.error}` : r.findings,
        ])));
    }
    if (results.local) {
        const l = results.local;
        const row = (name: string, f?: LocalFigures) => [name, f?.requests, f?.perSecond, f?.p50Ms, f?.p99Ms, f?.serverCpuMsPerRequest, f?.serverBusy, f ? `${f.failed}${f.failure ? ` (${f.failure})` : ""}` : undefined];
        parts.push(l.error
            ? `local mode: FAILED: ${l.error}`
            : table(["mTLS handshake + request", "requests", "per s", "p50 ms", "p99 ms", "server CPU ms/req", "server busy", "failed"], [row("bare Node https", l.bare), row("local mode", l.local)]) +
                `\nratio local/bare: ${l.ratio} requests per second, ${l.cpuRatio} by server CPU per request (local mode started in ${l.localStartMs} ms; alternating rounds: ${l.rounds}; connections at a time: ${l.concurrency})`);
    }
    if (results.engine) {
        const e = results.engine;
        const seconds = (ms?: number) => (ms === undefined ? undefined : (ms / 1000).toFixed(2));
        parts.push(e.skipped
            ? `program under the ${engineLabel}: skipped: ${e.skipped}`
            : table([`program under the ${engineLabel}`, "resources", "preview s", "up s", "destroy s", "mocks s (ts-node)", "mocks pack ms", "note"], e.cases.map((c) => [
                engineCaseName(c), c.resources, seconds(c.previewMs), seconds(c.upMs), seconds(c.destroyMs), seconds(c.mocks?.wallMs), c.mocks?.pack?.wallMs,
                c.error ? `FAILED: ${c.error.slice(0, 160)}` : c.mocks?.error ? `mocks FAILED: ${c.mocks.error.slice(0, 120)}` : c.mocks && c.mocks.resources !== c.resources ? `mocks declared ${c.mocks.resources} resources` : undefined,
            ])) + `\nPulumi CLI: ${e.cases.find((c) => c.cli)?.cli ?? "unknown"}; aws and tls are stand-ins, the cloud is not real (keys and certificates are). up previews again before it updates.`);
    }
    if (results.tests) {
        parts.push(`npm test: ${(results.tests.wallMs / 1000).toFixed(1)} s, exit ${results.tests.exitCode}, ${results.tests.summary}`);
    }
    if (results.targets?.length) {
        parts.push(table(["target", "limit", "measured", "holds"], results.targets.map((t) => [t.target, t.limit, t.value, t.holds === null ? "n/a" : t.holds ? "yes" : "NO"])));
    }
    return parts.join("\n\n");
}

function log(line: string): void {
    process.stderr.write(`bench: ${line}\n`);
}

async function main(): Promise<void> {
    const options = parseArgs(process.argv.slice(2));
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
    if (options.only.includes("engine")) {
        await engineSection(options, results);
    }
    if (options.only.includes("tests")) {
        await testsSection(results);
    }
    results.machine.loadAverageEnd = os.loadavg().map((v) => round(v, 2));
    // A smoke run's figures say nothing about the targets.
    results.targets = options.quick ? [] : targets(results, options);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, JSON.stringify(results, null, 2) + "\n");
    console.log(report(results));
    console.log(`\nwritten to ${path.relative(process.cwd(), options.out) || options.out}`);
}

main().catch((error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
});
