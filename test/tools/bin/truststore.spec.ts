import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliIo, main } from "../../../tools/bin/truststore";
import { Finding } from "../../../core/truststore/findings";
import { daysFrom, keyPem, makeCa, makeCert, makeLeaf, sharedKey, toBundle } from "../../helpers/certs";
import { tsNodeArgs } from "../../helpers/ts-node";

const repo = join(__dirname, "..", "..", "..");

interface Run {
    code: number;
    out: string[];
    err: string[];
}

async function run(dir: string, ...argv: string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { cwd: dir, out: (line) => out.push(line), err: (line) => err.push(line) };
    const code = await main(argv, io);
    return { code, out, err };
}

/** Lines a spawned process wrote, without npm's own warnings about the machine's npm config. */
function lines(text: string): string[] {
    return text.split("\n").filter((line) => line !== "" && !line.startsWith("npm warn"));
}

describe("truststore CLI", () => {
    let dir: string;
    /** The base64 lines of the client's private key. */
    let keyBody: string[];

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "truststore-cli-"));
        const root = await makeCa("CN=CLI Root, O=Test");
        const issuing = await makeCert({ subject: "CN=CLI Issuing, O=Test", issuer: root });
        const orphan = await makeCert({ subject: "CN=CLI Orphan, O=Test", issuer: await makeCa("CN=CLI Absent Root, O=Test") });
        const soon = await makeCa("CN=CLI Soon, O=Test", { notAfter: daysFrom(new Date(), 10) });
        const client = await makeLeaf("CN=cli-partner, O=Partner", issuing);
        const expired = await makeLeaf("CN=cli-late, O=Partner", issuing, { notBefore: daysFrom(new Date(), -9), notAfter: daysFrom(new Date(), -1) });
        writeFileSync(join(dir, "good.pem"), toBundle([root, issuing]));
        writeFileSync(join(dir, "bad.pem"), toBundle([root, issuing, orphan]));
        writeFileSync(join(dir, "soon.pem"), toBundle([soon]));
        writeFileSync(join(dir, "client.pem"), client.pem);
        writeFileSync(join(dir, "expired.pem"), expired.pem);
        writeFileSync(join(dir, "sha1.pem"), (await makeLeaf("CN=cli-sha1, O=Partner", issuing, { hash: "SHA-1" })).pem);
        writeFileSync(join(dir, "rsa1024.pem"), (await makeLeaf("CN=cli-rsa1024, O=Partner", issuing, { key: await sharedKey("rsa1024") })).pem);
        writeFileSync(join(dir, "p521.pem"), (await makeLeaf("CN=cli-p521, O=Partner", issuing, { key: await sharedKey("p521") })).pem);
        const key = (await keyPem(client)).trim().split("\n");
        keyBody = key.slice(1, -1);
        writeFileSync(join(dir, "client.key"), key.join("\n") + "\n");
        // A key pasted into the bundle without its BEGIN line: base64 outside any block.
        writeFileSync(join(dir, "pasted-key.pem"), toBundle([root, issuing]) + key.slice(1).join("\n") + "\n");
        const tiny = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        writeFileSync(join(dir, "tiny-blocks.pem"), tiny.repeat(Math.ceil(20 * 1_048_576 / tiny.length)));
        writeFileSync(join(dir, "one-big-block.pem"), `-----BEGIN CERTIFICATE-----\n${`${"A".repeat(64)}\n`.repeat(131_072)}-----END CERTIFICATE-----\n`);
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    describe("check", () => {
        it("exits 0 and prints no finding for a good bundle", async () => {
            const result = await run(dir, "check", "good.pem");
            assert.deepEqual([result.code, result.out], [0, []]);
            assert.deepEqual(result.err, ["good.pem: 0 error(s), 0 warning(s)"]);
        });

        it("exits 1 and prints one line per finding", async () => {
            const result = await run(dir, "check", "bad.pem");
            assert.equal(result.code, 1);
            assert.deepEqual(result.out, [
                "error missing-issuer CN=CLI Orphan, O=Test: its issuer CN=CLI Absent Root, O=Test is not in the bundle; add that CA certificate and every CA above it up to the root (API Gateway does not use intermediates sent by clients)",
            ]);
        });

        it("prints the findings as a JSON array with --json", async () => {
            const result = await run(dir, "check", "bad.pem", "--json");
            assert.equal(result.code, 1);
            const findings = JSON.parse(result.out.join("\n")) as Finding[];
            assert.deepEqual(findings.map((f) => [f.severity, f.code, f.subject]), [["error", "missing-issuer", "CN=CLI Orphan, O=Test"]]);
        });

        it("exits 0 on warnings only, and --warn-days moves the horizon", async () => {
            const warned = await run(dir, "check", "soon.pem");
            assert.equal(warned.code, 0);
            assert.equal(warned.out.length, 1);
            assert.match(warned.out[0], /^warning expiring-soon CN=CLI Soon, O=Test: expires on /);
            assert.deepEqual((await run(dir, "check", "--warn-days", "5", "soon.pem")).out, []);
            assert.deepEqual((await run(dir, "check", "--warn-days=5", "soon.pem")).out, []);
        });

        it("never prints a private key pasted into the bundle without its BEGIN line", async () => {
            for (const json of [[], ["--json"]]) {
                const result = await run(dir, "check", "pasted-key.pem", ...json);
                assert.equal(result.code, 1);
                const said = [...result.out, ...result.err].join("\n");
                assert.match(said, /stray-text/);
                for (const line of keyBody) {
                    for (let at = 0; at + 8 <= line.length; at++) {
                        assert.ok(!said.includes(line.slice(at, at + 8)), `the CLI prints the key: ${said}`);
                    }
                }
            }
        });

        it("exits 1 with a size finding for 20 MB of tiny blocks", async () => {
            const result = await run(dir, "check", "tiny-blocks.pem");
            assert.equal(result.code, 1, result.err.join("\n"));
            assert.match(result.out[0], /^error bundle-too-large bundle: is 20971\d{3} bytes; API Gateway accepts at most 1048576 \(1 MiB\)/);
        });

        it("exits 1 with a size finding for one PEM block of 8 MB", async () => {
            const result = await run(dir, "check", "one-big-block.pem");
            assert.equal(result.code, 1, result.err.join("\n"));
            assert.deepEqual(result.out.map((line) => line.split(":")[0]), ["error bundle-too-large bundle"]);
        });

        it("exits 1 with a size finding for a device that never ends, reading no more than the limit", async function () {
            if (!existsSync("/dev/zero")) {
                this.skip();
            }
            const result = await run(dir, "check", "/dev/zero");
            assert.equal(result.code, 1, result.err.join("\n"));
            assert.match(result.out[0], /^error bundle-too-large bundle: is more than 1048576 bytes;/);
        });

        it("exits 2 with one line when the file cannot be read", async () => {
            const result = await run(dir, "check", "missing.pem");
            assert.deepEqual([result.code, result.out, result.err], [2, [], ["truststore: cannot read missing.pem: no such file (see --help)"]]);
        });

        it("exits 2 on usage errors", async () => {
            for (const argv of [["check"], ["check", "good.pem", "--warn-days", "soon"], ["check", "good.pem", "--yaml"], ["verify", "good.pem"], []]) {
                const result = await run(dir, ...argv);
                assert.equal(result.code, 2, argv.join(" "));
                assert.equal(result.out.length, 0, argv.join(" "));
            }
        });

        it("prints usage with --help", async () => {
            const result = await run(dir, "--help");
            assert.equal(result.code, 0);
            assert.match(result.out.join("\n"), /^usage: npm run --silent truststore -- check <bundle.pem> \[--json\] \[--warn-days N\]/);
        });
    });

    describe("client", () => {
        it("exits 0 when the client certificate chains to the bundle", async () => {
            const result = await run(dir, "client", "good.pem", "client.pem");
            assert.deepEqual([result.code, result.out], [0, ["accepted: chains to CN=CLI Root, O=Test (CN=cli-partner, O=Partner -> CN=CLI Issuing, O=Test -> CN=CLI Root, O=Test)"]]);
        });

        it("exits 1 with the reason when it is refused", async () => {
            const result = await run(dir, "client", "good.pem", "expired.pem");
            assert.equal(result.code, 1);
            assert.match(result.out.join("\n"), /^refused: certificate expired on \S+$/);
        });

        it("refuses a trusted client certificate whose signature hash or key API Gateway refuses, naming the problem", async () => {
            const fix = "reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 or P-384 key";
            const results = await Promise.all(["sha1.pem", "rsa1024.pem", "p521.pem"].map((file) => run(dir, "client", "good.pem", file)));
            assert.deepEqual(results.map((result) => [result.code, result.out]), [
                [1, ["refused: certificate is signed with SHA-1 (ECDSA); API Gateway requires SHA-256 or stronger: have CN=CLI Issuing, O=Test sign it again with SHA-256, SHA-384 or SHA-512"]],
                [1, [`refused: certificate has an RSA key of 1024 bits; API Gateway requires at least 2048: ${fix}`]],
                [1, [`refused: certificate has an ECDSA key on P-521; API Gateway accepts only P-256 and P-384: ${fix}`]],
            ]);
        });

        it("says a key file holds a private key, not a certificate", async () => {
            const result = await run(dir, "client", "good.pem", "client.key");
            assert.deepEqual([result.code, result.out], [1, ["refused: the client certificate file holds a private key (a PRIVATE KEY block), not a certificate: pass the partner's certificate, and keep the key private"]]);
        });

        it("refuses every client with a bundle over 1 MiB, saying why", async () => {
            const result = await run(dir, "client", "tiny-blocks.pem", "client.pem");
            assert.equal(result.code, 1);
            assert.match(result.out.join("\n"), /^refused: the truststore tiny-blocks\.pem is 20971\d{3} bytes; API Gateway accepts at most 1048576 \(1 MiB\)/);
        });

        it("exits 2 without two files", async () => {
            assert.equal((await run(dir, "client", "good.pem")).code, 2);
        });
    });

    describe("as a process", () => {
        it("runs through npm run truststore and exits 1 on an error finding", () => {
            const child = spawnSync("npm", ["run", "--silent", "truststore", "--", "check", join(dir, "bad.pem")], { cwd: repo, encoding: "utf8" });
            assert.equal(child.status, 1, child.stderr);
            assert.deepEqual(lines(child.stdout).map((line) => line.split(":")[0]), ["error missing-issuer CN=CLI Orphan, O=Test"]);
        });

        it("exits 0 when a client is accepted, resolving files from where npm was run", () => {
            const child = spawnSync("npm", ["--prefix", repo, "run", "--silent", "truststore", "--", "client", "good.pem", "client.pem"], { cwd: dir, encoding: "utf8" });
            assert.equal(child.status, 0, child.stderr);
            assert.match(lines(child.stdout).join("\n"), /^accepted: chains to CN=CLI Root, O=Test/);
        });

        it("exits 2 with a one-line message and no stack trace on an unreadable file", () => {
            const child = spawnSync(process.execPath, [...tsNodeArgs, "tools/bin/truststore.ts", "check", join(dir, "nothing-here.pem")], { cwd: repo, encoding: "utf8" });
            assert.equal(child.status, 2);
            assert.deepEqual(lines(child.stderr), [`truststore: cannot read ${join(dir, "nothing-here.pem")}: no such file (see --help)`]);
            assert.equal(child.stdout, "");
        });
    });
});
