// Local mode end to end, driven by real clients: Node's https, curl and openssl s_client. Each
// suite starts the gateway on a free port of 127.0.0.1 and stops it in `after`.
import { strict as assert } from "node:assert";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createPrivateKey, webcrypto, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../../../tools/local/start";
import { daysFrom, Issued, Key, keyPem, makeCa, makeKey, makeLeaf, sharedKey } from "../../helpers/certs";
import { makeRequest } from "../../helpers/csrs";
import { get } from "../../helpers/local-client";
import { x509 } from "../../../core/x509/x509";

function partnerFiles(run: LocalRun, name: string): { cert: string; key: string } {
    const partner = run.partners.find((p) => p.name === name);
    assert.ok(partner, `partner ${name} has files`);
    return { cert: fs.readFileSync(partner.certFile, "utf8"), key: fs.readFileSync(partner.keyFile, "utf8") };
}


/** The CA that issued a partner's certificate, with its key, from what the program declared. */
async function issuingCaOf(run: LocalRun, partnerCertPem: string): Promise<Issued> {
    const signed = run.resources.find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert" && r.outputs.certPem === partnerCertPem);
    assert.ok(signed, "the partner's certificate is a captured tls.LocallySignedCert");
    const der = createPrivateKey(signed.inputs.caPrivateKeyPem).export({ type: "pkcs8", format: "der" });
    const privateKey = await (webcrypto.subtle as SubtleCrypto).importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    const cert = new x509.X509Certificate(signed.inputs.caCertPem);
    return { cert, key: { kind: "p256", pair: { privateKey, publicKey: await cert.publicKey.export() } }, pem: signed.inputs.caCertPem };
}

function has(binary: string): boolean {
    return spawnSync(binary, ["version"], { stdio: "ignore" }).error === undefined;
}

/** Runs a command with `input` on stdin; resolves with its exit code and both outputs, killed after 10 s. */
function run(command: string, args: readonly string[], input = ""): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child: ChildProcess = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        child.stdout?.on("data", (chunk) => (out += chunk));
        child.stderr?.on("data", (chunk) => (out += chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, out });
        });
        child.stdin?.end(input);
    });
}

const hasCurl = has("curl");
const hasOpenssl = has("openssl");

