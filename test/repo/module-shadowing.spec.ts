import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultResultsFile } from "../../tools/bench/harness";

const projectDir = path.resolve(__dirname, "..", "..");

function git(args: readonly string[], input?: string): { status: number | null; stdout: string } {
    const run = spawnSync("git", args, { cwd: projectDir, encoding: "utf8", input });
    return { status: run.status, stdout: run.stdout };
}

/**
 * What Node's `require("./x")` finds before ts-node's `.ts` hook: the bare name, then `.js`,
 * `.json` and `.node` (`Module._extensions` in registration order; ts-node appends `.ts`).
 */
const shadows = (module: string) => {
    const stem = module.slice(0, -".ts".length);
    return [stem, `${stem}.js`, `${stem}.json`, `${stem}.node`];
};

// A file the project writes next to one of its modules wins over it: `bench/results.json` once
// made every second `npm run bench` die at start, resolved in place of `bench/results.ts`.
describe("no module of the project is shadowed by a file it writes", () => {
    const tracked = git(["ls-files", "-z"]).stdout.split("\0").filter(Boolean);
    const modules = tracked.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
    const trackedSet = new Set(tracked);
    const candidates = modules.flatMap(shadows).filter((file) => !trackedSet.has(file));

    it("finds the project's modules to check", () => {
        assert.ok(modules.includes("tools/bench/results.ts"), "git ls-files lists the modules");
    });

    it("git-ignores no path where Node would load a file in place of a module (what is ignored is what tools write)", () => {
        const ignored = git(["check-ignore", "--no-index", "--stdin"], candidates.join("\n") + "\n");
        // Exit 1: none of them is ignored.
        assert.equal(ignored.status === 0 ? ignored.stdout.trim() : "", "", "move these outputs out of the source folders (into .local/) and drop them from .gitignore");
    });

    it("has no untracked file beside a module that Node would load in its place", () => {
        const present = candidates.filter((file) => fs.existsSync(path.join(projectDir, file)) && fs.statSync(path.join(projectDir, file)).isFile());
        assert.deepEqual(present, [], "delete these files (written by an older tool) or rename the module");
    });

    it("writes the bench's results outside every source folder", () => {
        assert.equal(path.relative(projectDir, defaultResultsFile), path.join(".local", "bench", "results.json"));
    });
});
