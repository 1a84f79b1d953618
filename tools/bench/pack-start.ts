// How long the policy pack takes to be ready once its analyzer process starts: the language
// host runs `@pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` in policy/, and the pack is ready
// when its gRPC server prints its port, after which the engine asks for its policies. Measured
// from the spawn to that line, for the pack as it runs now (the bundle, through policy/run.cjs)
// and, beside it, for the TypeScript sources it ran from before (ts-node type-checks them).
// It spawns node itself, so it runs in the bench's own process rather than under a harness.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectDir } from "../simulator/stack-config";

export type PackEntry = "bundle" | "sources";

export interface PackStartCase {
    /** `bundle`: the pack's main (run.cjs, loading dist/); `sources`: policy/index.ts under ts-node. */
    readonly entry: PackEntry;
    readonly runs: number;
}

export interface PackStartResult {
    /** Median of the runs: spawn to the port on stdout. */
    readonly readyMs: number;
    /** CPU time of the analyzer process when it was ready (median run). */
    readonly cpuMs: number;
}

const policyDir = path.join(projectDir, "policy");

/** CPU milliseconds of a running process so far (Linux: utime + stime of /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
}

function startOnce(entry: PackEntry, timeoutMs: number): Promise<PackStartResult> {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policyDir] });
    // No engine listens at this address: the pack connects to it only to log, after it is ready.
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", entry === "bundle" ? "." : "index.ts"], { cwd: policyDir, stdio: ["ignore", "pipe", "pipe"] });
    const started = performance.now();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`the ${entry} pack printed no port within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        child.stdout.once("data", () => {
            const readyMs = Math.round(performance.now() - started);
            const cpuMs = child.pid === undefined ? NaN : cpuMsOf(child.pid);
            clearTimeout(timer);
            child.kill("SIGKILL");
            resolve({ readyMs, cpuMs });
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the ${entry} pack exited (${code}) before it was ready: ${stderr.trim().split("\n").at(-1) ?? ""}`));
        });
    });
}

/** Starts the pack `runs` times, one after another, and keeps the median run. */
export async function runPackStart(spec: PackStartCase): Promise<PackStartResult> {
    const results: PackStartResult[] = [];
    for (let i = 0; i < spec.runs; i++) {
        results.push(await startOnce(spec.entry, 300_000));
    }
    results.sort((a, b) => a.readyMs - b.readyMs);
    return results[Math.floor(results.length / 2)];
}
