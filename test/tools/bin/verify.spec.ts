// `npm run verify`: its checks against servers that get mTLS right and wrong, the AWS domain
// check with a client of the test's own, and its one-line errors with exit code 2.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { GetDomainNameCommandOutput } from "@aws-sdk/client-api-gateway";
import { main, VerifyIo } from "../../../tools/bin/verify";
import { issueServerCredentials, ServerCredentials } from "../../../tools/smoke/certificates";
import { runChecks, Target } from "../../../tools/smoke/checks";
import { checkDomain, DomainReader, DomainReadError } from "../../../tools/smoke/domain-check";
import { Issued, keyPem, makeCa, makeLeaf } from "../../helpers/certs";
import { tsNodeArgs } from "../../helpers/ts-node";

/** An https server on 127.0.0.1 that answers 200 to whatever it lets through. */
async function serve(options: https.ServerOptions): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
    let requests = 0;
    const server = https.createServer(options, (_req, res) => {
        requests++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as net.AddressInfo).port,
        requests: () => requests,
        close: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

function reader(answer: Partial<GetDomainNameCommandOutput> | Error): DomainReader & { calls: string[] } {
    const calls: string[] = [];
    return {
        calls,
        send: async (command) => {
            calls.push(String(command.input.domainName));
            if (answer instanceof Error) {
                throw answer;
            }
            return { $metadata: {}, ...answer };
        },
    };
}

function named(name: string, message: string): Error {
    const error = new Error(message);
    error.name = name;
    return error;
}

const healthy: Partial<GetDomainNameCommandOutput> = {
    domainName: "api.example.com",
    domainNameStatus: "AVAILABLE",
    mutualTlsAuthentication: { truststoreUri: "s3://bucket/truststore.pem", truststoreVersion: "v1", truststoreWarnings: [] },
};

function io(cwd: string, domainReader: DomainReader = reader(healthy)): VerifyIo & { out_: string[]; err_: string[] } {
    const out_: string[] = [];
    const err_: string[] = [];
    return { cwd, out_, err_, out: (line) => out_.push(line), err: (line) => err_.push(line), domainReader: async () => domainReader };
}

describe("verify", function () {
    this.timeout(20_000);
    let dir: string;
    let server: ServerCredentials;
    let partnerCa: Issued;
    let partner: { cert: string; key: string };

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-verify-"));
        server = await issueServerCredentials("api.example.com", "verify test server CA");
        partnerCa = await makeCa("CN=Verify Partner CA, O=Test");
        const leaf = await makeLeaf("CN=partner.example.com, O=Test", partnerCa);
        partner = { cert: leaf.pem, key: await keyPem(leaf) };
        fs.writeFileSync(path.join(dir, "partner.crt"), partner.cert);
        fs.writeFileSync(path.join(dir, "partner.key"), partner.key, { mode: 0o600 });
        fs.writeFileSync(path.join(dir, "other.key"), await keyPem(await makeLeaf("CN=other, O=Test", partnerCa)), { mode: 0o600 });
        fs.writeFileSync(path.join(dir, "server-ca.pem"), server.caPem);
        fs.writeFileSync(path.join(dir, "notes.txt"), "the partner's certificate is on its way\n");
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const target = (port: number, ca?: string): Target => ({
        url: new URL(`https://api.example.com:${port}/c360/customer/42`),
        cert: partner.cert,
        key: partner.key,
        ca,
        resolve: "127.0.0.1",
        timeoutMs: 5_000,
    });

    describe("checks", () => {
        it("all pass against a server that requires a trusted certificate and TLS 1.2", async () => {
            const strict = await serve({ cert: server.certPem, key: server.keyPem, ca: partnerCa.pem, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" });
            try {
                const results = await runChecks(target(strict.port, server.caPem));
                assert.deepEqual(results.map((r) => [r.check, r.passed]), [
                    ["no client certificate", true], ["fresh self-signed certificate", true], ["partner certificate", true], ["TLS 1.1", true],
                ], JSON.stringify(results, null, 2));
            } finally {
                await strict.close();
            }
        });

        it("fail against a server that admits anyone, over TLS 1.1 too", async () => {
            const lax = await serve({ cert: server.certPem, key: server.keyPem, minVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
            try {
                const results = await runChecks(target(lax.port, server.caPem));
                assert.deepEqual(results.map((r) => r.passed), [false, false, true, false], JSON.stringify(results, null, 2));
                assert.match(results[0].got, /^200 /);
                assert.match(results[3].got, /handshake completed with TLSv1\.1/);
            } finally {
                await lax.close();
            }
        });

        it("do not trust a server whose certificate the given CA did not issue, and send it nothing", async () => {
            const strict = await serve({ cert: server.certPem, key: server.keyPem, ca: partnerCa.pem, requestCert: true, rejectUnauthorized: true });
            try {
                const results = await runChecks(target(strict.port));
                assert.equal(results[2].passed, false);
                assert.match(results[2].got, /server certificate not trusted .*pass --ca/);
                assert.equal(strict.requests(), 0);
            } finally {
                await strict.close();
            }
        });
    });

    describe("checkDomain", () => {
        it("passes an AVAILABLE domain with a truststore and no warnings", async () => {
            const client = reader(healthy);
            const results = await checkDomain("api.example.com", client);
            assert.deepEqual(client.calls, ["api.example.com"]);
            assert.deepEqual(results.map((r) => r.passed), [true, true, true]);
        });

        it("fails on truststore warnings, a status other than AVAILABLE, or no mutual TLS", async () => {
            const warned = await checkDomain("api.example.com", reader({ ...healthy, mutualTlsAuthentication: { ...healthy.mutualTlsAuthentication, truststoreWarnings: ["Certificate 1 has an invalid signature"] } }));
            const updating = await checkDomain("api.example.com", reader({ ...healthy, domainNameStatus: "UPDATING" }));
            const plain = await checkDomain("api.example.com", reader({ domainNameStatus: "AVAILABLE" }));
            assert.deepEqual(warned.map((r) => r.passed), [true, true, false]);
            assert.match(warned[2].got, /1: Certificate 1 has an invalid signature/);
            assert.deepEqual(updating.map((r) => r.passed), [false, true, true]);
            assert.deepEqual(plain.map((r) => r.passed), [true, false, true]);
        });

        it("fails a domain AWS does not know, and cannot go on without credentials", async () => {
            const missing = await checkDomain("api.example.com", reader(named("NotFoundException", "Invalid domain name identifier specified")));
            assert.deepEqual(missing.map((r) => r.passed), [false]);
            await assert.rejects(checkDomain("api.example.com", reader(named("CredentialsProviderError", "Could not load credentials from any providers"))), DomainReadError);
        });
    });

    describe("main", () => {
        it("prints the table and exits 0 when a strict server and its domain pass", async () => {
            const strict = await serve({ cert: server.certPem, key: server.keyPem, ca: partnerCa.pem, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" });
            try {
                const cli = io(dir);
                const code = await main(["--url", `https://api.example.com:${strict.port}/c360/customer/42`, "--cert", "partner.crt", "--key", "partner.key",
                    "--ca", "server-ca.pem", "--resolve", "127.0.0.1", "--domain", "api.example.com"], cli);
                assert.equal(code, 0, cli.out_.concat(cli.err_).join("\n"));
                const table = cli.out_.join("\n");
                assert.equal((table.match(/ PASS$/gm) ?? []).length, 7, table);
                assert.match(table, /all 7 checks passed/);
            } finally {
                await strict.close();
            }
        });

        it("exits 1 when a check fails", async () => {
            const lax = await serve({ cert: server.certPem, key: server.keyPem });
            try {
                const cli = io(dir);
                const code = await main(["--url", `https://api.example.com:${lax.port}/x`, "--cert", "partner.crt", "--key", "partner.key", "--ca", "server-ca.pem", "--resolve", "127.0.0.1"], cli);
                assert.equal(code, 1);
                assert.match(cli.out_.join("\n"), /2 of 4 checks FAILED/);
            } finally {
                await lax.close();
            }
        });

        it("exits 2 with one line for bad arguments, unreadable or mismatched files, and an unreachable host", async () => {
            const closed = await serve({ cert: server.certPem, key: server.keyPem });
            const port = closed.port;
            await closed.close();
            const cases: [string[], RegExp][] = [
                [[], /--url is required/],
                [["--url", "http://api.example.com/", "--cert", "partner.crt", "--key", "partner.key"], /must be https/],
                [["--url", "https://api.example.com/", "--cert", "partner.crt", "--key", "partner.key", "--colour"], /unknown option --colour/],
                [["--url", "https://api.example.com/", "--cert", "missing.crt", "--key", "partner.key"], /cannot read --cert missing\.crt: no such file/],
                [["--url", "https://api.example.com/", "--cert", "partner.crt", "--key", "other.key"], /--key other\.key is not the key of --cert partner\.crt/],
                [["--url", "https://api.example.com/", "--cert", "notes.txt", "--key", "partner.key"], /^verify: --cert notes\.txt is not a PEM certificate$/],
                [["--url", `https://api.example.com:${port}/`, "--cert", "partner.crt", "--key", "partner.key", "--resolve", "127.0.0.1"], /cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/],
                [["--url", "https://api.example.com/", "--cert", "partner.crt", "--key", "partner.key", "--burst", "0"], /--burst "0" is not a number of requests; use 1 to 500/],
                [["--url", "https://api.example.com/", "--cert", "partner.crt", "--key", "partner.key", "--burst", "501"], /--burst "501" is not a number of requests/],
                [["--url", "https://api.example.com/", "--cert", "partner.crt", "--key", "partner.key", "--burst", "ten"], /--burst "ten" is not a number of requests/],
            ];
            for (const [argv, message] of cases) {
                const cli = io(dir);
                assert.equal(await main(argv, cli), 2, argv.join(" "));
                assert.deepEqual(cli.out_, []);
                assert.equal(cli.err_.length, 1, cli.err_.join("\n"));
                assert.match(cli.err_[0], message);
                assert.doesNotMatch(cli.err_[0], /\n|\bat .*:\d+:\d+/);
            }
        });

        it("says what a key file given as --cert holds, and exits 2 before any connection", async () => {
            const cli = io(dir);
            assert.equal(await main(["--url", "https://api.example.com/", "--cert", "partner.key", "--key", "partner.key"], cli), 2);
            assert.deepEqual(cli.err_, ["verify: --cert partner.key holds a private key (a PRIVATE KEY block), not a certificate: pass the partner's certificate as --cert and its key as --key"]);
        });

        it("as a command, prints one line to stderr and exits 2 for a bad argument", async () => {
            const root = path.join(__dirname, "..", "..", "..");
            const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
                const child = spawn(process.execPath, [...tsNodeArgs, "tools/bin/verify.ts", "--url", "ftp://x"], { cwd: root });
                let stderr = "";
                child.stderr.on("data", (chunk) => (stderr += chunk));
                const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
                child.on("close", (exit) => {
                    clearTimeout(timer);
                    resolve({ code: exit, stderr });
                });
            });
            assert.equal(code, 2);
            assert.equal(stderr.trim().split("\n").length, 1, stderr);
            assert.match(stderr, /^verify: --url must be https, not ftp \(see --help\)/);
        });
    });
});
