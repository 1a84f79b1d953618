// How the benchmark runs code: each case in a child process of its own (so that its peak RSS is
// its own), under one of three harnesses that differ only in what formats stack traces. The
// Pulumi SDK formats about 58 stack traces per resource (`new Error().stack` in every
// `debuggablePromise` and `Resource`), so a stack-trace hook that maps frames costs more than the
// program itself at 1,000 partners; the harnesses make that cost visible instead of hiding it.
// (tools/ts-node hands the mapping to Node's own source maps, which leave node_modules alone.)
import { ChildProcess, fork, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectDir } from "../simulator/stack-config";

// The project, not this file's folder: compiled, this file runs from compiledDir.
export { projectDir };
/** What the bench writes goes here (git-ignored), never into a source folder, where a file could shadow a module. */
export const benchOutputDir = path.join(projectDir, ".local", "bench");
/** Where `tsc` writes the compiled program, mocks, pack and bench. */
export const compiledDir = path.join(benchOutputDir, "js");
/** Where the results go unless `--out` says otherwise. */
export const defaultResultsFile = path.join(benchOutputDir, "results.json");

export type HarnessName = "compiled" | "compiled+sms" | "ts-node";

export interface Harness {
    readonly name: HarnessName;
    /** What it stands for, for the table and docs/performance.md. */
    readonly description: string;
    /** The script of a bench child (tools/bench/<name>) under this harness. */
    script(name: string): string;
    readonly execArgv: readonly string[];
}

export const harnesses: Readonly<Record<HarnessName, Harness>> = {
    "compiled": {
        name: "compiled",
        description: "tsc output run by node, no stack-trace hook (a project whose main: is compiled JS, minus the language host's hook)",
        script: (name) => path.join(compiledDir, "tools", "bench", `${name}.js`),
        execArgv: [],
    },
    "compiled+sms": {
        name: "compiled+sms",
        description: "tsc output with source-map-support/register, which Pulumi's Node.js language host always loads (what `pulumi up` on compiled JS pays)",
        script: (name) => path.join(compiledDir, "tools", "bench", `${name}.js`),
        // The copy @pulumi/pulumi resolves, which is the one its language host loads.
        execArgv: ["-r", require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] })],
    },
    "ts-node": {
        name: "ts-node",
        description: "ts-node transpile-only with esbuild stripping the types and Node's own source maps (tools/ts-node), as `npm test` and `pulumi up` (tsconfig.pulumi.json) run this project",
        script: (name) => path.join(projectDir, "tools", "bench", `${name}.ts`),
        execArgv: ["-r", path.join(projectDir, "tools", "ts-node", "register.cjs")],
    },
};

export function isHarnessName(name: string): name is HarnessName {
    return name in harnesses;
}

/**
 * Compiles the program, mocks, pack, local mode and bench with the project's tsconfig into
 * `compiledDir`. Types are not checked here (`npx tsc --noEmit` does that in CI); the emitted JS
 * is the same, handlers included: the components bundle whichever form `require.resolve` finds.
 */
export function compile(): number {
    const started = performance.now();
    fs.rmSync(compiledDir, { recursive: true, force: true });
    const tsc = require.resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(projectDir, "tools", "bench", "tsconfig.json"), "--noCheck"], { cwd: projectDir, encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`tsc failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    }
    return performance.now() - started;
}

/** A running bench child; `result` settles with its one message, or rejects when it dies first. */
export interface Child<T> {
    readonly process: ChildProcess;
    readonly result: Promise<T>;
}

/** Forks tools/bench/<name> under `harness` with one JSON argument; the child answers with `reply`. */
export function start<T>(harness: Harness, name: string, arg: unknown, timeoutMs: number): Child<T> {
    const child = fork(harness.script(name), [JSON.stringify(arg)], {
        cwd: projectDir,
        execArgv: [...harness.execArgv],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout?.resume();
    const result = new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`tools/bench/${name} took over ${timeoutMs / 1000} s; stopped`));
        }, timeoutMs);
        child.once("message", (message) => {
            clearTimeout(timer);
            resolve(message as T);
        });
        child.once("exit", (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`tools/bench/${name} exited (${signal ?? code}) without a result${stderr ? `:\n${stderr}` : ""}`));
        });
    });
    return { process: child, result };
}

/** Runs tools/bench/<name> to its answer. */
export function run<T>(harness: Harness, name: string, arg: unknown, timeoutMs: number): Promise<T> {
    return start<T>(harness, name, arg, timeoutMs).result;
}

/** In a bench child: its one argument. */
export function argument<T>(): T {
    return JSON.parse(process.argv[2] ?? "{}") as T;
}

/** In a bench child: sends the answer and exits (the Pulumi runtime may hold the event loop open). */
export function reply(result: unknown): void {
    if (!process.send) {
        console.log(JSON.stringify(result, null, 2));
        process.exit(0);
    }
    process.send(result, () => process.exit(0));
}

/** In a bench child: runs `main` and replies with its result, or with the error's message. */
export function serve<T>(main: () => Promise<T>): void {
    main().then(reply, (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }));
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
    return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Wall and CPU milliseconds of `work`. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const value = await work();
    const used = process.cpuUsage(cpu);
    return { value, wallMs: Math.round(performance.now() - started), cpuMs: Math.round((used.user + used.system) / 1000) };
}
