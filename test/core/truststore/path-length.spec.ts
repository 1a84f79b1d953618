// basicConstraints path lengths, judged as OpenSSL judges them: certificates made by openssl,
// and `openssl verify`'s verdict beside the bundle rules' and the client verifier's.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acceptsClient } from "../../../core/truststore/client-verifier";
import { checkTruststore } from "../../../core/truststore/check";

describe("path length constraints (core/truststore/chain-rules.ts, client-verifier.ts)", () => {
    let dir: string;
    const file = (name: string) => path.join(dir, name);
    const read = (name: string) => fs.readFileSync(file(name), "utf8");
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe", encoding: "utf8" });
    /** A certificate `name` for a new P-256 key, signed by `issuer` (self-signed without), with these extensions. */
    function make(name: string, extensions: string, issuer?: string, subject = `/CN=${name}/O=Hooli`): void {
        fs.writeFileSync(file(`${name}.ext`), `${extensions}\n`);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
        const signer = issuer ? ["-CA", `${issuer}.pem`, "-CAkey", `${issuer}.key`, "-CAcreateserial"] : ["-key", `${name}.key`];
        openssl("x509", "-req", "-in", `${name}.csr`, ...signer, "-days", "365", "-sha256", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
    }
    /** `openssl verify`'s verdict on `leaf` with `root` trusted and `intermediate` sent along. */
    function opensslVerdict(root: string, intermediate: string, leaf: string): string {
        try {
            return openssl("verify", "-CAfile", `${root}.pem`, "-untrusted", `${intermediate}.pem`, `${leaf}.pem`).trim();
        } catch (error) {
            return String((error as { stdout?: string }).stdout) + String((error as { stderr?: string }).stderr);
        }
    }
    const ca = (pathlen?: number) => `basicConstraints=critical,CA:TRUE${pathlen === undefined ? "" : `,pathlen:${pathlen}`}\nkeyUsage=critical,keyCertSign,cRLSign`;
    const client = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth";

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "path-length-"));
        make("root0", ca(0));
        make("issuing0", ca(), "root0");
        make("leaf0", client, "issuing0");
        make("root1", ca(1));
        make("issuing1", ca(0), "root1");
        make("leaf1", client, "issuing1");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses an intermediate below a root with pathlen:0, as openssl verify does", async () => {
        assert.match(opensslVerdict("root0", "issuing0", "leaf0"), /path length constraint exceeded/);
        const bundle = read("root0.pem") + read("issuing0.pem");
        const findings = await checkTruststore(bundle);
        assert.deepEqual(findings.map((f) => [f.severity, f.code, f.subject]), [["error", "chain-too-deep", "CN=issuing0, O=Hooli"]]);
        assert.match(findings[0].message, /^is a CA below CN=root0, O=Hooli, which allows 0 CA certificates below it \(basicConstraints pathlen:0\) but has 1; OpenSSL refuses/);
        const verdict = await acceptsClient(bundle, read("leaf0.pem"));
        assert.equal(verdict.accepted, false);
        assert.equal(verdict.reason, "issuer CN=root0, O=Hooli allows 0 CA certificates below it (basicConstraints pathlen:0) but has 1");
    });

    it("accepts a chain within its path lengths, as openssl verify does", async () => {
        assert.match(opensslVerdict("root1", "issuing1", "leaf1"), /: OK$/);
        const bundle = read("root1.pem") + read("issuing1.pem");
        assert.deepEqual(await checkTruststore(bundle), []);
        assert.equal((await acceptsClient(bundle, read("leaf1.pem"))).accepted, true);
    });

    describe("name constraints", () => {
        before(() => {
            make("nc-root", `${ca()}\nnameConstraints=critical,permitted;dirName:hooli,permitted;DNS:hooli.example\n[hooli]\nO=Hooli`, undefined, "/O=Hooli/CN=nc-root");
            make("nc-issuing", ca(), "nc-root", "/O=Hooli/CN=nc-issuing");
            make("nc-good", `${client}\nsubjectAltName=DNS:client.hooli.example`, "nc-issuing", "/O=Hooli/CN=good");
            make("nc-bad-subject", `${client}\nsubjectAltName=DNS:client.hooli.example`, "nc-issuing", "/O=Evil Corp/CN=bad");
            make("nc-bad-dns", `${client}\nsubjectAltName=DNS:client.evil.example`, "nc-issuing", "/O=Hooli/CN=bad");
        });

        it("refuses a client outside a root's permitted subject and DNS subtrees, and accepts one inside, as openssl verify does", async () => {
            const bundle = read("nc-root.pem") + read("nc-issuing.pem");
            assert.match(opensslVerdict("nc-root", "nc-issuing", "nc-good"), /: OK$/);
            assert.equal((await acceptsClient(bundle, read("nc-good.pem"))).accepted, true);
            for (const [leaf, outside] of [["nc-bad-subject", "subject O=Evil Corp, CN=bad"], ["nc-bad-dns", "DNS name client.evil.example"]]) {
                assert.match(opensslVerdict("nc-root", "nc-issuing", leaf), /permitted subtree violation/, leaf);
                const verdict = await acceptsClient(bundle, read(`${leaf}.pem`));
                assert.equal(verdict.accepted, false, leaf);
                assert.equal(verdict.reason, `issuer O=Hooli, CN=nc-root permits no ${outside} (name constraints: permitted subtree violation)`);
            }
        });
    });
});
