import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { tsNodeArgs } from "../../helpers/ts-node";

const root = path.resolve(__dirname, "..", "..", "..");

// The types above the throw take lines that stripping removes, so an unmapped frame names line 3.
const fixture = [
    "interface Partner {",
    "    readonly name: string;",
    "}",
    "const partner: Partner = { name: \"acme\" };",
    "const error = new Error(`no key for ${partner.name}`);",
    "console.log(JSON.stringify({ frame: error.stack!.split(\"\\n\")[1].trim(), hooked: typeof Error.prepareStackTrace }));",
    "",
].join("\n");

/** Runs the fixture with `node <args>` and returns what it printed. */
function run(args: string[]): { frame: string; hooked: string; file: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "apigw-mtls-source-maps-"));
    const file = path.join(dir, "fixture.ts");
    try {
        writeFileSync(file, fixture);
        const child = spawnSync(process.execPath, [...args, file], { cwd: root, encoding: "utf8" });
        assert.equal(child.status, 0, child.stderr);
        return { ...JSON.parse(child.stdout) as { frame: string; hooked: string }, file };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("stack traces of TypeScript run through tools/ts-node", () => {
    it("name the TypeScript line, through Node's source maps rather than a stack-trace hook, as npm test runs it", () => {
        const { frame, hooked, file } = run([...tsNodeArgs]);
        assert.equal(frame, `at Object.<anonymous> (${file}:5:15)`);
        assert.equal(hooked, "undefined");
    });

    it("name the TypeScript line the same way as @pulumi/pulumi's runner loads the program: source-map-support first, then ts-node with tsconfig.pulumi.json", () => {
        const runner = "require(\"source-map-support/register\"); require(\"ts-node\").register({ project: \"tsconfig.pulumi.json\", transpileOnly: true });";
        const { frame, hooked, file } = run(["-e", `${runner} require(process.argv[1]);`]);
        assert.equal(frame, `at Object.<anonymous> (${file}:5:15)`);
        assert.equal(hooked, "undefined");
    });
});
