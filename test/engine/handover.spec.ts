// `npm run handover` from a stack deployed by the REAL Pulumi CLI (stand-in cloud): it reads
// `pulumi stack output --json --show-secrets` and `pulumi config get partners` as the CLI prints them.
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HandoverIo, main, pulumiCli } from "../../tools/bin/handover";
import { EngineWorkspace, missingEngine } from "../../tools/engine/workspace";

before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

describe("npm run handover from a stack the real Pulumi CLI deployed (stand-in cloud)", () => {
    let workspace: EngineWorkspace;
    let dir: string;
    const printed: string[] = [];

    function io(): HandoverIo {
        return {
            cwd: dir,
            projectDir: workspace.dir,
            localRoot: join(workspace.dir, ".local"),
            pulumi: pulumiCli(workspace.dir, workspace.environment()),
            out: (line) => printed.push(line),
            err: (line) => printed.push(line),
        };
    }

    before(async () => {
        workspace = new EngineWorkspace();
        dir = mkdtempSync(join(tmpdir(), "apigw-mtls-handover-engine-"));
        await workspace.pulumi(["stack", "init", "dev"]);
        await workspace.pulumi(["up", "--yes"]);
    });
    after(() => {
        workspace?.dispose();
        rmSync(dir, { recursive: true, force: true });
    });

    it("writes a certificate that openssl verifies against the chain as a TLS client, its key and a .p12 that opens", async () => {
        const code = await main(["acme-bank", "--out", "acme-bank", "--stack", "dev"], io());
        assert.equal(code, 0, printed.join("\n"));
        const out = join(dir, "acme-bank");
        assert.deepEqual(readdirSync(out).sort(), ["README.txt", "acme-bank-chain.pem", "acme-bank.crt", "acme-bank.key", "acme-bank.p12", "acme-bank.p12.pass"]);
        for (const secret of ["acme-bank.key", "acme-bank.p12", "acme-bank.p12.pass"]) {
            assert.equal(statSync(join(out, secret)).mode & 0o777, 0o600, secret);
        }

        const certificates = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificates"]);
        const certificatePem = readFileSync(join(out, "acme-bank.crt"), "utf8");
        assert.equal(certificatePem, certificates["acme-bank"]);
        const verified = execFileSync("openssl", ["verify", "-purpose", "sslclient", "-CAfile", join(out, "acme-bank-chain.pem"), join(out, "acme-bank.crt")], { encoding: "utf8" });
        assert.match(verified, /: OK\s*$/);
        assert.ok(new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(readFileSync(join(out, "acme-bank.key")))), "the key is the certificate's");

        const info = spawnSync("openssl", ["pkcs12", "-info", "-noout", "-in", join(out, "acme-bank.p12"), "-passin", `file:${join(out, "acme-bank.p12.pass")}`], { encoding: "utf8" });
        assert.equal(info.status, 0, info.stderr);
        assert.match(info.stderr + info.stdout, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);

        const apiUrl = await workspace.pulumiJson<string>(["stack", "output", "apiUrl"]);
        assert.match(readFileSync(join(out, "README.txt"), "utf8"), new RegExp(`API URL: +${apiUrl.replace(/[.]/g, "\\.")}\n`));
        assert.doesNotMatch(printed.join("\n"), /PRIVATE KEY/);
    });

    it("refuses the partner that brings its own CA, naming its caCertFile from the stack's config", async () => {
        printed.length = 0;
        const code = await main(["globex", "--out", "globex", "--stack", "dev"], io());
        assert.equal(code, 2);
        assert.equal(printed.length, 1);
        assert.match(printed[0], /^handover: partner "globex" brings its own CA \(caCertFile partners\/globex-ca\.pem\)/);
    });

    it("refuses a stack that was never deployed", async () => {
        await workspace.pulumi(["stack", "init", "prod"]);
        printed.length = 0;
        const code = await main(["acme-bank", "--out", "prod", "--stack", "prod"], io());
        assert.deepEqual({ code, printed }, { code: 2, printed: ["handover: stack prod has no outputs; deploy it first (pulumi up --policy-pack policy)"] });
        assert.deepEqual(readdirSync(dir).sort(), ["acme-bank"], "nothing was written for the refused ones");
    });
});
