import * as assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createTranspileCache, Transpiled } from "../../../tools/ts-node/transpile-cache.cjs";

/** A transpiler that counts its calls and emits a map naming the file it was given. */
function counting(): { calls: number; compute: (fileName: string, input: string) => () => Transpiled } {
    const counter = {
        calls: 0,
        compute: (fileName: string, input: string) => () => {
            counter.calls++;
            return { code: `/* ${input} */`, map: JSON.stringify({ version: 3, sources: [fileName], mappings: "" }) };
        },
    };
    return counter;
}

describe("the transpile cache of tools/ts-node", () => {
    let temporary: string;
    let savedTmpdir: string | undefined;

    beforeEach(() => {
        temporary = mkdtempSync(path.join(tmpdir(), "apigw-mtls-transpile-cache-"));
        savedTmpdir = process.env.TMPDIR;
        process.env.TMPDIR = temporary;
    });

    afterEach(() => {
        if (savedTmpdir === undefined) {
            delete process.env.TMPDIR;
        } else {
            process.env.TMPDIR = savedTmpdir;
        }
        rmSync(temporary, { recursive: true, force: true });
    });

    it("transpiles a source once, and serves a copy of it elsewhere from the cache with a map that names the copy", () => {
        const transpiler = counting();
        const first = createTranspileCache("options")("const a: number = 1;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        const copy = createTranspileCache("options")("const a: number = 1;", "/copy/a.ts", transpiler.compute("/copy/a.ts", "a"));
        assert.equal(transpiler.calls, 1);
        assert.equal(copy.code, first.code);
        assert.deepEqual(JSON.parse(copy.map).sources, ["/copy/a.ts"]);
    });

    it("transpiles again when the source or the options change", () => {
        const transpiler = counting();
        createTranspileCache("options")("const a = 1;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        createTranspileCache("options")("const a = 2;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        createTranspileCache("other options")("const a = 2;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        assert.equal(transpiler.calls, 3);
    });

    it("keeps its entries in a folder of the user's own, and leaves a folder others may write to alone", () => {
        const transpiler = counting();
        createTranspileCache("options")("const a = 1;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        const [folder] = readdirSync(temporary);
        assert.match(folder, /^apigw-mtls-ts-node-/);
        chmodSync(path.join(temporary, folder), 0o777);
        createTranspileCache("options")("const a = 1;", "/work/a.ts", transpiler.compute("/work/a.ts", "a"));
        assert.equal(transpiler.calls, 2);
    });
});
