import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CsrError, csrFix, CsrProblem, readCertificateRequest, requestCommand } from "../../../core/x509/csr";
import { describeKey, keyRefusal, shapeOf } from "../../../core/x509/key-rules";
import { x509 } from "../../../core/x509/x509";
import { makeKey, sharedKey } from "../../helpers/certs";
import { makeRequest, withBrokenSignature } from "../../helpers/csrs";

const subject = "CN=hooli.partners.example.com, O=Hooli";

/** Asserts that the text is refused with `problem` and a message matching `message`. */
function refuses(text: string, problem: CsrProblem, message: RegExp): void {
    assert.throws(() => readCertificateRequest(text), (error: unknown) => {
        assert.ok(error instanceof CsrError, `expected a CsrError, got ${String(error)}`);
        assert.equal(error.problem, problem);
        assert.match(error.message, message);
        return true;
    });
}

describe("partner certificate requests (core/x509/csr.ts)", () => {
    it("accepts a P-256 request and returns its one PEM block", async () => {
        const { pem } = await makeRequest(subject);
        assert.equal(readCertificateRequest(pem), pem);
    });

    it("accepts RSA-2048 and P-384 requests", async () => {
        for (const kind of ["rsa2048", "p384"] as const) {
            const { pem } = await makeRequest(subject, { key: await sharedKey(kind) });
            assert.equal(readCertificateRequest(pem), pem, kind);
        }
    });

    it("keeps only the block of a file that has text around it, as `openssl req -text` writes", async () => {
        const { pem } = await makeRequest(subject);
        assert.equal(readCertificateRequest(`Certificate Request:\n    Data: ...\n${pem}trailing notes\n`), pem);
    });

    it("accepts the repository's example request, made by openssl", () => {
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "..", "partners", "vandelay.csr"), "utf8");
        assert.match(new x509.Pkcs10CertificateRequest(readCertificateRequest(text)).subject, /CN=vandelay\.partners\.example\.com/);
    });

    describe("made with the openssl command the messages give", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "csr-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("accepts the request of requestCommand, for the key it writes beside it", () => {
            // The command as a partner pastes it into a shell.
            execFileSync("sh", ["-c", requestCommand("hooli").replace("<organization>", "Hooli")], { cwd: dir, stdio: "pipe" });
            const pem = readCertificateRequest(fs.readFileSync(path.join(dir, "hooli.csr"), "utf8"));
            const fromKey = createPublicKey(fs.readFileSync(path.join(dir, "hooli.key"), "utf8")).export({ type: "spki", format: "der" });
            assert.ok(Buffer.from(new x509.Pkcs10CertificateRequest(pem).publicKey.rawData).equals(fromKey));
        });

        it("verifies an RSA-PSS self-signature", () => {
            const pem = execFileSync("openssl", ["req", "-new", "-newkey", "rsa:2048", "-sigopt", "rsa_padding_mode:pss", "-nodes", "-keyout", path.join(dir, "pss.key"), "-subj", "/CN=pss"], { encoding: "utf8", stdio: "pipe" });
            assert.equal(readCertificateRequest(pem), pem);
            refuses(withBrokenSignature(pem), "bad-signature", /does not verify/);
        });

        it("refuses a file that holds the partner's key with its request, as openssl writes when -keyout and -out name one file", () => {
            const file = path.join(dir, "both.csr");
            execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file, "-subj", "/CN=both"], { stdio: "pipe" });
            fs.appendFileSync(file, execFileSync("openssl", ["req", "-new", "-key", file, "-subj", "/CN=both"], { encoding: "utf8", stdio: "pipe" }));
            refuses(fs.readFileSync(file, "utf8"), "private-key", /^holds a private key \(a PRIVATE KEY block\) besides the request: the partner's key must not be here/);
            assert.match(csrFix("private-key", "both"), /^delete the key from the file and from the repository's history/);
        });
    });

    it("refuses a file with no request block, naming the label it needs", () =>
        refuses("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "no-request", /^holds no PEM certificate request \(a "-----BEGIN CERTIFICATE REQUEST-----" block\)$/));

    it("refuses a file with two requests", async () => {
        const [one, two] = [await makeRequest(subject), await makeRequest(subject)];
        refuses(one.pem + two.pem, "several-requests", /^holds 2 certificate requests, not one$/);
    });

    it("refuses a request that does not parse", () =>
        refuses("-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n", "unparseable", /^holds a certificate request that does not parse$/));

    it("refuses a request whose signature does not verify with its own key", async () =>
        refuses(withBrokenSignature((await makeRequest(subject)).pem), "bad-signature", /^has a signature that does not verify with its own public key, so it does not prove that its sender holds the private key/));

    for (const [kind, message] of [
        ["rsa1024", /^is for an RSA key of 1024 bits: API Gateway needs RSA keys of at least 2048 bits$/],
        ["p521", /^is for an ECDSA key on P-521: API Gateway accepts only the P-256 and P-384 curves$/],
        ["ed25519", /^is for an Ed25519 key: API Gateway does not accept Ed25519 keys$/],
    ] as const) {
        it(`refuses a request for a key API Gateway does not accept: ${kind}`, async () =>
            refuses((await makeRequest(subject, { key: await sharedKey(kind) })).pem, "unaccepted-key", message));
    }

    it("refuses a request that asks to be a CA", async () =>
        refuses((await makeRequest(subject, { asksToBeCa: true })).pem, "ca-request", /^asks to be a CA \(basicConstraints CA:TRUE among its requested extensions\)/));

    it("checks the key before the signature, so a weak key is named even when the file was altered", async () =>
        refuses(withBrokenSignature((await makeRequest(subject, { key: await makeKey("rsa1024") })).pem), "unaccepted-key", /RSA key of 1024 bits/));

    it("gives every problem a fix with the openssl command for the partner, and a CA request a word on what to leave out", () => {
        const problems: CsrProblem[] = ["private-key", "no-request", "several-requests", "unparseable", "unaccepted-key", "bad-signature", "ca-request"];
        for (const problem of problems) {
            assert.ok(csrFix(problem, "hooli").includes(`\`${requestCommand("hooli")}\``), problem);
        }
        assert.match(csrFix("ca-request", "hooli"), /without basicConstraints CA:TRUE/);
        assert.match(csrFix("no-request", "hooli"), /openssl req -inform der -in hooli\.der -out hooli\.csr/);
        assert.equal(requestCommand("hooli"), 'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout hooli.key -out hooli.csr -subj "/CN=hooli.partners.example.com/O=<organization>"');
    });
});

