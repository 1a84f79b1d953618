import { strict as assert } from "node:assert";
import { ExternalPartner, Partner } from "../../../core/config/partners";
import { partnersByIssuer, refuseSharedCas } from "../../../core/config/partner-kinds";
import { ConfigError } from "../../../core/config/values";
import { makeCa } from "../../helpers/certs";

function external(name: string, caCertFile: string, caCertPem: string): ExternalPartner {
    return { kind: "external", name, caCertFile, caCertPem, access: [] };
}

describe("partner kinds (core/config/partner-kinds.ts)", () => {
    let globex: string;
    let initech: string;
    before(async () => {
        globex = (await makeCa("CN=Globex Partner CA")).pem;
        initech = (await makeCa("CN=Initech Partner CA")).pem;
    });

    it("splits partners by who issues their certificates, keeping their order", () => {
        const partners: Partner[] = [external("globex", "partners/globex.pem", globex), { kind: "generated", name: "acme-bank", commonName: "acme-bank", organization: "acme-bank", generation: 1, access: [] }];
        const { issued, ownCa } = partnersByIssuer(partners);
        assert.deepEqual([issued.map((p) => p.name), ownCa.map((p) => p.name)], [["acme-bank"], ["globex"]]);
    });

    it("accepts partners that each bring a CA of their own", () =>
        assert.doesNotThrow(() => refuseSharedCas([external("globex", "partners/globex.pem", globex), external("initech", "partners/initech.pem", initech)])));

    it("refuses two partners given the same CA file, in one line naming both partners and the file", () =>
        assert.throws(() => refuseSharedCas([external("globex", "partners/globex.pem", globex), external("hooli", "partners/globex.pem", globex)]), (error: unknown) => {
            assert.ok(error instanceof ConfigError);
            assert.equal(error.message, 'partners "globex" and "hooli" are both given the CA "CN=Globex Partner CA" (caCertFile "partners/globex.pem"), so its certificates would count as one partner\'s, on that partner\'s key and plan; give the CA to one partner only');
            return true;
        }));

    it("refuses the same CA in two files, and a CA that is one of several in a partner's file, naming both files", () =>
        assert.throws(() => refuseSharedCas([external("globex", "partners/globex.pem", globex), external("hooli", "partners/hooli.pem", initech + globex)]),
            /partners "globex" and "hooli" are both given the CA "CN=Globex Partner CA" \(caCertFile "partners\/globex.pem" and "partners\/hooli.pem"\)/));
});
