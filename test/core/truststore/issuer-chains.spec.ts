import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decide, issuerId, normaliseSerial, partnerNames, revocationList } from "../../../core/authorizer/decision";
import { parseRevokedSerials } from "../../../core/config/revocation";
import { issuerChains } from "../../../core/truststore/issuer-chains";
import { verifyCrls } from "../../../core/x509/crl";
import { Issued, makeCa, makeLeaf, toBundle } from "../../helpers/certs";
import { makeCrl } from "../../helpers/crls";

const serialOf = (issued: Issued) => normaliseSerial(new X509Certificate(issued.pem).serialNumber) as string;
const idOf = (issued: Issued) => issuerId(new X509Certificate(issued.pem).subject);

describe("revoking a CA above a client certificate (core/truststore/issuer-chains.ts)", () => {
    let root: Issued;
    let intermediate: Issued;
    let sibling: Issued;
    let leaf: Issued;
    let siblingLeaf: Issued;
    let bundle: string;
    before(async () => {
        root = await makeCa("CN=Hooli Root CA, O=Hooli");
        intermediate = await makeCa("CN=Hooli Issuing CA 1, O=Hooli", { issuer: root });
        sibling = await makeCa("CN=Hooli Issuing CA 2, O=Hooli", { issuer: root });
        leaf = await makeLeaf("CN=hooli-client, O=Hooli", intermediate);
        siblingLeaf = await makeLeaf("CN=hooli-client-2, O=Hooli", sibling);
        bundle = toBundle([root, intermediate, sibling]);
    });

    /** The decision on `client` with these revocations, the partner's CA file being the whole bundle. */
    function decision(client: Issued, list: ReturnType<typeof revocationList>) {
        return decide(client.pem, list, partnerNames({}, [{ name: "hooli", caCertPem: bundle }]), new Date());
    }

    it("lists each issuing CA's certificate and every CA above it, up to the root", () => {
        const chains = issuerChains(bundle);
        assert.deepEqual(chains[idOf(intermediate)], [{ issuer: idOf(root), serial: serialOf(intermediate) }, { issuer: idOf(root), serial: serialOf(root) }]);
        assert.deepEqual(chains[idOf(root)], [{ issuer: idOf(root), serial: serialOf(root) }]);
    });

    it("denies the leaves of an intermediate that the root's verified CRL revokes, and no other", async () => {
        const crl = await makeCrl(root, [{ serial: serialOf(intermediate) }]);
        const [verified] = await verifyCrls([crl], bundle, "partners/hooli.crl");
        const list = revocationList([], verified.revocations, issuerChains(bundle));
        assert.deepEqual(decision(leaf, list), { effect: "Deny", reason: `revoked: unspecified (CRL), on CA certificate ${serialOf(intermediate)} above it`, partner: "hooli", serial: serialOf(leaf) });
        assert.equal(decision(siblingLeaf, list).effect, "Allow");
    });

    it("denies the leaves of an intermediate or a root that revokedSerials names", () => {
        const byIntermediate = revocationList(parseRevokedSerials(JSON.stringify([{ serial: serialOf(intermediate), reason: "CA key leaked" }])), [], issuerChains(bundle));
        assert.equal(decision(leaf, byIntermediate).reason, `revoked: CA key leaked, on CA certificate ${serialOf(intermediate)} above it`);
        assert.equal(decision(siblingLeaf, byIntermediate).effect, "Allow");
        const byRoot = revocationList(parseRevokedSerials(JSON.stringify([{ serial: serialOf(root), reason: "partner offboarded" }])), [], issuerChains(bundle));
        assert.deepEqual([decision(leaf, byRoot).effect, decision(siblingLeaf, byRoot).effect], ["Deny", "Deny"]);
    });

    it("agrees with openssl verify -crl_check_all on a CRL revoking the intermediate", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "issuer-chains-"));
        try {
            const file = (name: string, text: string) => {
                fs.writeFileSync(path.join(dir, name), text);
                return path.join(dir, name);
            };
            const rootCrl = file("root.crl", await makeCrl(root, [{ serial: serialOf(intermediate) }]));
            const issuingCrl = file("issuing.crl", await makeCrl(intermediate, []));
            const args = ["verify", "-crl_check_all", "-CAfile", file("root.pem", root.pem), "-untrusted", file("issuing.pem", intermediate.pem),
                "-CRLfile", rootCrl, "-CRLfile", issuingCrl, file("leaf.pem", leaf.pem)];
            assert.throws(() => execFileSync("openssl", args, { stdio: "pipe" }), (error: { stdout?: Buffer; stderr?: Buffer }) =>
                /certificate revoked/.test(String(error.stdout) + String(error.stderr)));
            const verified = await verifyCrls([fs.readFileSync(rootCrl, "utf8")], bundle, "partners/hooli.crl");
            assert.equal(decision(leaf, revocationList([], verified[0].revocations, issuerChains(bundle))).effect, "Deny");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
