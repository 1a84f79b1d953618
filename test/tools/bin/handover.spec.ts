// `npm run handover`: the bundle written from local mode's files (and from stack outputs through
// a stand-in for `pulumi`), checked with openssl and used as Node's `pfx` against local mode; each
// refusal exits 2 and writes nothing.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { HandoverIo, main, parseHandoverArgs } from "../../../tools/bin/handover";
import { certificateBlocks } from "../../../core/truststore/bundle";
import { issuingChain, PulumiResult, PulumiRunner } from "../../../tools/handover/material";
import type { LocalRun } from "../../../tools/local/start";
import { projectDir } from "../../../tools/simulator/stack-config";

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).error === undefined;

interface Ran {
    readonly code: number;
    readonly out: string[];
    readonly err: string[];
}

/** Every file under `dir` with its mode and content, or null when `dir` does not exist. */
function snapshot(dir: string): Record<string, string> | null {
    if (!fs.existsSync(dir)) {
        return null;
    }
    return Object.fromEntries(fs.readdirSync(dir).sort().map((name) => {
        const file = path.join(dir, name);
        return [name, `${(fs.statSync(file).mode & 0o777).toString(8)} ${fs.readFileSync(file, "base64")}`];
    }));
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

function openssl(args: readonly string[]): { code: number | null; out: string } {
    const result = spawnSync("openssl", args, { encoding: "utf8" });
    return { code: result.status, out: result.stdout + result.stderr };
}

/** A stand-in for the pulumi CLI: answers `stack output` and `config get partners` from fixed texts. */
function fakePulumi(outputs: unknown, partners: unknown = {}, calls: string[][] = []): PulumiRunner {
    return async (args): Promise<PulumiResult> => {
        calls.push([...args]);
        if (args[0] === "stack" && args[1] === "output") {
            return { code: 0, stdout: JSON.stringify(outputs), stderr: "" };
        }
        if (args[0] === "config" && args[2] === "partners") {
            return { code: 0, stdout: JSON.stringify({ value: JSON.stringify(partners), objectValue: partners, secret: false }), stderr: "" };
        }
        return { code: 255, stdout: "", stderr: `error: unexpected pulumi ${args.join(" ")}` };
    };
}

(hasOpenssl ? describe : describe.skip)(`npm run handover${hasOpenssl ? "" : " (skipped: openssl is not installed)"}`, function () {
    this.timeout(60_000);
    let root: string;
    let local: LocalRun;
    let outCount = 0;

    /** A fresh --out path under the test's folder, not yet made. */
    const freshOut = () => path.join(root, `out-${++outCount}`);

    async function run(argv: readonly string[], pulumi: PulumiRunner = fakePulumi({})): Promise<Ran> {
        const out: string[] = [];
        const err: string[] = [];
        const io: HandoverIo = { cwd: root, projectDir, localRoot: path.join(root, "local"), pulumi, out: (l) => out.push(l), err: (l) => err.push(l) };
        return { code: await main(argv, io), out, err };
    }

    /** The dev stack's outputs as `pulumi stack output --json --show-secrets` prints them, made from local mode's files. */
    function deployedOutputs(): Record<string, unknown> {
        const read = (name: string) => fs.readFileSync(path.join(local.dir, "partners", name), "utf8");
        return {
            apiUrl: "https://api.dev.example.com/c360",
            caCertificates: certificateBlocks(fs.readFileSync(local.truststoreFile, "utf8")),
            partnerCertificates: { "acme-bank": read("acme-bank.crt"), initech: read("initech.crt") },
            partnerPrivateKeys: { "acme-bank": read("acme-bank.key"), initech: read("initech.key") },
        };
    }

    /** GET /c360/customer/42 from local mode with Node's tls `pfx`. */
    function getWithPfx(pfx: Buffer, passphrase: string): Promise<{ status?: number; body: string }> {
        return new Promise((resolve, reject) => {
            const request = https.request({
                host: "127.0.0.1",
                port: local.port,
                servername: local.domain.domainName,
                path: "/c360/customer/42",
                headers: { host: local.domain.domainName },
                ca: fs.readFileSync(local.serverCaFile),
                pfx,
                passphrase,
                agent: false,
                timeout: 5_000,
            }, (response) => {
                let body = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (body += chunk));
                response.on("end", () => resolve({ status: response.statusCode, body }));
            });
            request.on("timeout", () => request.destroy(new Error("timed out")));
            request.on("error", reject);
            request.end();
        });
    }

    before(async () => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-handover-"));
        const { startLocal } = await import("../../../tools/local/start");
        local = await startLocal({ stack: "dev", port: 0, dir: path.join(root, "local", "dev") });
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(root, { recursive: true, force: true });
    });

    describe("from local mode's files (--local)", () => {
        let out: string;
        let ran: Ran;
        before(async () => {
            out = freshOut();
            ran = await run(["acme-bank", "--out", out, "--local"]);
            assert.equal(ran.code, 0, ran.err.join("\n"));
        });

        it("writes the certificate, its chain, the key, the .p12, its passphrase and README.txt, the secret ones 0600", () => {
            assert.deepEqual(fs.readdirSync(out).sort(), ["README.txt", "acme-bank-chain.pem", "acme-bank.crt", "acme-bank.key", "acme-bank.p12", "acme-bank.p12.pass"]);
            assert.deepEqual(Object.fromEntries(fs.readdirSync(out).sort().map((name) => [name, modeOf(path.join(out, name)).toString(8)])), {
                "README.txt": "644",
                "acme-bank-chain.pem": "644",
                "acme-bank.crt": "644",
                "acme-bank.key": "600",
                "acme-bank.p12": "600",
                "acme-bank.p12.pass": "600",
            });
            assert.equal(modeOf(out), 0o700, "a new --out is readable by its owner only");
            assert.equal(fs.readFileSync(path.join(out, "acme-bank.crt"), "utf8"), fs.readFileSync(path.join(local.dir, "partners", "acme-bank.crt"), "utf8"));
            assert.equal(fs.readFileSync(path.join(out, "acme-bank.key"), "utf8"), fs.readFileSync(path.join(local.dir, "partners", "acme-bank.key"), "utf8"));
        });

        it("writes the issuing chain, issuing CA first up to the root, which openssl verifies the certificate against as a TLS client", () => {
            const chain = certificateBlocks(fs.readFileSync(path.join(out, "acme-bank-chain.pem"), "utf8")).map((pem) => new X509Certificate(pem));
            const leaf = new X509Certificate(fs.readFileSync(path.join(out, "acme-bank.crt")));
            assert.equal(chain.length, 2, "the dev stack's intermediate and root");
            assert.ok(leaf.checkIssued(chain[0]) && leaf.verify(chain[0].publicKey), "the first certificate issued the partner's");
            assert.ok(chain[1].checkIssued(chain[1]), "the last is the self-signed root");
            const verified = openssl(["verify", "-purpose", "sslclient", "-CAfile", path.join(out, "acme-bank-chain.pem"), path.join(out, "acme-bank.crt")]);
            assert.equal(verified.code, 0, verified.out);
            assert.match(verified.out, /: OK\s*$/);
        });

        it("writes a .p12 that openssl opens with its passphrase, keys and certificates encrypted with AES-256-CBC and a SHA-256 MAC", () => {
            const info = openssl(["pkcs12", "-info", "-noout", "-in", path.join(out, "acme-bank.p12"), "-passin", `file:${path.join(out, "acme-bank.p12.pass")}`]);
            assert.equal(info.code, 0, info.out);
            assert.match(info.out, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/);
            assert.match(info.out, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
            assert.match(info.out, /MAC: sha256/);
            assert.doesNotMatch(info.out, /RC2|3DES|TripleDES|pbeWithSHA1/i);
            const wrong = openssl(["pkcs12", "-info", "-noout", "-in", path.join(out, "acme-bank.p12"), "-passin", "pass:not-the-passphrase"]);
            assert.notEqual(wrong.code, 0, "another passphrase does not open it");
        });

        it("puts the key, the certificate and its chain in the .p12", () => {
            const certs = openssl(["pkcs12", "-in", path.join(out, "acme-bank.p12"), "-passin", `file:${path.join(out, "acme-bank.p12.pass")}`, "-nokeys"]);
            const inside = certificateBlocks(certs.out).map((pem) => new X509Certificate(pem).fingerprint256).sort();
            const expected = [...certificateBlocks(fs.readFileSync(path.join(out, "acme-bank-chain.pem"), "utf8")), fs.readFileSync(path.join(out, "acme-bank.crt"), "utf8")]
                .map((pem) => new X509Certificate(pem).fingerprint256).sort();
            assert.deepEqual(inside, expected);
            const key = openssl(["pkcs12", "-in", path.join(out, "acme-bank.p12"), "-passin", `file:${path.join(out, "acme-bank.p12.pass")}`, "-nocerts", "-nodes"]);
            assert.match(key.out, /-----BEGIN PRIVATE KEY-----/);
        });

        it("gets 200 from local mode with the .p12 as Node's tls pfx and the passphrase of .p12.pass", async () => {
            const passphrase = fs.readFileSync(path.join(out, "acme-bank.p12.pass"), "utf8").trim();
            assert.match(passphrase, /^[A-Za-z0-9_-]{32}$/, "24 random bytes, base64url");
            const reply = await getWithPfx(fs.readFileSync(path.join(out, "acme-bank.p12")), passphrase);
            assert.equal(reply.status, 200, reply.body);
            assert.equal(JSON.parse(reply.body).partner, "acme-bank");
        });

        it("writes a README.txt with the API URL, curl with the key pair and with the .p12, and Postman's certificate settings", () => {
            const readme = fs.readFileSync(path.join(out, "README.txt"), "utf8");
            assert.match(readme, /API URL: +https:\/\/api\.dev\.example\.com:8443\/c360\n/);
            assert.match(readme, /curl .*--cert acme-bank\.crt --key acme-bank\.key https:\/\/api\.dev\.example\.com:8443\/c360\/customer\/42/);
            assert.match(readme, /curl .*--cert-type P12 --cert acme-bank\.p12:"\$\(cat acme-bank\.p12\.pass\)" https:/);
            assert.match(readme, /--resolve api\.dev\.example\.com:8443:127\.0\.0\.1 --cacert /, "local mode needs the address and the server CA");
            assert.match(readme, /Settings > Certificates/);
            assert.match(readme, /Host +api\.dev\.example\.com/);
            assert.match(readme, /CRT file +acme-bank\.crt/);
            assert.match(readme, /KEY file +acme-bank\.key/);
            assert.match(readme, /PFX file +acme-bank\.p12/);
            assert.match(readme, /Passphrase /);
        });

        it("prints what it wrote, but neither the key nor the passphrase", () => {
            const printed = [...ran.out, ...ran.err].join("\n");
            assert.match(printed, /wrote 6 files/);
            assert.doesNotMatch(printed, /PRIVATE KEY/);
            assert.ok(!printed.includes(fs.readFileSync(path.join(out, "acme-bank.p12.pass"), "utf8").trim()), "the passphrase is not printed");
            const keyBody = fs.readFileSync(path.join(out, "acme-bank.key"), "utf8").split("\n")[1];
            assert.ok(!printed.includes(keyBody));
        });
    });

    describe("with --passphrase-file and --force", () => {
        it("protects the .p12 with the file's first line and writes no .p12.pass", async () => {
            const out = freshOut();
            const passFile = path.join(root, "chosen.pass");
            fs.writeFileSync(passFile, "correct horse battery staple\nignored second line\n");
            const ran = await run(["initech", "--out", out, "--local", "--passphrase-file", passFile]);
            assert.equal(ran.code, 0, ran.err.join("\n"));
            assert.deepEqual(fs.readdirSync(out).sort(), ["README.txt", "initech-chain.pem", "initech.crt", "initech.key", "initech.p12"]);
            const info = openssl(["pkcs12", "-info", "-noout", "-in", path.join(out, "initech.p12"), "-passin", "pass:correct horse battery staple"]);
            assert.equal(info.code, 0, info.out);
            const reply = await getWithPfx(fs.readFileSync(path.join(out, "initech.p12")), "correct horse battery staple");
            assert.equal(reply.status, 200, reply.body);
            assert.ok(![...ran.out, ...ran.err].join("\n").includes("correct horse"), "the passphrase is not printed");
        });

        it("replaces the partner's files with --force, with their modes, and removes a passphrase file the new .p12 does not open", async () => {
            const out = freshOut();
            fs.mkdirSync(out);
            fs.writeFileSync(path.join(out, "acme-bank.key"), "old", { mode: 0o644 });
            fs.writeFileSync(path.join(out, "acme-bank.p12.pass"), "old passphrase\n");
            fs.writeFileSync(path.join(out, "notes.txt"), "not ours");
            const passFile = path.join(root, "force.pass");
            fs.writeFileSync(passFile, "another passphrase\n");
            const ran = await run(["acme-bank", "--out", out, "--local", "--force", "--passphrase-file", passFile]);
            assert.equal(ran.code, 0, ran.err.join("\n"));
            assert.deepEqual(fs.readdirSync(out).sort(), ["README.txt", "acme-bank-chain.pem", "acme-bank.crt", "acme-bank.key", "acme-bank.p12", "notes.txt"]);
            assert.equal(modeOf(path.join(out, "acme-bank.key")), 0o600);
            assert.match(fs.readFileSync(path.join(out, "acme-bank.key"), "utf8"), /PRIVATE KEY/);
            assert.equal(fs.readFileSync(path.join(out, "notes.txt"), "utf8"), "not ours");
        });
    });

    describe("from the deployed stack's outputs", () => {
        it("reads pulumi stack output --json --show-secrets of the stack and builds the chain from caCertificates", async () => {
            const out = freshOut();
            const calls: string[][] = [];
            const ran = await run(["acme-bank", "--out", out, "--stack", "dev"], fakePulumi(deployedOutputs(), {}, calls));
            assert.equal(ran.code, 0, ran.err.join("\n"));
            assert.deepEqual(calls, [["stack", "output", "--json", "--show-secrets", "--stack", "dev"]]);
            assert.match(ran.out[0], /acme-bank from stack dev: wrote 6 files/);
            const chain = certificateBlocks(fs.readFileSync(path.join(out, "acme-bank-chain.pem"), "utf8"));
            assert.equal(chain.length, 2, "only the chain of the partner, not every CA of the truststore");
            const verified = openssl(["verify", "-purpose", "sslclient", "-CAfile", path.join(out, "acme-bank-chain.pem"), path.join(out, "acme-bank.crt")]);
            assert.equal(verified.code, 0, verified.out);
            const readme = fs.readFileSync(path.join(out, "README.txt"), "utf8");
            assert.match(readme, /curl --cert acme-bank\.crt --key acme-bank\.key https:\/\/api\.dev\.example\.com\/c360\/customer\/42\n/);
            assert.doesNotMatch(readme, /--resolve|Local mode/);
        });

        it("hands a partner without a key of ours (one from a CSR) its certificate, chain and README.txt only", async () => {
            const outputs = deployedOutputs();
            delete (outputs.partnerPrivateKeys as Record<string, string>).initech;
            const out = freshOut();
            const ran = await run(["initech", "--out", out], fakePulumi(outputs));
            assert.equal(ran.code, 0, ran.err.join("\n"));
            assert.deepEqual(fs.readdirSync(out).sort(), ["README.txt", "initech-chain.pem", "initech.crt"]);
            const readme = fs.readFileSync(path.join(out, "README.txt"), "utf8");
            assert.match(readme, /curl --cert initech\.crt --key <your private key> /);
            assert.doesNotMatch(readme, /initech\.key\b|initech\.p12\.pass|PFX file/);
            assert.match(readme, /openssl pkcs12 -export -inkey <your private key> -in initech\.crt -certfile initech-chain\.pem/);
        });
    });

    describe("refusals: one line, exit 2, nothing written", () => {
        const refusals: { name: string; argv: (out: string) => string[]; pulumi?: () => PulumiRunner; message: RegExp }[] = [
            { name: "an unknown partner", argv: (out) => ["nobody", "--out", out, "--local"], message: /partner "nobody" is not in local mode's .*\(its partners: acme-bank, globex, initech, vandelay\)/ },
            { name: "a partner that brings its own CA, saying what to hand over instead", argv: (out) => ["globex", "--out", out, "--local"], message: /partner "globex" brings its own CA \(caCertFile partners\/globex-ca\.pem\).*send it only the API URL, https:\/\/api\.dev\.example\.com:8443\/c360$/ },
            { name: "a local stack without files", argv: (out) => ["acme-bank", "--out", out, "--local", "--stack", "prod"], message: /no local mode files for stack prod .*run npm run local -- --stack prod first/ },
            { name: "a deployed stack without outputs", argv: (out) => ["acme-bank", "--out", out, "--stack", "dev"], pulumi: () => fakePulumi({}), message: /^handover: stack dev has no outputs; deploy it first/ },
            { name: "a deployed stack without this program's outputs", argv: (out) => ["acme-bank", "--out", out], pulumi: () => fakePulumi({ url: "x" }), message: /the selected stack has no output apiUrl, partnerCertificates, caCertificates/ },
            {
                name: "an unknown partner of a deployed stack",
                argv: (out) => ["nobody", "--out", out, "--stack", "dev"],
                pulumi: () => fakePulumi(deployedOutputs(), { "acme-bank": {}, initech: {}, globex: { caCertFile: "partners/globex-ca.pem" } }),
                message: /partner "nobody" is not in stack dev \(its partners: acme-bank, globex, initech\)/,
            },
            {
                name: "an own-CA partner of a deployed stack",
                argv: (out) => ["globex", "--out", out, "--stack", "dev"],
                pulumi: () => fakePulumi(deployedOutputs(), { globex: { caCertFile: "partners/globex-ca.pem" } }),
                message: /partner "globex" brings its own CA .*send it only the API URL, https:\/\/api\.dev\.example\.com\/c360$/,
            },
            { name: "a failing pulumi", argv: (out) => ["acme-bank", "--out", out, "--stack", "nope"], pulumi: () => async () => ({ code: 255, stdout: "", stderr: "error: no stack named 'nope' found\n" }), message: /pulumi stack output failed on stack nope: error: no stack named 'nope' found$/ },
            { name: "a missing --out", argv: () => ["acme-bank", "--local"], message: /--out <dir> is required/ },
            { name: "an unknown option", argv: (out) => ["acme-bank", "--out", out, "--local", "--pfx"], message: /unknown option --pfx \(see --help\)$/ },
            { name: "a passphrase file that does not exist", argv: (out) => ["acme-bank", "--out", out, "--local", "--passphrase-file", "missing.pass"], message: /cannot read --passphrase-file missing\.pass: no such file/ },
            {
                name: "a passphrase file for a partner that holds its own key",
                argv: (out) => ["initech", "--out", out, "--passphrase-file", path.join(root, "chosen.pass")],
                pulumi: () => {
                    const outputs = deployedOutputs();
                    delete (outputs.partnerPrivateKeys as Record<string, string>).initech;
                    return fakePulumi(outputs);
                },
                message: /partner "initech" holds its own key, so there is no \.p12 to protect; leave out --passphrase-file/,
            },
        ];
        for (const refusal of refusals) {
            it(`refuses ${refusal.name}`, async () => {
                fs.writeFileSync(path.join(root, "chosen.pass"), "a passphrase\n");
                const out = freshOut();
                const ran = await run(refusal.argv(out), refusal.pulumi?.());
                assert.equal(ran.code, 2);
                assert.deepEqual(ran.out, []);
                assert.equal(ran.err.length, 1, ran.err.join("\n"));
                assert.match(ran.err[0], refusal.message);
                assert.ok(!fs.existsSync(out), "--out was not made");
            });
        }

        describe("an --out in a git work tree", () => {
            let repo: string;
            before(function () {
                if (spawnSync("git", ["--version"], { stdio: "ignore" }).error !== undefined) {
                    this.skip();
                }
                // A repository of the test's own, so that nothing is written into this one's work tree.
                repo = path.join(root, "repo");
                fs.mkdirSync(repo);
                assert.equal(spawnSync("git", ["init", "-q", repo]).status, 0);
                fs.writeFileSync(path.join(repo, ".gitignore"), "handover/\n");
            });

            it("refuses a folder git does not ignore, in one line that suggests one outside the repository", async () => {
                const out = path.join(repo, "bundles", "acme-bank");
                const ran = await run(["acme-bank", "--out", out, "--local"]);
                assert.equal(ran.code, 2);
                assert.deepEqual(ran.out, []);
                assert.equal(ran.err.length, 1, ran.err.join("\n"));
                assert.match(ran.err[0], /^handover: --out repo\/bundles\/acme-bank is inside the git work tree .*repo and git does not ignore it, so the partner's key could be committed; write to a folder outside the repository, such as --out .*handover\/acme-bank, or add repo\/bundles\/acme-bank to \.gitignore$/);
                assert.ok(!fs.existsSync(path.join(repo, "bundles")), "--out was not made");
            });

            it("writes into a folder git ignores", async () => {
                const out = path.join(repo, "handover", "acme-bank");
                const ran = await run(["acme-bank", "--out", out, "--local"]);
                assert.equal(ran.code, 0, ran.err.join("\n"));
                assert.ok(fs.existsSync(path.join(out, "acme-bank.key")));
                assert.equal(spawnSync("git", ["-C", repo, "status", "--porcelain"], { encoding: "utf8" }).stdout.trim(), "?? .gitignore", "git sees no file of the bundle");
            });
        });

        it("refuses an --out that already holds one of the partner's files, and leaves every file as it was", async () => {
            const out = freshOut();
            fs.mkdirSync(out);
            fs.writeFileSync(path.join(out, "README.txt"), "the partner's notes");
            const before = snapshot(out);
            const ran = await run(["acme-bank", "--out", out, "--local"]);
            assert.equal(ran.code, 2);
            assert.deepEqual(ran.err, [`handover: ${path.basename(out)} already holds README.txt; pass --force to replace them, or name another --out`]);
            assert.deepEqual(snapshot(out), before);
        });

        it("refuses an --out that is a file", async () => {
            const out = freshOut();
            fs.writeFileSync(out, "a file");
            const ran = await run(["acme-bank", "--out", out, "--local"]);
            assert.equal(ran.code, 2);
            assert.match(ran.err[0], /is a file, not a folder/);
            assert.equal(fs.readFileSync(out, "utf8"), "a file");
        });
    });

    describe("its pure parts", () => {
        it("parses the partner and every option, and refuses a partner name that is not one", () => {
            assert.deepEqual(parseHandoverArgs(["acme-bank", "--out=x", "--stack", "org/apigw-mtls/prod", "--force"]), {
                partner: "acme-bank", out: "x", stack: "org/apigw-mtls/prod", local: false, passphraseFile: undefined, force: true,
            });
            assert.throws(() => parseHandoverArgs(["../etc", "--out", "x"]), /is not a partner name/);
            assert.throws(() => parseHandoverArgs(["a", "b", "--out", "x"]), /one partner at a time, got 2/);
            assert.throws(() => parseHandoverArgs(["a", "--out"]), /--out needs a value/);
            assert.throws(() => parseHandoverArgs(["a", "--out", "x", "--force=yes"]), /--force takes no value/);
            assert.throws(() => parseHandoverArgs(["a", "--out", "x", "--local", "--stack", ".."]), /is not a stack of this project/);
        });

        it("refuses to build a chain from CAs that did not issue the certificate", () => {
            const truststore = fs.readFileSync(local.truststoreFile, "utf8");
            const globexCa = fs.readFileSync(path.join(projectDir, "partners", "globex-ca.pem"), "utf8");
            const partner = fs.readFileSync(path.join(local.dir, "partners", "acme-bank.crt"), "utf8");
            assert.equal(issuingChain(partner, [truststore], "truststore.pem").length, 2);
            assert.throws(() => issuingChain(partner, [globexCa], "the outputs"), /no CA certificate in the outputs issued "acme-bank\.partners\.example\.com"/);
        });
    });
});