describe("keys API Gateway accepts (core/x509/key-rules.ts)", () => {
    it("accepts RSA of 2048 bits and more, and ECDSA on P-256 and P-384", () => {
        for (const shape of [{ type: "rsa", bits: 2048 }, { type: "rsa", bits: 8192 }, { type: "ec", curve: "P-256" }, { type: "ec", curve: "P-384" }] as const) {
            assert.equal(keyRefusal(shape), undefined, JSON.stringify(shape));
        }
    });

    it("refuses smaller RSA keys, other curves and other families, saying why", () => {
        assert.equal(keyRefusal({ type: "rsa", bits: 1024 }), "API Gateway needs RSA keys of at least 2048 bits");
        assert.equal(keyRefusal({ type: "ec", curve: "P-521" }), "API Gateway accepts only the P-256 and P-384 curves");
        assert.equal(keyRefusal({ type: "other", name: "Ed25519" }), "API Gateway does not accept Ed25519 keys");
    });

    it("reads the shape of Node.js keys, with NIST curve names", () => {
        assert.deepEqual(shapeOf(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey), { type: "ec", curve: "P-384" });
        assert.deepEqual(shapeOf(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey), { type: "ec", curve: "secp256k1" });
        assert.deepEqual(shapeOf(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey), { type: "rsa", bits: 1024 });
        assert.deepEqual(shapeOf(generateKeyPairSync("ed25519").publicKey), { type: "other", name: "Ed25519" });
        assert.equal(describeKey(shapeOf(generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).publicKey)), "a DSA key");
    });
});
