// One engine case: the dev stack under the REAL Pulumi CLI (the pinned one in .engine/bin),
// through the stand-in Node.js language host and the stand-in aws/tls providers, in a workspace
// of its own. The cloud is not real (keys and certificates are), so the figures are the CLI's,
// the language host's, the program's, the policy pack's and the stand-ins' time, not AWS's.
// It spawns the CLI, so it runs in the bench's own process rather than under a harness.
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { EngineWorkspace } from "../engine/workspace";
import { generatedPartners } from "./partners";
import { projectName } from "../simulator/stack-config";

/** What the figures are, for the table, the JSON and README. */
export const engineLabel = "real CLI, stand-in providers";

export interface EngineCase {
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
    /** `pulumi up --yes --policy-pack policy`, which previews again before it updates. */
    readonly upMs?: number;
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

/** Runs one case in a workspace of its own, and removes the workspace after. */
export async function runEngineCase(spec: EngineCase): Promise<EngineResult> {
    const workspace = new EngineWorkspace();
    let step = "";
    const timedPulumi = async (args: string[]) => {
        step = `pulumi ${args.join(" ")}`;
        const started = performance.now();
        const { stdout } = await workspace.pulumi(args, { timeoutMs: commandTimeoutMs });
        return { stdout, wallMs: Math.round(performance.now() - started) };
    };
    let figures: EngineResult = {};
    try {
        if (spec.generated !== undefined) {
            step = "write Pulumi.dev.yaml";
            setGeneratedPartners(workspace, spec.generated);
        }
        figures = { cli: (await timedPulumi(["version"])).stdout.trim() };
        await timedPulumi(["stack", "init", "dev"]);
        const preview = await timedPulumi(["preview", "--policy-pack", "policy"]);
        const planned = /\+ (\d+) to create/.exec(preview.stdout)?.[1];
        figures = { ...figures, previewMs: preview.wallMs, resources: planned === undefined ? undefined : Number(planned) };
        if (!spec.previewOnly) {
            figures = { ...figures, upMs: (await timedPulumi(["up", "--yes", "--policy-pack", "policy"])).wallMs };
            figures = { ...figures, destroyMs: (await timedPulumi(["destroy", "--yes"])).wallMs };
        }
        return figures;
    } catch (error) {
        return { ...figures, error: `${step}: ${reason(error)}` };
    } finally {
        workspace.dispose();
    }
}
