// The yardstick for the program plus the pack under mocks: the same dev stack written with the
// AWS CDK (tools/bench/cdk/app.mjs) and synthesized under cdk-nag's AwsSolutions checks, in a
// process of its own, from its spawn to its exit. Its dependencies (aws-cdk-lib, cdk-nag) are
// its own, installed from tools/bench/cdk/package-lock.json on first use.
// It spawns node itself, so it runs in the bench's own process rather than under a harness.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectDir } from "../simulator/stack-config";

export interface CdkResult {
    /** Spawn to exit of `node tools/bench/cdk/app.mjs`. */
    readonly wallMs: number;
    /** Resources in the synthesized template. */
    readonly resources: number;
    /** cdk-nag findings (constructs times rules). */
    readonly findings: number;
}

const cdkDir = path.join(projectDir, "tools", "bench", "cdk");

/** Installs the CDK app's dependencies as locked, unless they are there; returns what it did, for the log. */
export function installCdk(): string | undefined {
    if (fs.existsSync(path.join(cdkDir, "node_modules", "cdk-nag"))) {
        return undefined;
    }
    const npm = spawnSync("npm", ["ci", "--prefix", cdkDir, "--no-audit", "--no-fund"], { encoding: "utf8" });
    if (npm.status !== 0) {
        throw new Error(`npm ci --prefix tools/bench/cdk failed: ${(npm.stderr || npm.stdout).trim().split("\n").at(-1) ?? ""}`);
    }
    return "installed tools/bench/cdk's dependencies (aws-cdk-lib, cdk-nag)";
}

/** Synthesizes the CDK app once. */
export function runCdk(): Promise<CdkResult> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-bench-cdk-"));
    const started = performance.now();
    return new Promise<CdkResult>((resolve, reject) => {
        execFile(process.execPath, [path.join(cdkDir, "app.mjs"), out], { cwd: cdkDir, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) => {
            const wallMs = Math.round(performance.now() - started);
            fs.rmSync(out, { recursive: true, force: true });
            const last = stdout.trim().split("\n").at(-1) ?? "";
            if (error || !last.startsWith("{")) {
                reject(new Error(`tools/bench/cdk/app.mjs failed: ${(stderr || stdout).trim().split("\n").at(-1) ?? ""}`));
                return;
            }
            const { resources, findings } = JSON.parse(last) as { resources: number; findings: number };
            resolve({ wallMs, resources, findings });
        });
    });
}
