// A client certificate with a negative serial (DER INTEGER with the high bit set), in local mode:
// the handshake accepts it, as API Gateway's mutual TLS would, and the authorizer must still deny
// it when its CA's CRL or revokedSerials revokes it.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../../../tools/local/start";
import { Issued, keyPem, makeCa } from "../../helpers/certs";
import { get, startHooliRevocations } from "../../helpers/local-client";
import { makeCrlWithSerials, makeLeafWithSerial } from "../../helpers/raw-serials";

describe("negative serials end to end in local mode", function () {
    let local: LocalRun;
    let dir: string;
    let customerPath: string;
    let revokedByCrl: Issued;
    let revokedInConfig: Issued;
    let current: Issued;
    const log: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-negative-serial-"));
        const ca = await makeCa("CN=Hooli Partner CA, O=Hooli");
        // -0A1B2C, -0A1B2D and, not revoked, the positive F5E4D4 whose octets the first one shares.
        revokedByCrl = await makeLeafWithSerial("CN=hooli-compromised", ca, "f5e4d4");
        revokedInConfig = await makeLeafWithSerial("CN=hooli-stolen-laptop", ca, "f5e4d3");
        current = await makeLeafWithSerial("CN=hooli-current", ca, "00f5e4d4");
        fs.writeFileSync(path.join(dir, "hooli-ca.pem"), ca.pem);
        fs.writeFileSync(path.join(dir, "hooli.crl.pem"), await makeCrlWithSerials(ca, ["f5e4d4"]));

        // As `openssl x509 -noout -serial` and Node.js print it.
        ({ local, customerPath } = await startHooliRevocations(dir, new X509Certificate(revokedInConfig.pem).serialNumber, log));
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("answers 403 to a certificate with a negative serial that its CA's CRL revokes", async () => {
        const reply = await get(local, customerPath, { cert: revokedByCrl.pem, key: await keyPem(revokedByCrl) });
        assert.equal(reply.status, 403, reply.body ?? String(reply.error));
        assert.ok(log.some((line) => line.includes('"serial":"-A1B2C"') && line.includes("unspecified (CRL)")), "the authorizer logged why");
    });

    it("answers 403 to a certificate with a negative serial that revokedSerials lists", async () => {
        const reply = await get(local, customerPath, { cert: revokedInConfig.pem, key: await keyPem(revokedInConfig) });
        assert.equal(reply.status, 403, reply.body ?? String(reply.error));
        assert.ok(log.some((line) => line.includes("revoked: laptop stolen, SEC-42")), "the authorizer logged why");
    });

    it("lets in the positive serial of the same octets, which nothing revokes", async () => {
        const reply = await get(local, customerPath, { cert: current.pem, key: await keyPem(current) });
        assert.equal(reply.status, 200, reply.body ?? String(reply.error));
        assert.equal(JSON.parse(reply.body ?? "null").partner, "hooli");
    });
});
