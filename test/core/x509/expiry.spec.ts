import { strict as assert } from "node:assert";
import { expiryOf, partnerExpiryWarnings } from "../../../core/x509/expiry";
import { daysFrom, makeCa, makeLeaf, toBundle } from "../../helpers/certs";

describe("certificate expiry", () => {
    it("lists every truststore CA and issued partner certificate with its end, soonest first", async () => {
        const now = new Date();
        const root = await makeCa("CN=Root CA, O=Example", { notAfter: daysFrom(now, 700) });
        const partner = await makeLeaf("CN=acme", root, { notAfter: daysFrom(now, 20) });
        const entries = expiryOf(toBundle([root]), { "acme-bank": partner.pem });
        assert.deepEqual(entries.map((e) => [e.kind, e.name]), [["partner", "acme-bank"], ["truststore", "CN=Root CA, O=Example"]]);
        assert.equal(entries[0].notAfter, partner.cert.notAfter.toISOString());
    });

    it("warns about a partner certificate within the window, with the fix, and not about one outside it", () => {
        const now = new Date("2026-01-01T00:00:00Z");
        const entries = [
            { kind: "partner" as const, name: "acme-bank", notAfter: "2026-01-21T00:00:00.000Z" },
            { kind: "partner" as const, name: "initech", notAfter: "2026-06-01T00:00:00.000Z" },
            { kind: "truststore" as const, name: "CN=Root CA", notAfter: "2026-01-05T00:00:00.000Z" },
        ];
        assert.deepEqual(partnerExpiryWarnings(entries, 30, now), [
            'the certificate of partner "acme-bank" expires on 2026-01-21T00:00:00.000Z, in 20 day(s); bump its partners[].generation, run pulumi up and hand the partner its new certificate (and key, if we generated it)',
        ]);
        assert.deepEqual(partnerExpiryWarnings(entries, 10, now), []);
    });
});
