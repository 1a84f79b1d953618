// Revocation end to end in local mode: the program's authorizer Lambda, bundled and run by the
// local gateway with the environment the program gave it, in front of the customer API.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../../../tools/local/start";
import { x509 } from "../../../core/x509/x509";
import { Issued, keyPem, makeCa, makeLeaf } from "../../helpers/certs";
import { makeCrl } from "../../helpers/crls";
import { get, startHooliRevocations } from "../../helpers/local-client";

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

        ({ local, customerPath } = await startHooliRevocations(dir, colonSerial as string, log, {
            "acme-bank": { commonName: "acme-bank.partners.example.com", organization: "Acme Bank" },
        }));
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lets a partner of the stack's own CA in, named by the authorizer", async () => {
        const acme = local.partners.find((p) => p.name === "acme-bank");
        assert.ok(acme, "acme-bank has files");
        const reply = await get(local, customerPath, { cert: fs.readFileSync(acme.certFile, "utf8"), key: fs.readFileSync(acme.keyFile, "utf8") });
        assert.equal(reply.status, 200, reply.body);
        assert.equal(JSON.parse(reply.body ?? "null").partner, "acme-bank");
    });

    it("lets a current certificate of a partner's own CA in, named after that partner", async () => {
        const reply = await get(local, customerPath, { cert: current.pem, key: await keyPem(current) });
        assert.equal(reply.status, 200, reply.body);
        assert.equal(JSON.parse(reply.body ?? "null").partner, "hooli");
    });

    it("answers 403 to a certificate revoked in stack config, though mutual TLS accepts it", async () => {
        const reply = await get(local, customerPath, { cert: revokedInConfig.pem, key: await keyPem(revokedInConfig) });
        assert.equal(reply.status, 403, reply.body);
        assert.match(JSON.parse(reply.body ?? "null").Message, /explicit deny/);
        assert.ok(log.some((line) => line.includes("revoked: laptop stolen, SEC-42")), "the authorizer logged why");
    });

    it("answers 403 to a certificate the partner CA's CRL revokes", async () => {
        const reply = await get(local, customerPath, { cert: revokedByCrl.pem, key: await keyPem(revokedByCrl) });
        assert.equal(reply.status, 403, reply.body);
        assert.ok(log.some((line) => line.includes("keyCompromise (CRL)")), "the authorizer logged why");
    });
});
