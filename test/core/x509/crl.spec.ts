import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { CrlError, staleCrlWarning, verifyCrls } from "../../../core/x509/crl";
import { x509 } from "../../../core/x509/x509";
import { issuerId, normaliseSerial } from "../../../core/authorizer/decision";
import { daysFrom, Issued, makeCa, makeCert, makeLeaf, toBundle } from "../../helpers/certs";
import { makeCrl } from "../../helpers/crls";
import { makeCrlWithSerials, makeLeafWithSerial } from "../../helpers/raw-serials";

describe("CRL verification", () => {
    let ca: Issued;
    let leaf: Issued;
    let otherCa: Issued;
    before(async () => {
        ca = await makeCa("CN=Globex Partner CA, O=Globex");
        leaf = await makeLeaf("CN=globex-client", ca);
        otherCa = await makeCa("CN=Initech Partner CA, O=Initech");
    });

    it("takes each revoked serial of a CRL its CA signed, for that CA only, with the CRL's reason", async () => {
        const crl = await makeCrl(ca, [{ serial: leaf.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }, { serial: "00ff" }]);
        const [verified] = await verifyCrls([crl], toBundle([otherCa, ca]), "partners/globex.crl.pem");
        const id = issuerId(new X509Certificate(ca.pem).subject);
        assert.equal(verified.issuer, "CN=Globex Partner CA, O=Globex");
        assert.deepEqual(verified.revocations, [
            { issuerId: id, serial: normaliseSerial(leaf.cert.serialNumber), reason: "keyCompromise (CRL)" },
            { issuerId: id, serial: "FF", reason: "unspecified (CRL)" },
        ]);
        assert.equal(id, issuerId(new X509Certificate(leaf.pem).issuer), "the authorizer finds the same issuer id on the client certificate");
    });

    it("reads a CRL entry with a negative serial as the certificate's serial, apart from the positive serial of the same octets", async () => {
        const negative = await makeLeafWithSerial("CN=globex-negative", ca, "f5e4d4");
        const crl = await makeCrlWithSerials(ca, ["f5e4d4", "00f5e4d4"]);
        const [verified] = await verifyCrls([crl], ca.pem, "partners/globex.crl.pem");
        assert.deepEqual(verified.revocations.map((r) => r.serial), ["-A1B2C", "F5E4D4"]);
        assert.equal(verified.revocations[0].serial, normaliseSerial(new X509Certificate(negative.pem).serialNumber));
    });

    it("refuses a CRL from a CA that is not in the truststore", async () => {
        const crl = await makeCrl(ca, [{ serial: "01" }]);
        await assert.rejects(verifyCrls([crl], otherCa.pem, "globex.crl.pem"), (error: unknown) => {
            assert.ok(error instanceof CrlError);
            assert.match(error.message, /^crlFile "globex.crl.pem" \(CRL 1, issued by "CN=Globex Partner CA, O=Globex"\) comes from a CA that is not in the truststore/);
            return true;
        });
    });

    it("refuses a CRL signed by another key than the truststore CA of its issuer's name", async () => {
        const impostor = await makeCa("CN=Globex Partner CA, O=Globex");
        const crl = await makeCrl(ca, [{ serial: "01" }], { signer: impostor });
        await assert.rejects(verifyCrls([crl], ca.pem, "globex.crl.pem"), /has a signature that no CA of that name in the truststore verifies; fetch the CRL again/);
    });

    it("refuses a CRL whose signing CA may not sign CRLs", async () => {
        const certOnly = await makeCert({ subject: "CN=Cert-only CA", keyUsage: x509.KeyUsageFlags.keyCertSign });
        const crl = await makeCrl(certOnly, [{ serial: "01" }]);
        await assert.rejects(verifyCrls([crl], certOnly.pem, "c.pem"), /key usage does not include cRLSign/);
    });

    it("warns about a CRL past its next update, and not about a current one", async () => {
        const old = await makeCrl(ca, [], { thisUpdate: daysFrom(new Date(), -30), nextUpdate: daysFrom(new Date(), -2) });
        const current = await makeCrl(ca, []);
        const [stale, fresh] = await verifyCrls([old, current], ca.pem, "globex.crl.pem");
        assert.match(staleCrlWarning(stale, "globex.crl.pem", new Date()) ?? "", /^crlFile "globex.crl.pem": the CRL of "CN=Globex Partner CA, O=Globex" was due for renewal on .*; fetch the current CRL/);
        assert.equal(staleCrlWarning(fresh, "globex.crl.pem", new Date()), undefined);
    });
});
