import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");

describe("the Outputs table of docs/deploying.md", () => {
    it("names every stack output index.ts exports, and only those", () => {
        const exported = [...fs.readFileSync(path.join(root, "index.ts"), "utf8").matchAll(/^export const (\w+)/gm)].map((m) => m[1]).sort();
        const page = fs.readFileSync(path.join(root, "docs", "deploying.md"), "utf8");
        const table = /^## Outputs\n([\s\S]*?)\n\n(?!\|)/m.exec(page)?.[1] ?? "";
        const named = table.split("\n").filter((line) => line.startsWith("| `")).flatMap((line) => [...line.split(" | ")[0].matchAll(/`(\w+)`/g)].map((m) => m[1])).sort();
        assert.ok(exported.length > 0, "index.ts exports outputs");
        assert.deepEqual(named, exported);
    });
});
