// Revocation end to end in local mode: the program's authorizer Lambda, bundled and run by the
// local gateway with the environment the program gave it, in front of the customer API.
import { strict as assert } from "node:assert";
import { createPrivateKey, webcrypto, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../local/start";
import { x509 } from "../components/x509";
import { Issued, makeCa, makeLeaf } from "./certs";
import { makeCrl } from "./crls";

interface Reply {
    readonly status?: number;
    readonly body: string;
}

async function keyPem(issued: Issued): Promise<string> {
    const pkcs8 = await (webcrypto.subtle as SubtleCrypto).exportKey("pkcs8", issued.key.pair.privateKey);
    return createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "pem" }).toString();
}

/** GET over mutual TLS with the domain as SNI and Host. */
function get(run: LocalRun, urlPath: string, cert: string, key: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const request = https.request({
            host: "127.0.0.1",
            port: run.port,
            servername: run.domain.domainName,
            path: urlPath,
            headers: { host: run.domain.domainName },
            ca: fs.readFileSync(run.serverCaFile),
            cert,
            key,
            agent: false,
            timeout: 10_000,
        }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
                body += chunk;
            });
            response.on("end", () => resolve({ status: response.statusCode, body }));
        });
        request.on("timeout", () => request.destroy(new Error("timed out")));
        request.on("error", reject);
        request.end();
    });
}

describe("revocation end to end in local mode", function () {
    let local: LocalRun;
    let dir: string;
    let customerPath: string;
    let current: Issued;
    let revokedInConfig: Issued;
    let revokedByCrl: Issued;
    const log: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-revocation-"));
        // A partner with its own CA: three of its client certificates, two of them revoked.
        const ca = await makeCa("CN=Hooli Partner CA, O=Hooli");
        [current, revokedInConfig, revokedByCrl] = await Promise.all(["current", "stolen-laptop", "compromised"].map((cn) => makeLeaf(`CN=hooli-${cn}`, ca)));
        fs.writeFileSync(path.join(dir, "hooli-ca.pem"), ca.pem);
        fs.writeFileSync(path.join(dir, "hooli.crl.pem"), await makeCrl(ca, [{ serial: revokedByCrl.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }]));
        // API Gateway and OpenSSL print serials with colons; config may hold either form.
        const colonSerial = new X509Certificate(revokedInConfig.pem).serialNumber.toLowerCase().match(/../g)?.join(":");

        const { startLocal } = await import("../local/start");
        local = await startLocal({
            stack: "dev",
            port: 0,
            dir: path.join(dir, "local"),
            config: {
                partners: [
                    { name: "acme-bank", commonName: "acme-bank.partners.example.com", organization: "Acme Bank" },
                    { name: "hooli", caCertFile: path.join(dir, "hooli-ca.pem") },
                ],
                revokedSerials: [{ serial: colonSerial, reason: "laptop stolen, SEC-42" }],
                crlFile: path.join(dir, "hooli.crl.pem"),
            },
            functionLog: (_fn, line) => log.push(line),
        });
        customerPath = `/${local.domain.mappings[0].basePath.join("/")}/customer/42`;
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lets a partner of the stack's own CA in, named by the authorizer", async () => {
        const acme = local.partners.find((p) => p.name === "acme-bank");
        assert.ok(acme, "acme-bank has files");
        const reply = await get(local, customerPath, fs.readFileSync(acme.certFile, "utf8"), fs.readFileSync(acme.keyFile, "utf8"));
        assert.equal(reply.status, 200, reply.body);
        assert.equal(JSON.parse(reply.body).partner, "acme-bank");
    });

    it("lets a current certificate of a partner's own CA in, named after that partner", async () => {
        const reply = await get(local, customerPath, current.pem, await keyPem(current));
        assert.equal(reply.status, 200, reply.body);
        assert.equal(JSON.parse(reply.body).partner, "hooli");
    });

    it("answers 403 to a certificate revoked in stack config, though mutual TLS accepts it", async () => {
        const reply = await get(local, customerPath, revokedInConfig.pem, await keyPem(revokedInConfig));
        assert.equal(reply.status, 403, reply.body);
        assert.match(JSON.parse(reply.body).message, /explicit deny/);
        assert.ok(log.some((line) => line.includes("revoked: laptop stolen, SEC-42")), "the authorizer logged why");
    });

    it("answers 403 to a certificate the partner CA's CRL revokes", async () => {
        const reply = await get(local, customerPath, revokedByCrl.pem, await keyPem(revokedByCrl));
        assert.equal(reply.status, 403, reply.body);
        assert.ok(log.some((line) => line.includes("keyCompromise (CRL)")), "the authorizer logged why");
    });
});