describe("local mode, end to end on the dev stack", function () {
    this.timeout(30_000);
    let local: LocalRun;
    let dir: string;
    let acme: { cert: string; key: string };
    let customerPath: string;
    const logged: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-e2e-"));
        const { startLocal } = await import("../../../tools/local/start");
        local = await startLocal({ stack: "dev", port: 0, dir, log: (line) => logged.push(line) });
        acme = partnerFiles(local, "acme-bank");
        customerPath = `/${local.domain.mappings[0].basePath.join("/")}/customer/42`;
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("with Node's https", () => {
        it("answers a trusted partner with 200 and the customer, naming the partner", async () => {
            const reply = await get(local, customerPath, acme);
            assert.equal(reply.status, 200, reply.error?.message ?? reply.body);
            const customer = JSON.parse(reply.body ?? "");
            assert.equal(customer.id, "42");
            assert.match(customer.partner, /acme-bank/);
        });

        it("fails the handshake of a client without a certificate", async () => {
            const reply = await get(local, customerPath);
            assert.equal(reply.status, undefined, `answered ${reply.status} ${reply.body}`);
            assert.match(String(reply.error?.code), /ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|EPROTO|ECONNRESET/);
        });

        it("answers a fresh self-signed certificate with 403 Forbidden", async () => {
            const reply = await get(local, customerPath, { cert: fs.readFileSync(local.untrusted.certFile, "utf8"), key: fs.readFileSync(local.untrusted.keyFile, "utf8") });
            assert.equal(reply.status, 403);
            assert.deepEqual(JSON.parse(reply.body ?? ""), { message: "Forbidden" });
        });

        it("answers a certificate from a CA outside the truststore with 403 Forbidden", async () => {
            const otherCa = await makeCa("CN=Some Other Partner CA, O=Elsewhere");
            const leaf = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", otherCa);
            const reply = await get(local, customerPath, { cert: leaf.pem, key: await keyPem(leaf) });
            assert.equal(reply.status, 403);
            assert.deepEqual(JSON.parse(reply.body ?? ""), { message: "Forbidden" });
        });

        it("answers an expired certificate from the stack's own issuing CA with 403, and a valid one it did not issue to a partner with the authorizer's 403", async () => {
            const issuer = await issuingCaOf(local, acme.cert);
            const now = new Date();
            const expired = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", issuer, { notBefore: daysFrom(now, -30), notAfter: daysFrom(now, -1) });
            const valid = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", issuer);
            const refused = await get(local, customerPath, { cert: expired.pem, key: await keyPem(expired) });
            const accepted = await get(local, customerPath, { cert: valid.pem, key: await keyPem(valid) });
            assert.equal(refused.status, 403);
            assert.deepEqual(JSON.parse(refused.body ?? ""), { message: "Forbidden" });
            // Mutual TLS accepts it; the authorizer does not: the program issued it to no partner, and
            // a subject names none (issue 21: `CN=acme-bank` from our CA is not acme-bank's).
            const refusedByTls = logged.filter((line) => / refused client certificate /.test(line) && line.includes(new X509Certificate(valid.pem).serialNumber.match(/../g)?.join(":").toLowerCase() ?? "?"));
            assert.deepEqual(refusedByTls, []);
            assert.equal(accepted.status, 403, accepted.body);
            assert.match(JSON.parse(accepted.body ?? "null").Message, /explicit deny/);
        });

        it("answers 403 to certificates from the stack's own issuing CA that API Gateway's algorithm rules refuse: SHA-1, RSA 1024, P-521", async () => {
            const issuer = await issuingCaOf(local, acme.cert);
            const subject = "CN=acme-bank.partners.example.com, O=Acme Bank";
            const refused = {
                "signed with SHA-1": await makeLeaf(subject, issuer, { hash: "SHA-1" }),
                "an RSA key of 1024 bits": await makeLeaf(subject, issuer, { key: await sharedKey("rsa1024") }),
                "a P-521 key": await makeLeaf(subject, issuer, { key: await sharedKey("p521") }),
            };
            const lines: string[] = [];
            // The client lowers its own OpenSSL security level so that it can present them at all.
            for (const [what, leaf] of Object.entries(refused)) {
                const reply = await get(local, customerPath, { cert: leaf.pem, key: await keyPem(leaf) }, { ciphers: "DEFAULT@SECLEVEL=0" });
                lines.push(`${what}: ${reply.status ?? reply.error?.message} ${reply.body ?? ""}`);
            }
            assert.deepEqual(lines, Object.keys(refused).map((what) => `${what}: 403 {"message":"Forbidden"}`));
            const log = logged.join("\n");
            assert.match(log, /refused client certificate .*signed with SHA-1.*: 403/);
            assert.match(log, /refused client certificate .*RSA key of 1024 bits.*: 403/);
            assert.match(log, /refused client certificate .*P-521.*: 403/);
        });

        it("refuses TLS 1.1 in the handshake, even with a trusted certificate", async () => {
            const reply = await get(local, customerPath, acme, { minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
            assert.equal(reply.status, undefined);
            assert.match(String(reply.error?.message), /protocol version|unsupported protocol/i);
        });

        it("answers a path outside every base-path mapping with 403 Forbidden", async () => {
            const reply = await get(local, "/not-mapped/customer/42", acme);
            assert.equal(reply.status, 403);
            assert.deepEqual(JSON.parse(reply.body ?? ""), { message: "Forbidden" });
        });

        it("answers an unknown resource under the base path with 403 Missing Authentication Token", async () => {
            const base = local.domain.mappings[0].basePath.join("/");
            const unknown = await get(local, `/${base}/orders/42`, acme);
            const wrongMethod = await new Promise<number | undefined>((resolve) => {
                const request = https.request({
                    host: "127.0.0.1", port: local.port, servername: local.domain.domainName, path: customerPath, method: "DELETE",
                    ca: fs.readFileSync(local.serverCaFile), ...acme, agent: false,
                }, (response) => {
                    response.resume();
                    resolve(response.statusCode);
                });
                request.on("error", () => resolve(undefined));
                request.end();
            });
            assert.equal(unknown.status, 403);
            assert.deepEqual(JSON.parse(unknown.body ?? ""), { message: "Missing Authentication Token" });
            assert.equal(wrongMethod, 403);
        });
    });

    describe("with curl", () => {
        const curlIt = hasCurl ? it : it.skip;
        const note = hasCurl ? "" : " [skipped: curl is not installed]";
        const curl = (...args: string[]) => run("curl", ["-sS", "--max-time", "8", "--resolve", `${local.domain.domainName}:${local.port}:127.0.0.1`,
            "--cacert", local.serverCaFile, "-w", "\n%{http_code}", ...args, `https://${local.domain.domainName}:${local.port}${customerPath}`]);

        curlIt(`gets 200 with the partner's certificate and key files${note}`, async () => {
            const partner = local.partners.find((p) => p.name === "acme-bank");
            const { code, out } = await curl("--cert", String(partner?.certFile), "--key", String(partner?.keyFile));
            assert.equal(code, 0, out);
            assert.match(out, /"partner":"[^"]*acme-bank/);
            assert.match(out, /\n200$/);
        });

        curlIt(`fails without a certificate${note}`, async () => {
            const { code, out } = await curl();
            assert.notEqual(code, 0, out);
            assert.match(out, /alert certificate required|handshake failure/);
        });

        curlIt(`gets 403 with the untrusted self-signed certificate${note}`, async () => {
            const { code, out } = await curl("--cert", local.untrusted.certFile, "--key", local.untrusted.keyFile);
            assert.equal(code, 0, out);
            assert.match(out, /\{"message":"Forbidden"\}\n403$/);
        });

        curlIt(`fails over TLS 1.1${note}`, async () => {
            const partner = local.partners.find((p) => p.name === "acme-bank");
            const { code, out } = await curl("--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", "--cert", String(partner?.certFile), "--key", String(partner?.keyFile));
            assert.notEqual(code, 0, out);
            assert.match(out, /protocol version|unsupported protocol/i);
        });
    });

    describe("with openssl s_client", () => {
        const opensslIt = hasOpenssl ? it : it.skip;
        const note = hasOpenssl ? "" : " [skipped: openssl is not installed]";
        const request = () => `GET ${customerPath} HTTP/1.1\r\nHost: ${local.domain.domainName}\r\nConnection: close\r\n\r\n`;
        const sClient = (...args: string[]) => run("openssl", ["s_client", "-connect", `127.0.0.1:${local.port}`, "-servername", local.domain.domainName,
            "-CAfile", local.serverCaFile, "-verify_return_error", "-ign_eof", ...args], request());

        opensslIt(`completes the handshake with the partner's certificate and gets 200${note}`, async () => {
            const partner = local.partners.find((p) => p.name === "acme-bank");
            const { out } = await sClient("-cert", String(partner?.certFile), "-key", String(partner?.keyFile));
            assert.match(out, /Verify return code: 0 \(ok\)/);
            assert.match(out, /HTTP\/1\.1 200 OK/);
        });

        opensslIt(`is told a certificate is required when it sends none${note}`, async () => {
            const { out } = await sClient();
            assert.match(out, /alert certificate required|alert handshake failure/);
            assert.doesNotMatch(out, /HTTP\/1\.1 200/);
        });

        opensslIt(`is refused TLS 1.1 with a protocol version alert${note}`, async () => {
            const partner = local.partners.find((p) => p.name === "acme-bank");
            const { code, out } = await sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-cert", String(partner?.certFile), "-key", String(partner?.keyFile));
            assert.notEqual(code, 0);
            assert.match(out, /alert protocol version/);
        });
    });

    describe("its files", () => {
        it("hold exactly the truststore object's content, the server CA and the partners' pairs, keys readable by the owner only", () => {
            const object = local.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && local.domain.truststoreUri.endsWith(`/${r.inputs.key}`));
            assert.equal(fs.readFileSync(local.truststoreFile, "utf8"), object?.inputs.content);
            const server = new X509Certificate(fs.readFileSync(local.serverCaFile));
            assert.equal(server.ca, true);
            assert.deepEqual(local.partners.map((p) => p.name), ["acme-bank", "initech"]);
            for (const file of [...local.partners.map((p) => p.keyFile), local.untrusted.keyFile]) {
                assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
            }
            for (const partner of local.partners) {
                const cert = new X509Certificate(fs.readFileSync(partner.certFile));
                assert.ok(cert.checkPrivateKey(createPrivateKey(fs.readFileSync(partner.keyFile))), partner.name);
            }
        });

        it("include the deployed function code, written as the archive holds it", async () => {
            const fn = local.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === local.domain.functions[0].resourceName);
            const assets = await fn?.inputs.code.assets;
            const written = fs.readFileSync(path.join(local.dir, "functions", String(fn?.name), "index.js"), "utf8");
            assert.equal(written, await assets["index.js"].text);
        });
    });
});

