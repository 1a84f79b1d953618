// The PKI state of local mode on its own: what it keeps, makes again and drops between two runs of
// the program, and how it keeps the file that holds the private keys.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalError } from "../../../tools/local/folder";
import { inputsHash, PkiState } from "../../../tools/local/pki-state";
import { resourceTypes } from "../../../core/resource-types";
import type { TlsProps } from "../../../tools/simulator/tls";

const keyUrn = "urn:pulumi:dev::apigw-mtls::tls:index/privateKey:PrivateKey::pki-root-key";
const rootUrn = "urn:pulumi:dev::apigw-mtls::tls:index/selfSignedCert:SelfSignedCert::pki-root";
const keyInputs: TlsProps = { algorithm: "ECDSA", ecdsaCurve: "P256" };

function rootInputs(privateKeyPem: string, overrides: TlsProps = {}): TlsProps {
    return { privateKeyPem, subject: { commonName: "Example Corp partner root CA", organization: "Example Corp" }, validityPeriodHours: 24, isCaCertificate: true, allowedUses: ["cert_signing"], ...overrides };
}

/** One run of a program that declares a root key and its self-signed certificate. */
async function declareRoot(state: PkiState, overrides: TlsProps = {}): Promise<{ keyPem: string; certPem: string }> {
    const key = await state.make(keyUrn, resourceTypes.tlsPrivateKey, keyInputs);
    const cert = await state.make(rootUrn, resourceTypes.tlsSelfSignedCert, rootInputs(String(key.privateKeyPem), overrides));
    return { keyPem: String(key.privateKeyPem), certPem: String(cert.certPem) };
}

describe("local mode's PKI state", () => {
    let dir: string;
    let file: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-pki-state-"));
        file = path.join(dir, "state", "pki.json");
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives a second run the keys and certificates of the first, and reports them kept", async () => {
        const first = PkiState.load(file);
        const made = await declareRoot(first);
        first.save();
        const second = PkiState.load(file);
        assert.deepEqual(await declareRoot(second), made);
        assert.deepEqual([...second.summary().values()], ["kept", "kept"]);
    });

    it("makes a resource again when an input that forces replacement changed, and what is made from it", async () => {
        const first = PkiState.load(file);
        const made = await declareRoot(first);
        first.save();
        const second = PkiState.load(file);
        const again = await declareRoot(second, { validityPeriodHours: 48 });
        assert.equal(again.keyPem, made.keyPem);
        assert.notEqual(again.certPem, made.certPem);
        assert.deepEqual(Object.fromEntries(second.summary()), { [keyUrn]: "kept", [rootUrn]: "replaced" });
    });

    it("keeps a certificate whose earlyRenewalHours alone changed, as the provider updates it in place", async () => {
        const first = PkiState.load(file);
        const made = await declareRoot(first);
        first.save();
        assert.deepEqual(await declareRoot(PkiState.load(file), { earlyRenewalHours: 2 }), made);
    });

    it("renews a certificate past its validity end less earlyRenewalHours, as the provider's ready_for_renewal does", async () => {
        const first = PkiState.load(file);
        const made = await declareRoot(first, { earlyRenewalHours: 1 });
        first.save();
        const inTheLastHour = PkiState.load(file, { now: () => new Date(Date.now() + 23.5 * 3600_000) });
        const again = await declareRoot(inTheLastHour, { earlyRenewalHours: 1 });
        assert.notEqual(again.certPem, made.certPem);
        assert.equal(inTheLastHour.summary().get(rootUrn), "replaced");
    });

    it("drops what the program no longer declares, from the summary's view and from the file", async () => {
        const first = PkiState.load(file);
        await declareRoot(first);
        first.save();
        const second = PkiState.load(file);
        await second.make(keyUrn, resourceTypes.tlsPrivateKey, keyInputs);
        second.save();
        assert.equal(second.summary().get(rootUrn), "dropped");
        assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(file, "utf8")).resources), [keyUrn]);
    });

    it("makes everything new with fresh", async () => {
        const first = PkiState.load(file);
        const made = await declareRoot(first);
        first.save();
        const fresh = PkiState.load(file, { fresh: true });
        const again = await declareRoot(fresh);
        assert.notEqual(again.keyPem, made.keyPem);
        assert.deepEqual([...fresh.summary().values()], ["created", "created"]);
    });

    it("writes the file readable by its owner only, and stores no input, so a certificate's signing key appears once", async () => {
        const state = PkiState.load(file);
        const { keyPem } = await declareRoot(state);
        state.save();
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        const text = fs.readFileSync(file, "utf8");
        assert.equal(text.split(JSON.stringify(keyPem).slice(1, -1)).length - 1, 1);
    });

    it("hashes inputs whatever their key order and without earlyRenewalHours, and tells a changed one", () => {
        const inputs = rootInputs("KEY");
        const reordered = Object.fromEntries(Object.entries(inputs).reverse());
        const type = resourceTypes.tlsSelfSignedCert;
        assert.equal(inputsHash(type, reordered), inputsHash(type, inputs));
        assert.equal(inputsHash(type, { ...inputs, earlyRenewalHours: 5 }), inputsHash(type, inputs));
        assert.notEqual(inputsHash(type, rootInputs("KEY", { subject: { commonName: "Example Corp partner root CA G2" } })), inputsHash(type, inputs));
    });

    it("refuses a file that is not its state, naming the file and --fresh", () => {
        fs.mkdirSync(path.dirname(file));
        fs.writeFileSync(file, "{\"resources\": []}");
        assert.throws(() => PkiState.load(file), (error: Error) => error instanceof LocalError && error.message === `${file} is not local mode's PKI state (no version 1 resources); restore it, or start with --fresh for a new PKI (new keys and certificates for every partner)`);
        fs.writeFileSync(file, "{");
        assert.throws(() => PkiState.load(file), /not JSON\); restore it, or start with --fresh/);
    });
});
