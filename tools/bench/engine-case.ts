// One engine case: the dev stack under the REAL Pulumi CLI (the pinned one in .engine/bin),
// through the stand-in Node.js language host and the stand-in aws/tls providers, in a workspace
// of its own. The cloud is not real (keys and certificates are), so the figures are the CLI's,
// the language host's, the program's, the policy pack's and the stand-ins' time, not AWS's.
// It spawns the CLI, so it runs in the bench's own process rather than under a harness.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { EngineWorkspace } from "../engine/workspace";
import { projectDir } from "../simulator/stack-config";
import { generatedPartners } from "./partners";
import { projectName } from "../simulator/stack-config";

/** What the figures are, for the table, the JSON and docs/performance.md. */
export const engineLabel = "real CLI, stand-in providers";

/** The yardstick program: one bucket in TypeScript with Pulumi's defaults (tools/bench/one-bucket). */
export const oneBucket = "one-bucket";

export interface EngineCase {
    /** `one-bucket`: the yardstick program in place of this project (previewed without the pack). */
    readonly program?: typeof oneBucket;
    /** Generated partners in place of the dev stack's own; absent: the dev stack as in the repository. */
    readonly generated?: number;
    /** Preview only, no update or destroy (a smoke run). */
    readonly previewOnly: boolean;
}

export interface EngineResult {
    /** `pulumi version`. */
    readonly cli?: string;
    /** What the preview plans to create (the stack and the components included, default providers not). */
    readonly resources?: number;
    /** `pulumi preview --policy-pack policy`. */
    readonly previewMs?: number;
    /** CPU time of the preview: the CLI, the language host, the program, the pack and the providers. */
    readonly previewCpuMs?: number;
    /** `pulumi up --yes --policy-pack policy`, which previews again before it updates. */
    readonly upMs?: number;
    readonly upCpuMs?: number;
    /** `pulumi destroy --yes`. */
    readonly destroyMs?: number;
    /** The first command that failed, with the CLI's first error line; the figures stop there. */
    readonly error?: string;
}

// The limit per command, well above what it takes: a 100-partner update took 40 s to 105 s on 2 cores.
const commandTimeoutMs = 20 * 60_000;

/** Gives the dev stack in the workspace `count` generated partners, as a user would by editing Pulumi.dev.yaml. */
function setGeneratedPartners(workspace: EngineWorkspace, count: number): void {
    const file = path.join(workspace.dir, "Pulumi.dev.yaml");
    const stack = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    stack.config[`${projectName}:partners`] = generatedPartners(count);
    fs.writeFileSync(file, yaml.dump(stack));
}

/** The line of a failed command's output that says why, else its first. */
function reason(error: unknown): string {
    const lines = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim()).filter(Boolean);
    return (lines.find((line) => /^error:/i.test(line)) ?? lines[0] ?? "").slice(0, 300);
}

/**
 * Runs `pulumi <args>` in the workspace under bash, whose `times` then prints the CPU time of
 * every process the command waited for (the language host, the program, the pack, the
 * providers): on a machine others share, CPU time moves less than wall time.
 */
function timedCommand(workspace: EngineWorkspace, args: readonly string[]): Promise<{ stdout: string; wallMs: number; cpuMs: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
        execFile("bash", ["-c", 'pulumi "$@" --non-interactive; status=$?; times >&2; exit $status', "pulumi", ...args], {
            cwd: workspace.dir,
            env: workspace.environment(),
            timeout: commandTimeoutMs,
            killSignal: "SIGKILL",
            maxBuffer: 256 * 1024 * 1024,
        }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`pulumi ${args.join(" ")} failed:\n${stdout}\n${stderr}`));
                return;
            }
            // `times`: the shell's own user and system time, then its children's.
            const children = stderr.trim().split("\n").at(-1) ?? "";
            const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, m, s]) => sum + Number(m) * 60 + Number(s), 0);
            resolve({ stdout, wallMs: Math.round(performance.now() - started), cpuMs: Math.round(seconds * 1000) });
        });
    });
}

/** Runs one case in a workspace of its own, and removes the workspace after. */
export async function runEngineCase(spec: EngineCase): Promise<EngineResult> {
    const workspace = new EngineWorkspace(spec.program === undefined ? undefined : path.join(projectDir, "tools", "bench", spec.program));
    let step = "";
    const timedPulumi = async (args: string[]) => {
        step = `pulumi ${args.join(" ")}`;
        return timedCommand(workspace, args);
    };
    const pack = spec.program === undefined ? ["--policy-pack", "policy"] : [];
    let figures: EngineResult = {};
    try {
        if (spec.generated !== undefined) {
            step = "write Pulumi.dev.yaml";
            setGeneratedPartners(workspace, spec.generated);
        }
        figures = { cli: (await timedPulumi(["version"])).stdout.trim() };
        await timedPulumi(["stack", "init", "dev"]);
        const preview = await timedPulumi(["preview", ...pack]);
        const planned = /\+ (\d+) to create/.exec(preview.stdout)?.[1];
        figures = { ...figures, previewMs: preview.wallMs, previewCpuMs: preview.cpuMs, resources: planned === undefined ? undefined : Number(planned) };
        if (!spec.previewOnly) {
            const up = await timedPulumi(["up", "--yes", ...pack]);
            figures = { ...figures, upMs: up.wallMs, upCpuMs: up.cpuMs };
            figures = { ...figures, destroyMs: (await timedPulumi(["destroy", "--yes"])).wallMs };
        }
        return figures;
    } catch (error) {
        return { ...figures, error: `${step}: ${reason(error)}` };
    } finally {
        workspace.dispose();
    }
}
