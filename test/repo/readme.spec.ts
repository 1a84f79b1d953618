// README and the pages around it, held to the repository: README stays short and shows the
// commands CI runs; docs/README.md links every page; every relative link of the docs reaches a
// file and, with a #fragment, a heading of it; every file named in prose exists
// or is one git ignores; no example writes a partner's keys into the tree.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseHandoverArgs } from "../../tools/bin/handover";

const root = path.join(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const pages = fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`);
const documents = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", ...pages];

/** The lines of a Markdown text's code blocks. */
function codeLines(text: string): string[] {
    return (text.match(/^```[a-z]*\n[\s\S]*?^```/gm) ?? []).flatMap((block) => block.split("\n").slice(1, -1));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
    return heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks). */
function anchors(text: string): string[] {
    const prose = text.replace(/^```[a-z]*\n[\s\S]*?^```/gm, "");
    return [...prose.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchor(heading.replace(/`/g, "")));
}

describe("README", () => {
    const readme = read("README.md");

    it("stays within 200 lines", () => {
        assert.ok(readme.split("\n").length <= 200, `${readme.split("\n").length} lines`);
    });

    it("starts with .ci/run's own install commands, then npm run local or the tests .ci/run runs", () => {
        const ci = read(".ci/run").split("\n").map((line) => line.trim()).filter((line) => /^(npm|npx) /.test(line));
        const start = /^## Start\n[\s\S]*?```sh\n([\s\S]*?)```/m.exec(readme)?.[1].trim().split("\n") ?? [];
        assert.equal(start.length, 2, "two commands");
        // Each runs on Node 22 or newer: tools/bin/node24 takes Node 24 from the npm registry where the machine's is older, as .ci/run does.
        const wrapper = /^tools\/bin\/node24 sh -c '(.*)'$/;
        assert.ok(start.every((line) => wrapper.test(line)), "each command runs through tools/bin/node24");
        assert.match(read(".ci/run"), /exec tools\/bin\/node24 bash "\$0"/);
        const [local, tests] = start.map((line) => (wrapper.exec(line)?.[1] ?? "").split(" && "));
        const install = ci.slice(0, 2);
        assert.deepEqual(install.map((command) => command.split(" ").slice(0, 3).join(" ")), ["npm ci --no-audit", "npm ci --prefix"]);
        assert.deepEqual(local, [...install, "npm run local"]);
        assert.deepEqual(tests.slice(0, 2), install);
        assert.deepEqual(tests.slice(2).filter((command) => !ci.includes(command)), [], "every test command is one .ci/run runs");
        assert.ok(tests.includes("npm test"));
    });
});

describe("the docs' prerequisites", () => {
    it("name the Node.js majors package.json's engines admits, as CI tests them", () => {
        const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
        const floor = /^>=(\d+)$/.exec(engines)?.[1];
        assert.ok(floor, `engines.node is "${engines}"`);
        // The majors CI tests (the workflow's matrix), from the floor engines admits.
        const matrix = /^\s+node: \[([\d, ]+)\]$/m.exec(read(".github/workflows/test.yml"))?.[1];
        assert.ok(matrix, "test.yml has a node matrix");
        const majors = matrix.split(", ").map(Number);
        assert.equal(majors[0], Number(floor), "CI tests the lowest major engines admits");
        const stated = documents.flatMap((document) => [...read(document).matchAll(/Node\.js ((?:\d+, )*\d+(?: or \d+)?)(?= and npm)/g)]
            .map(([, list]) => ({ document, majors: list.split(/, | or /).map(Number) })));
        assert.ok(stated.length >= 3, `${stated.length} statements of the Node.js versions`);
        for (const { document, majors: listed } of stated) {
            assert.deepEqual(listed, majors, document);
        }
    });

    it("name the Go version tools/engine/go.mod asks for", () => {
        const go = /^go (\S+)$/m.exec(read("tools/engine/go.mod"))?.[1];
        const stated = documents.flatMap((document) => [...read(document).matchAll(/Go(?: toolchain)? \((\S+) or newer\)/g)].map(([, version]) => `${document}: ${version}`));
        assert.ok(stated.length >= 2, stated.join(", "));
        assert.deepEqual(stated.filter((line) => !line.endsWith(`: ${go}`)), []);
    });
});

describe("the docs' links and examples", () => {
    it("link every page of docs/ from docs/README.md, and docs/README.md from README", () => {
        const index = read("docs/README.md");
        assert.deepEqual(pages.filter((page) => page !== "docs/README.md" && !index.includes(`](${path.basename(page)})`)), []);
        assert.ok(read("README.md").includes("](docs/README.md)"));
    });

    for (const document of documents) {
        it(`reach an existing file, and heading, with every relative link of ${document}`, () => {
            const text = read(document);
            const prose = text.replace(/^```[a-z]*\n[\s\S]*?^```/gm, "");
            const broken: string[] = [];
            for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) {
                    continue;
                }
                const [file, fragment] = target.split("#");
                const resolved = file === "" ? document : path.normalize(path.join(path.dirname(document), file));
                if (!fs.existsSync(path.join(root, resolved))) {
                    broken.push(`${target}: no file ${resolved}`);
                } else if (fragment !== undefined && !anchors(read(resolved)).includes(fragment)) {
                    broken.push(`${target}: no heading #${fragment} in ${resolved}`);
                }
            }
            assert.deepEqual(broken, []);
        });
    }

    it("name only files of the repository in their prose, or files git ignores (what runs write)", () => {
        const tops = fs.readdirSync(root).filter((entry) => !entry.startsWith(".") && fs.statSync(path.join(root, entry)).isDirectory());
        const ignored = (file: string) => [file, `${file.replace(/\/$/, "")}/`].some((candidate) =>
            spawnSync("git", ["check-ignore", "-q", "--no-index", candidate], { cwd: root }).status === 0);
        const missing = documents.flatMap((document) => {
            const prose = read(document).replace(/^```[a-z]*\n[\s\S]*?^```/gm, "");
            return [...prose.matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map(([, file]) => file)
                .filter((file) => tops.includes(file.split("/")[0]) && !fs.existsSync(path.join(root, file)) && !ignored(file))
                .map((file) => `${document}: ${file}`);
        });
        assert.deepEqual(missing, []);
    });

    it("hand partners' keys over only into folders outside the repository", () => {
        const handovers = documents.flatMap((document) => codeLines(read(document)).map((line) => line.replace(/^\$ /, "").replace(/\s+#.*$/, "").trim())
            .filter((line) => line.startsWith("npm run --silent handover -- ") && !line.includes("<dir>"))
            .map((line) => ({ document, line })));
        assert.ok(handovers.length >= 4, `${handovers.length} handover examples`);
        for (const { document, line } of handovers) {
            const { out } = parseHandoverArgs(line.split(/\s+/).slice(5));
            assert.ok(out.startsWith("~/") || out.startsWith("/"), `${document}: ${line}: --out ${out} is not outside the repository`);
            // The shell expands ~ before npm sees it.
            assert.ok(!path.resolve(root, out.replace(/^~(?=\/)/, os.homedir())).startsWith(root + path.sep), `${document}: ${line}`);
        }
    });
});
