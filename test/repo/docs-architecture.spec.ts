import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");

/** The entries docs/architecture.md's Layout block names, as `name/` for a folder and `name` for a file. */
function layoutEntries(): string[] {
    const page = fs.readFileSync(path.join(root, "docs", "architecture.md"), "utf8");
    const block = /^## Layout\n[\s\S]*?```\n([\s\S]*?)\n```/m.exec(page)?.[1];
    assert.ok(block, "docs/architecture.md has a Layout section with a code block");
    return block.split("\n").flatMap((line) => /^(\S+)\s{2,}/.exec(line)?.[1] ?? []);
}

describe("the Layout section of docs/architecture.md", () => {
    it("names every top-level folder of the repository, and only those, and the program's entry file", () => {
        const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
        const folders = [...new Set(tracked.filter((file) => file.includes("/") && !file.startsWith(".")).map((file) => `${file.split("/")[0]}/`))].sort();
        const named = layoutEntries();
        assert.deepEqual(named.filter((entry) => entry.endsWith("/")).sort(), folders);
        assert.ok(named.includes("index.ts") && fs.existsSync(path.join(root, "index.ts")), "the program's entry file");
    });
});