describe("local mode's policy gate", function () {
    this.timeout(30_000);

    it("refuses a stack whose REST API keeps the execute-api endpoint, naming the policy, before serving anything", async () => {
        const { startLocal } = await import("../../../tools/local/start");
        const { PolicyRefusal } = await import("../../../tools/local/policy-gate");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-gate-"));
        try {
            await assert.rejects(
                startLocal({
                    stack: "dev",
                    port: 0,
                    dir,
                    mutate: (resources) => {
                        for (const api of resources.filter((r) => r.type === "aws:apigateway/restApi:RestApi")) {
                            api.inputs.disableExecuteApiEndpoint = false;
                            api.outputs.disableExecuteApiEndpoint = false;
                        }
                    },
                }),
                (error: unknown) => {
                    assert.ok(error instanceof PolicyRefusal, String(error));
                    assert.ok(error.violations.every((v) => v.enforcementLevel === "mandatory"));
                    assert.ok(error.violations.some((v) => /execute-api/i.test(`${v.policyName} ${v.message}`)), error.message);
                    return true;
                },
            );
            assert.deepEqual(fs.readdirSync(dir), [], "nothing was written");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("npm run local -- --smoke, in process", function () {
    this.timeout(30_000);

    it("starts, passes the four checks with a partner of the stack, stops, and exits 0, its files in a temporary folder it removes, not in .local/", async () => {
        const { main } = await import("../../../tools/bin/local");
        const { projectDir } = await import("../../../tools/simulator/stack-config");
        const lines: string[] = [];
        const code = await main(["--smoke", "--port", "0"], {
            out: (line) => lines.push(line),
            err: (line) => lines.push(`ERR ${line}`),
            untilInterrupted: () => Promise.reject(new Error("smoke must not wait")),
        });
        const output = lines.join("\n");
        assert.equal(code, 0, output);
        assert.equal((output.match(/ PASS$/gm) ?? []).length, 4, output);
        assert.match(output, /smoke passed: 4\/4/);
        const written = /^local: wrote (.+) \(removed at the end\): /m.exec(output)?.[1];
        assert.ok(written, output);
        assert.ok(!path.resolve(projectDir, written).startsWith(path.join(projectDir, ".local")), `wrote ${written}`);
        assert.equal(fs.existsSync(path.resolve(projectDir, written)), false, `${written} is left behind`);
    });

    it("exits 2 with one line naming the fix for a stack that issues no partner certificate", async () => {
        const { main } = await import("../../../tools/bin/local");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-smoke-own-ca-"));
        try {
            const ca = await makeCa("CN=Own CA Partner Root, O=Own");
            fs.writeFileSync(path.join(dir, "own-ca.pem"), ca.pem);
            const errors: string[] = [];
            const code = await main(["--smoke"], { out: () => undefined, err: (line) => errors.push(line), untilInterrupted: async () => undefined }, {
                config: { partners: { own: { caCertFile: path.join(dir, "own-ca.pem") } } },
            });
            assert.equal(code, 2);
            assert.equal(errors.length, 1, errors.join("\n"));
            assert.match(errors[0], /stack dev issues no partner certificate.*add a generated partner to Pulumi\.dev\.yaml/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 2 with one line for an unknown option or stack", async () => {
        const { main } = await import("../../../tools/bin/local");
        for (const argv of [["--colour"], ["--stack", "no-such-stack", "--smoke"], ["--port", "99999"]]) {
            const lines: string[] = [];
            const code = await main(argv, { out: (line) => lines.push(line), err: (line) => lines.push(line), untilInterrupted: async () => undefined });
            assert.equal(code, 2, `${argv.join(" ")}: ${lines.join("\n")}`);
            assert.equal(lines.length, 1, lines.join("\n"));
            assert.doesNotMatch(lines[0], /\n\s+at /);
        }
    });
});

describe("local mode, a partner onboarded from a certificate request", function () {
    this.timeout(60_000);
    let tmp: string;
    let csrFile: string;
    let ownKey: string;

    /** The partner's own key, PEM: what it made its request with and keeps. */
    async function pemOf(key: Key): Promise<string> {
        const pkcs8 = await (webcrypto.subtle as SubtleCrypto).exportKey("pkcs8", key.pair.privateKey);
        return createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "pem" }).toString();
    }

    /** A generated partner, for the smoke checks, and hooli, from its request. */
    const config = () => ({
        partners: {
            "acme-bank": { commonName: "acme-bank.partners.example.com", organization: "Acme Bank" },
            hooli: { csrFile },
        },
    });

    /** A folder of partners' own keys, in the temporary folder, holding `keys` by file name. */
    function keysFolder(name: string, keys: Record<string, string>): string {
        const folder = path.join(tmp, name);
        fs.mkdirSync(folder, { mode: 0o700 });
        for (const [file, pem] of Object.entries(keys)) {
            fs.writeFileSync(path.join(folder, file), pem, { mode: 0o600 });
        }
        return folder;
    }

    /** `npm run local` in process, its files in a folder of `tmp`; `whileServing` runs before it stops, with what it printed so far. */
    async function printed(partnerKeysDir: string, whileServing: (lines: readonly string[], dir: string) => Promise<void> = async () => undefined): Promise<{ lines: string[]; dir: string }> {
        const { main } = await import("../../../tools/bin/local");
        const dir = fs.mkdtempSync(path.join(tmp, "run-"));
        const lines: string[] = [];
        const code = await main(["--port", "0"], { out: (line) => lines.push(line), err: (line) => lines.push(`ERR ${line}`), untilInterrupted: () => whileServing(lines, dir) },
            { dir, config: config(), partnerKeysDir });
        assert.equal(code, 0, lines.join("\n"));
        return { lines, dir };
    }

    /** The curl command printed for hooli, and the lines between it and the next heading. */
    function hooliCall(lines: readonly string[], dir: string): { curl: string; notes: string[]; limits: string[] } {
        const certFile = path.join(dir, "partners", "hooli.crt");
        const at = lines.findIndex((line) => line.startsWith("  curl ") && line.includes(` --cert ${certFile} `));
        assert.ok(at >= 0, `a curl command with --cert ${certFile} among\n${lines.join("\n")}`);
        const next = lines.findIndex((line, index) => index > at && !line.startsWith("  "));
        const below = lines.slice(at + 1, next < 0 ? undefined : next);
        return { curl: lines[at], notes: below.filter((line) => !line.startsWith("  limits: ")), limits: below.filter((line) => line.startsWith("  limits: ")) };
    }

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-e2e-csr-"));
        const request = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
        csrFile = path.join(tmp, "hooli.csr");
        fs.writeFileSync(csrFile, request.pem);
        ownKey = await pemOf(request.key);
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("serves it: a request with the partner's own key and the certificate issued for its request gets 200", async () => {
        const { startLocal } = await import("../../../tools/local/start");
        const dir = fs.mkdtempSync(path.join(tmp, "serve-"));
        const local = await startLocal({ port: 0, dir, config: config(), partnerKeysDir: keysFolder("no-keys", {}) });
        try {
            const hooli = local.csrPartners.find((p) => p.name === "hooli");
            assert.ok(hooli, `hooli among ${local.csrPartners.map((p) => p.name).join(", ")}`);
            assert.equal(hooli.certFile, path.join(dir, "partners", "hooli.crt"));
            assert.deepEqual(local.partners.map((p) => p.name), ["acme-bank"], "only generated partners have a key in the folder");
            assert.equal(fs.existsSync(path.join(dir, "partners", "hooli.key")), false, "no key of the partner's is written");
            const reply = await get(local, `/${local.domain.mappings[0].basePath.join("/")}/customer/42`, { cert: fs.readFileSync(hooli.certFile, "utf8"), key: ownKey });
            assert.equal(reply.status, 200, reply.error?.message ?? reply.body);
            assert.match(JSON.parse(reply.body ?? "").partner, /hooli/);
        } finally {
            await local.stop();
        }
    });

    it("prints a curl command that names the partner's key file where it is, when that file is the certificate's key", async () => {
        const keys = keysFolder("keys-present", { "hooli.key": ownKey });
        const { lines, dir } = await printed(keys);
        const { curl, notes, limits } = hooliCall(lines, dir);
        assert.ok(curl.includes(` --key ${path.join(keys, "hooli.key")} `), curl);
        assert.deepEqual(notes, []);
        assert.deepEqual(limits.map((line) => line.replace(/ \(usage plan .*\)$/, "")), ["  limits: hooli: 50 requests/s, burst 100, 100000 per DAY"], "its usage plan's limits under it");
        assert.deepEqual(fs.readdirSync(path.join(dir, "partners")).sort(), ["acme-bank.crt", "acme-bank.key", "hooli.crt"], "the key is not copied");
    });

    (hasCurl ? it : it.skip)(`gets 200 with that printed curl command, pasted as it is${hasCurl ? "" : " [skipped: curl is not installed]"}`, async () => {
        const keys = keysFolder("keys-for-curl", { "hooli.key": ownKey });
        let answer: { code: number | null; out: string } | undefined;
        await printed(keys, async (lines, dir) => {
            answer = await run("sh", ["-c", hooliCall(lines, dir).curl.trim()]);
        });
        assert.equal(answer?.code, 0, answer?.out);
        assert.match(String(answer?.out), /"partner":"[^"]*hooli[^"]*".* 200\n$/s);
    });

    it("prints the command with a placeholder for the key when no key file is there, and one line saying the key stays with the partner", async () => {
        const { lines, dir } = await printed(keysFolder("keys-absent", {}));
        const { curl, notes } = hooliCall(lines, dir);
        assert.ok(curl.includes(` --key <the key you made ${csrFile} with> `), curl);
        assert.equal(notes.length, 1, notes.join("\n"));
        assert.match(notes[0], /hooli keeps its key/);
    });

    it("says in one line, naming both files, that a key file which is not the certificate's is not used, and prints no key", async () => {
        const other = await pemOf(await makeKey("p256"));
        const keys = keysFolder("keys-other", { "hooli.key": other });
        const { lines, dir } = await printed(keys);
        const { curl, notes } = hooliCall(lines, dir);
        assert.ok(curl.includes(` --key <the key you made ${csrFile} with> `), curl);
        assert.equal(notes.length, 1, notes.join("\n"));
        assert.ok(notes[0].includes(path.join(keys, "hooli.key")) && notes[0].includes(path.join(dir, "partners", "hooli.crt")), notes[0]);
        assert.match(notes[0], /is not the key of/);
        const output = lines.join("\n");
        assert.doesNotMatch(output, /PRIVATE KEY/);
        assert.ok(!output.includes(other.split("\n")[1]), "no line of the key file is printed");
    });
});
