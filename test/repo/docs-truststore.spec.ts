// docs/truststore.md, held to the code: every `$ npm run --silent truststore --` example prints
// what the page shows and exits as it shows, on the example files in
// docs/examples/truststore/; the table lists every finding code; the "In code" imports exist.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../tools/bin/truststore";
import { FINDING_CODES } from "../../core/truststore/findings";
import { certificateDer, holdsPrivateKey, scanPem } from "../../core/x509/pem";

const repo = path.join(__dirname, "..", "..");
const examples = path.join(repo, "docs", "examples", "truststore");
const page = fs.readFileSync(path.join(repo, "docs", "truststore.md"), "utf8");
const COMMAND = "$ npm run --silent truststore -- ";

/** One example run as the page shows it: the arguments, the lines printed, the exit code. */
interface Example {
    readonly argv: string[];
    readonly printed: string[];
    readonly code: number;
}

/** The code blocks of a Markdown text, by their info string ("" for none), as lines. */
function codeBlocks(text: string): { info: string; lines: string[] }[] {
    const blocks: { info: string; lines: string[] }[] = [];
    let open: { info: string; lines: string[] } | undefined;
    for (const line of text.split("\n")) {
        if (line.startsWith("```") && open) {
            blocks.push(open);
            open = undefined;
        } else if (line.startsWith("```")) {
            open = { info: line.slice(3).trim(), lines: [] };
        } else {
            open?.lines.push(line);
        }
    }
    return blocks;
}

/** Every example of the section's shell transcripts; each command must be followed by `$ echo $?` and its code. */
function examplesOf(text: string): Example[] {
    const transcripts = codeBlocks(text).filter((block) => block.info === "" && block.lines.some((line) => line.startsWith(COMMAND)));
    const found: Example[] = [];
    for (const { lines } of transcripts) {
        for (let i = 0; i < lines.length;) {
            assert.ok(lines[i].startsWith(COMMAND), `a transcript line is a truststore command: ${lines[i]}`);
            const argv = lines[i].slice(COMMAND.length).trim().split(/\s+/);
            const printed: string[] = [];
            for (i++; i < lines.length && !lines[i].startsWith("$ "); i++) {
                printed.push(lines[i]);
            }
            assert.equal(lines[i], "$ echo $?", `the page shows the exit code of truststore ${argv.join(" ")}`);
            assert.match(lines[i + 1] ?? "", /^\d+$/, `the page shows the exit code of truststore ${argv.join(" ")}`);
            found.push({ argv, printed, code: Number(lines[i + 1]) });
            i += 2;
        }
    }
    return found;
}

describe("docs/truststore.md on the truststore rules", () => {
    const text = page;
    const shown = examplesOf(text);

    it("shows check and client examples, on files of docs/examples/truststore/ only", () => {
        assert.ok(shown.filter((example) => example.argv[0] === "check").length >= 2, "two check examples");
        assert.ok(shown.filter((example) => example.argv[0] === "client").length >= 3, "three client examples");
        for (const file of shown.flatMap((example) => example.argv.slice(1))) {
            assert.ok(file.startsWith("docs/examples/truststore/") && fs.existsSync(path.join(repo, file)), `${file} is an example file in the repository`);
        }
    });

    for (const example of shown) {
        it(`prints what the page shows for truststore ${example.argv.join(" ")}, and exits ${example.code}`, async () => {
            const printed: string[] = [];
            const write = (line: string) => printed.push(...line.split("\n"));
            const code = await main(example.argv, { cwd: repo, out: write, err: write });
            assert.deepEqual({ printed, code }, { printed: example.printed, code: example.code });
        });
    }

    it("commits certificates only to docs/examples/truststore/: no private key, no other block, no other text", () => {
        const files = fs.readdirSync(examples).filter((file) => file !== "make.ts");
        assert.ok(files.length >= 4, files.join(", "));
        for (const file of files) {
            const pem = fs.readFileSync(path.join(examples, file), "utf8");
            const scan = scanPem(pem);
            assert.ok(scan.blocks.length > 0, `${file} holds certificates`);
            assert.deepEqual(Object.values(scan.stray).flat(), [], `${file} holds nothing outside its blocks`);
            for (const block of scan.blocks) {
                assert.equal(block.label, "CERTIFICATE", `${file} block #${block.number}`);
                const decoded = certificateDer(block);
                assert.ok("der" in decoded && !holdsPrivateKey(decoded.der), `${file} block #${block.number} is a certificate`);
            }
        }
    });

    it("lists every finding code in its table, in the order of FINDING_CODES", () => {
        const codes = [...text.matchAll(/^\| `([a-z0-9-]+)` \| (?:error|warning) \|/gm)].map((match) => match[1]);
        assert.deepEqual(codes, [...FINDING_CODES]);
    });

    it("imports in its code sample only what the core modules export", async () => {
        const sample = codeBlocks(text).find((block) => block.info === "ts")?.lines.join("\n") ?? "";
        const imports = [...sample.matchAll(/^import \{ ([^}]+) \} from "\.\/(core\/[a-z0-9/-]+)";$/gm)];
        assert.ok(imports.length > 0, "the sample imports from core/");
        for (const [, names, module] of imports) {
            const exported: Record<string, unknown> = await import(path.join(repo, module));
            for (const name of names.split(",").map((part) => part.trim())) {
                assert.equal(typeof exported[name], "function", `${module} exports ${name}`);
            }
        }
    });
});
