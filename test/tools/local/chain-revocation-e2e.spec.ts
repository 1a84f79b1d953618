// Revoking a partner's intermediate CA in local mode: the program's authorizer, run by the local
// gateway, denies every certificate below a CA that the partner root's CRL revokes.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../../../tools/local/start";
import { x509 } from "../../../core/x509/x509";
import { Issued, keyPem, makeCa, makeLeaf } from "../../helpers/certs";
import { makeCrl } from "../../helpers/crls";
import { get, startHooliRevocations } from "../../helpers/local-client";

describe("revoking a partner's intermediate CA end to end in local mode", function () {
    let local: LocalRun;
    let dir: string;
    let customerPath: string;
    let belowRevoked: Issued;
    let belowCurrent: Issued;
    const log: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-chain-revocation-"));
        const root = await makeCa("CN=Hooli Root CA, O=Hooli");
        const [compromised, current] = await Promise.all(["1", "2"].map((n) => makeCa(`CN=Hooli Issuing CA ${n}, O=Hooli`, { issuer: root })));
        belowRevoked = await makeLeaf("CN=hooli-one", compromised);
        belowCurrent = await makeLeaf("CN=hooli-two", current);
        fs.writeFileSync(path.join(dir, "hooli-ca.pem"), root.pem + compromised.pem + current.pem);
        fs.writeFileSync(path.join(dir, "hooli.crl.pem"), await makeCrl(root, [{ serial: compromised.cert.serialNumber, reason: x509.X509CrlReason.cACompromise }]));
        ({ local, customerPath } = await startHooliRevocations(dir, "01", log));
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("answers 403 to a certificate of the revoked intermediate, though mutual TLS accepts it", async () => {
        const reply = await get(local, customerPath, { cert: belowRevoked.pem, key: await keyPem(belowRevoked) });
        assert.equal(reply.status, 403, reply.body);
        assert.ok(log.some((line) => line.includes("revoked: cACompromise (CRL), on CA certificate")), "the authorizer logged why");
    });

    it("lets a certificate of the partner's other intermediate in", async () => {
        const reply = await get(local, customerPath, { cert: belowCurrent.pem, key: await keyPem(belowCurrent) });
        assert.equal(reply.status, 200, reply.body);
        assert.equal(JSON.parse(reply.body ?? "null").partner, "hooli");
    });
});
