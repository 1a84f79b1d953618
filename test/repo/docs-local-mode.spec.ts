// The facts of docs/local-mode.md (and of the smoke test in docs/deploying.md) that the code can
// check: the command lines the docs show, the curl commands a run prints, the modes of the files
// it writes, and the limits it names.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OPTIONS as LOCAL_OPTIONS } from "../../tools/bin/local";
import { OPTIONS as VERIFY_OPTIONS } from "../../tools/bin/verify";
import { parseCommandLine } from "../../tools/cli/args";
import { defaultLimits } from "../../tools/local/limits";

const root = path.join(__dirname, "..", "..");
const localMode = fs.readFileSync(path.join(root, "docs", "local-mode.md"), "utf8");
/** README and every page of docs/, where npm run local and npm run verify lines may be. */
const allDocs = ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((file) => file.endsWith(".md")).map((file) => path.join("docs", file))]
    .map((file) => fs.readFileSync(path.join(root, file), "utf8")).join("\n");

/** The text of a `## ` section of docs/local-mode.md, without its heading. */
function section(title: string): string {
    const start = localMode.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `docs/local-mode.md has a section ${title}`);
    const end = localMode.indexOf("\n## ", start + 1);
    return localMode.slice(start, end < 0 ? undefined : end);
}

/** Every `npm run <script> -- ...` line of the docs' code blocks, continuations joined, comments dropped. */
function commandLines(script: string): string[][] {
    const blocks = allDocs.match(/```[a-z]*\n[\s\S]*?```/g) ?? [];
    const lines = blocks.flatMap((block) => block.replace(/\\\n\s*/g, " ").split("\n"));
    const pattern = new RegExp(`^(?:\\$ )?npm run (?:--silent )?${script}(?: -- (.*))?$`);
    return lines.flatMap((line) => {
        const match = pattern.exec(line.replace(/\s+#.*$/, "").trim());
        return match ? [match[1] === undefined ? [] : match[1].split(/\s+/)] : [];
    });
}

describe("the docs on local mode and the smoke test", function () {
    this.timeout(30_000);
    let dir: string;
    let printed: string[];
    let partners: number;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-readme-"));
        const { main } = await import("../../tools/bin/local");
        printed = [];
        const code = await main(["--port", "0"], { out: (line) => printed.push(line), err: (line) => printed.push(line), untilInterrupted: async () => undefined }, { dir, partnerKeysDir: path.join(dir, "no-partner-keys") });
        assert.equal(code, 0, printed.join("\n"));
        partners = fs.readdirSync(path.join(dir, "partners")).filter((file) => file.endsWith(".crt")).length;
        assert.ok(partners > 0, "the dev stack issues partner certificates");
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("shows npm run local and npm run verify only with options they take", () => {
        const local = commandLines("local");
        const verify = commandLines("verify");
        assert.ok(local.length >= 4 && verify.length >= 4, `${local.length} local and ${verify.length} verify command lines`);
        for (const argv of local) {
            assert.doesNotThrow(() => parseCommandLine(argv, LOCAL_OPTIONS), `npm run local -- ${argv.join(" ")}`);
        }
        for (const argv of verify) {
            assert.doesNotThrow(() => parseCommandLine(argv, VERIFY_OPTIONS), `npm run verify -- ${argv.join(" ")}`);
        }
    });

    it("shows the curl commands a run prints: one per partner, one with the untrusted certificate, one without", () => {
        const port = /on https:\/\/127\.0\.0\.1:(\d+) /.exec(printed.join("\n"))?.[1];
        const curls = printed.filter((line) => line.startsWith("  curl ")).map((line) => line.split(`:${port}`).join(":8443").split(dir).join(".local/dev"));
        const shown = localMode.split("\n").filter((line) => line.startsWith("  curl "));
        assert.equal(curls.length, partners + 2);
        assert.deepEqual(shown, curls);
    });

    it("states the modes of what local mode writes: directories 0700, key files 0600", () => {
        assert.match(localMode, /directories mode 0700, key files\s+0600/);
        const entries = (fs.readdirSync(dir, { recursive: true }) as string[]).map((name) => path.join(dir, name));
        const folders = [dir, ...entries.filter((file) => fs.statSync(file).isDirectory())];
        const keys = entries.filter((file) => file.endsWith(".key"));
        assert.ok(folders.some((folder) => path.dirname(folder) === path.join(dir, "functions")), "each function has a folder");
        assert.deepEqual(folders.filter((folder) => (fs.statSync(folder).mode & 0o777) !== 0o700).map((folder) => path.relative(dir, folder)), []);
        const keepTheirKey = printed.filter((line) => /^Trusted partner .*, with its own key/.test(line)).length;
        assert.equal(keys.length, partners - keepTheirKey + 1);
        assert.deepEqual(keys.filter((file) => (fs.statSync(file).mode & 0o777) !== 0o600).map((file) => path.relative(dir, file)), []);
    });

    it("names the limits local mode applies", () => {
        const refuses = section("What local mode refuses, and why");
        const seconds = (ms: number) => `${ms / 1000} s`;
        assert.match(refuses, new RegExp(`not done ${seconds(defaultLimits.handshakeTimeoutMs)} after the TCP connection`));
        assert.match(refuses, new RegExp(`headers not complete ${seconds(defaultLimits.headersTimeoutMs)} after the handshake`));
        assert.match(refuses, new RegExp(`the whole request not within ${seconds(defaultLimits.requestTimeoutMs)}`));
        assert.match(refuses, new RegExp(`\\| ${seconds(defaultLimits.idleTimeoutMs)} without a byte`));
        assert.match(refuses, new RegExp(`one more while ${defaultLimits.maxConnections} are open`));
    });
});
