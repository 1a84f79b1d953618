import * as assert from "node:assert/strict";
import { generateKeyPairSync, webcrypto } from "node:crypto";
import { acceptsClient, createClientVerifier } from "../../../core/truststore/client-verifier";
import { Finding, formatFinding, hasErrors } from "../../../core/truststore/findings";
import { checkTruststore } from "../../../core/truststore/check";
import { x509 } from "../../../core/x509/x509";
import { daysFrom, Issued, keyPem, makeCa, makeCaChain, makeCert, makeKey, makeLeaf, sharedKey, toBundle } from "../../helpers/certs";

const now = new Date();

function codes(findings: readonly Finding[]): string[] {
    return findings.map((finding) => finding.code);
}

function codesOf(findings: readonly Finding[], subject: string): string[] {
    return findings.filter((finding) => finding.subject === subject).map((finding) => finding.code);
}

/** Fails when the findings repeat any 8 characters in a row of `lines` (text of the input). */
function assertQuotesNone(findings: readonly Finding[], lines: readonly string[]): void {
    const said = findings.map(formatFinding).join("\n");
    for (const line of lines) {
        for (let at = 0; at + 8 <= line.length; at++) {
            assert.ok(!said.includes(line.slice(at, at + 8)), `a finding quotes the input: ${said}`);
        }
    }
}

/** The base64 lines of a PEM block, without its BEGIN and END lines. */
function pemBody(pem: string): string[] {
    return pem.trim().split("\n").slice(1, -1);
}

describe("truststore rules", () => {
    let root: Issued;
    let intermediate: Issued;
    let partner: Issued;
    let good: string;

    before(async () => {
        root = await makeCa("CN=Root CA, O=Test");
        intermediate = await makeCert({ subject: "CN=Intermediate CA, O=Test", issuer: root });
        partner = await makeLeaf("CN=partner-a, O=Partner", intermediate);
        good = toBundle([root, intermediate]);
    });

    describe("checkTruststore", () => {
        it("finds nothing in a root and an intermediate CA", async () => {
            assert.deepEqual(await checkTruststore(good, { now }), []);
        });

        describe("PEM format", () => {
            it("rejects a private-key block", async () => {
                const key = await makeKey("p256");
                const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key.pair.privateKey);
                const findings = await checkTruststore(good + x509.PemConverter.encode(pkcs8, "PRIVATE KEY") + "\n", { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["private-key-block", "block #3"]]);
            });

            it("rejects a block of another type", async () => {
                const findings = await checkTruststore(good + "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n", { now });
                assert.deepEqual(codes(findings), ["unexpected-block"]);
            });

            it("rejects text outside the blocks, naming its lines and not what they say", async () => {
                const findings = await checkTruststore(`subject=CN=Root CA\n${good}trailing words\n`, { now });
                assert.deepEqual(codes(findings), ["stray-text"]);
                assert.match(findings[0].message, /other text on line\(s\) 1, \d+;/);
                assertQuotesNone(findings, ["subject=CN=Root CA", "trailing words"]);
            });

            it("reports a private key's base64 pasted without its BEGIN line by line and kind, never quoting it", async () => {
                const lines = (await keyPem(partner)).trim().split("\n");
                const first = good.split("\n").length;
                const last = first + lines.length - 3;
                const findings = await checkTruststore(good + lines.slice(1).join("\n") + "\n", { now });
                assert.deepEqual(codes(findings), ["stray-text"]);
                assert.match(findings[0].message, new RegExp(`base64 text on line\\(s\\) ${first}-${last}, an END line without its BEGIN line on line\\(s\\) ${last + 1};`));
                assert.match(findings[0].message, /if it is a private key, delete it and replace that key/);
                assertQuotesNone(findings, lines.slice(1, -1));
            });

            it("rejects a CERTIFICATE block that holds a private key as a private key, without quoting it", async () => {
                const body = pemBody(await keyPem(partner));
                const findings = await checkTruststore(`${good}-----BEGIN CERTIFICATE-----\n${body.join("\n")}\n-----END CERTIFICATE-----\n`, { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["private-key-block", "block #3"]]);
                assert.match(findings[0].message, /^line \d+ begins a CERTIFICATE block that holds a private key/);
                assertQuotesNone(findings, body);
            });

            it("names a block whose label is not a PEM type by its line, not by its label", async () => {
                const label = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
                const findings = await checkTruststore(`${good}-----BEGIN ${label}-----\nMAA=\n-----END ${label}-----\n`, { now });
                assert.deepEqual(codes(findings), ["unexpected-block"]);
                assert.match(findings[0].message, /^line \d+ begins a block with a label that is not a PEM type;/);
                assertQuotesNone(findings, [label]);
            });

            it("rejects a DER file", async () => {
                const findings = await checkTruststore(Buffer.from(root.cert.rawData).toString("latin1"), { now });
                assert.deepEqual(codes(findings), ["not-pem"]);
                assert.match(findings[0].message, /DER/);
            });

            it("rejects an empty file", async () => {
                assert.deepEqual(codes(await checkTruststore("\n", { now })), ["not-pem"]);
            });

            it("rejects truncated base64", async () => {
                const lines = root.pem.split("\n");
                lines[3] = lines[3].slice(0, 30);
                const findings = await checkTruststore(lines.join("\n") + intermediate.pem, { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["corrupt-base64", "block #1"], ["missing-issuer", "CN=Intermediate CA, O=Test"]]);
            });

            it("rejects base64 that does not decode to a certificate", async () => {
                const lines = root.pem.split("\n");
                lines.splice(3, 1);
                const findings = await checkTruststore(lines.join("\n"), { now });
                assert.deepEqual(codes(findings), ["corrupt-certificate"]);
            });

            it("rejects a block without its END line, at the end or before another block", async () => {
                const cut = root.pem.slice(0, root.pem.indexOf("-----END"));
                assert.deepEqual(codesOf(await checkTruststore(intermediate.pem + cut, { now }), "block #2"), ["malformed-block"]);
                const findings = await checkTruststore(cut + intermediate.pem, { now });
                assert.deepEqual(codesOf(findings, "block #1"), ["malformed-block"]);
                assert.match(findings[0].message, /has no -----END CERTIFICATE----- line/);
            });

            it("rejects a block whose END line names another type", async () => {
                const findings = await checkTruststore(root.pem.replace("-----END CERTIFICATE-----", "-----END TRUSTED CERTIFICATE-----"), { now });
                assert.deepEqual(codes(findings), ["malformed-block"]);
                assert.match(findings[0].message, /begins as CERTIFICATE but ends as TRUSTED CERTIFICATE/);
            });
        });

        describe("size", () => {
            let thousand: Issued[];

            before(async () => {
                const key = await sharedKey("p256");
                const bigRoot = await makeCa("CN=Many Root, O=Test", { key });
                thousand = [bigRoot];
                for (let i = 1; i < 1000; i++) {
                    thousand.push(await makeCert({ subject: `CN=Partner CA ${i}, O=Test`, issuer: bigRoot, key }));
                }
            });

            it("accepts 1,000 certificates", async () => {
                assert.deepEqual(await checkTruststore(toBundle(thousand), { now }), []);
            });

            it("rejects 1,001 certificates", async () => {
                const extra = await makeCert({ subject: "CN=Partner CA 1000, O=Test", issuer: thousand[0], key: thousand[0].key });
                const findings = await checkTruststore(toBundle([...thousand, extra]), { now });
                assert.deepEqual(codes(findings), ["too-many-certificates"]);
                assert.match(findings[0].message, /1001 certificates/);
            });

            it("gets findings, not a stack overflow, for one PEM block of 8 MB", async () => {
                const block = `-----BEGIN CERTIFICATE-----\n${`${"A".repeat(64)}\n`.repeat(131_072)}-----END CERTIFICATE-----\n`;
                const findings = await checkTruststore(good + block, { now });
                assert.deepEqual(codes(findings), ["bundle-too-large"]);
                assert.ok(findings[0].message.startsWith(`is ${Buffer.byteLength(good + block)} bytes; API Gateway accepts at most 1048576 (1 MiB)`), findings[0].message);
            });

            it("gets findings, not a crash, for 20 MB of tiny blocks, without reading their certificates", async () => {
                const tiny = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
                const findings = await checkTruststore(tiny.repeat(Math.ceil(20 * 1_048_576 / tiny.length)), { now });
                assert.deepEqual(codes(findings), ["bundle-too-large", "too-many-certificates"]);
                assert.match(findings[0].message, /its certificates were not read$/);
            });

            it("lists at most 100 findings of one code and counts the rest in one more", async () => {
                const crls = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n".repeat(250);
                const findings = await checkTruststore(good + crls, { now });
                assert.deepEqual(codes(findings), Array<string>(101).fill("unexpected-block"));
                assert.deepEqual([findings[100].subject, findings[100].message], ["bundle", "150 more unexpected-block findings like the ones above, not listed; fix those and check again"]);
            });

            it("rejects a bundle over 1 MiB", async () => {
                const padding = new x509.Extension("1.3.6.1.4.1.55555.1", false, new Uint8Array(1_048_576).fill(65));
                const big = await makeCa("CN=Big CA, O=Test", { extensions: [padding] });
                const bundle = toBundle([big]);
                assert.ok(bundle.length > 1_048_576);
                assert.deepEqual(codes(await checkTruststore(bundle, { now })), ["bundle-too-large"]);
            });
        });

        describe("signature hash", () => {
            it("rejects a CA signed with SHA-1", async () => {
                const sha1 = await makeCa("CN=SHA1 CA, O=Test", { key: await sharedKey("rsa2048"), hash: "SHA-1" });
                const findings = await checkTruststore(sha1.pem, { now });
                assert.deepEqual(codes(findings), ["weak-signature-hash"]);
                assert.match(findings[0].message, /SHA-1/);
            });

            it("rejects an intermediate signed by its root with ECDSA and SHA-1", async () => {
                const weak = await makeCert({ subject: "CN=Weak Intermediate, O=Test", issuer: root, hash: "SHA-1" });
                assert.deepEqual(codesOf(await checkTruststore(root.pem + weak.pem, { now }), weak.cert.subject), ["weak-signature-hash"]);
            });

            it("rejects a certificate signed with MD5", async () => {
                const rsa = await makeCa("CN=MD5 CA, O=Test", { key: await sharedKey("rsa2048") });
                // sha256WithRSAEncryption (…1.1.11) and md5WithRSAEncryption (…1.1.4) differ in
                // their last byte; the signature no longer verifies, which the test accepts.
                const der = Buffer.from(rsa.cert.rawData);
                const sha256WithRsa = Buffer.from("2a864886f70d01010b", "hex");
                for (let at = der.indexOf(sha256WithRsa); at >= 0; at = der.indexOf(sha256WithRsa, at + 1)) {
                    der[at + sha256WithRsa.length - 1] = 0x04;
                }
                const findings = await checkTruststore(x509.PemConverter.encode(der, "CERTIFICATE"), { now });
                assert.deepEqual(codes(findings).sort(), ["bad-signature", "weak-signature-hash"]);
                assert.match(findings.find((f) => f.code === "weak-signature-hash")?.message ?? "", /MD5/);
            });

            it("accepts SHA-384 and SHA-512 signatures", async () => {
                const strong = await makeCa("CN=SHA384 CA, O=Test", { key: await sharedKey("p384"), hash: "SHA-384" });
                const stronger = await makeCert({ subject: "CN=SHA512 CA, O=Test", issuer: strong, hash: "SHA-512" });
                assert.deepEqual(await checkTruststore(toBundle([strong, stronger]), { now }), []);
            });
        });

        describe("key", () => {
            it("rejects an RSA-1024 key", async () => {
                const small = await makeCa("CN=RSA1024 CA, O=Test", { key: await sharedKey("rsa1024") });
                const findings = await checkTruststore(small.pem, { now });
                assert.deepEqual(codes(findings), ["weak-key"]);
                assert.match(findings[0].message, /1024 bits/);
            });

            it("accepts RSA-2048 and P-384 keys", async () => {
                const rsa = await makeCa("CN=RSA2048 CA, O=Test", { key: await sharedKey("rsa2048") });
                const p384 = await makeCert({ subject: "CN=P384 CA, O=Test", issuer: rsa, key: await sharedKey("p384") });
                assert.deepEqual(await checkTruststore(toBundle([rsa, p384]), { now }), []);
            });

            it("rejects a P-521 key", async () => {
                const p521 = await makeCert({ subject: "CN=P521 CA, O=Test", issuer: root, key: await sharedKey("p521") });
                const findings = await checkTruststore(root.pem + p521.pem, { now });
                assert.deepEqual(codes(findings), ["unsupported-key"]);
                assert.match(findings[0].message, /P-521/);
            });

            it("rejects an Ed25519 key and signature", async () => {
                const ed = await makeCa("CN=Ed25519 CA, O=Test", { key: await sharedKey("ed25519") });
                assert.deepEqual(codes(await checkTruststore(ed.pem, { now })).sort(), ["unsupported-key", "unsupported-signature"]);
            });

            it("rejects a DSA key", async () => {
                const dsa = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).publicKey;
                const cert = await x509.X509CertificateGenerator.create({
                    subject: "CN=DSA CA, O=Test",
                    issuer: root.cert.subject,
                    publicKey: dsa.export({ type: "spki", format: "der" }),
                    signingKey: root.key.pair.privateKey,
                    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
                    notBefore: daysFrom(now, -1),
                    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
                });
                const findings = await checkTruststore(root.pem + cert.toString("pem"), { now });
                assert.deepEqual(codes(findings), ["unsupported-key"]);
                assert.match(findings[0].message, /DSA/);
            });
        });

        describe("validity", () => {
            it("rejects an expired CA", async () => {
                const old = await makeCa("CN=Old CA, O=Test", { notBefore: daysFrom(now, -400), notAfter: daysFrom(now, -1) });
                assert.deepEqual(codes(await checkTruststore(old.pem, { now })), ["expired"]);
            });

            it("rejects a CA that is not valid yet", async () => {
                const future = await makeCa("CN=Future CA, O=Test", { notBefore: daysFrom(now, 2) });
                assert.deepEqual(codes(await checkTruststore(future.pem, { now })), ["not-yet-valid"]);
            });

            it("warns about a CA that expires within 30 days, and not with --warn-days 5", async () => {
                const soon = await makeCa("CN=Soon CA, O=Test", { notAfter: daysFrom(now, 10) });
                const findings = await checkTruststore(soon.pem, { now });
                assert.deepEqual(findings.map((f) => [f.severity, f.code]), [["warning", "expiring-soon"]]);
                assert.match(findings[0].message, /in 10 day/);
                assert.deepEqual(await checkTruststore(soon.pem, { now, warnDays: 5 }), []);
            });

            it("checks validity at the given time", async () => {
                assert.deepEqual(codes(await checkTruststore(good, { now: daysFrom(now, 400) })), ["expired", "expired"]);
            });
        });

        describe("chains", () => {
            it("rejects a CA whose intermediate is missing", async () => {
                const issuing = await makeCert({ subject: "CN=Issuing CA, O=Test", issuer: intermediate });
                const findings = await checkTruststore(root.pem + issuing.pem, { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["missing-issuer", "CN=Issuing CA, O=Test"]]);
                assert.match(findings[0].message, /CN=Intermediate CA, O=Test is not in the bundle/);
            });

            it("rejects a certificate whose signature does not verify with its issuer's key", async () => {
                const impostor = await makeCa("CN=Root CA, O=Test");
                const forged = await makeCert({ subject: "CN=Forged CA, O=Test", issuer: impostor });
                const findings = await checkTruststore(root.pem + forged.pem, { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["bad-signature", "CN=Forged CA, O=Test"]]);
            });

            it("rejects an issuer that is not a CA", async () => {
                const notCa = await makeCert({ subject: "CN=Not A CA, O=Test", issuer: root, ca: false });
                const issued = await makeCert({ subject: "CN=Below Leaf, O=Test", issuer: notCa });
                const findings = await checkTruststore(toBundle([root, notCa, issued]), { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["issuer-not-ca", "CN=Not A CA, O=Test"]]);
                assert.match(findings[0].message, /CA:FALSE/);
            });

            it("rejects an issuer whose keyUsage lacks keyCertSign", async () => {
                const noSign = await makeCert({ subject: "CN=No CertSign CA, O=Test", issuer: root, keyUsage: x509.KeyUsageFlags.digitalSignature });
                const issued = await makeCert({ subject: "CN=Below NoSign, O=Test", issuer: noSign });
                const findings = await checkTruststore(toBundle([root, noSign, issued]), { now });
                assert.deepEqual(codes(findings), ["issuer-not-ca"]);
                assert.match(findings[0].message, /keyCertSign/);
            });

            it("accepts an issuer without keyUsage (no restriction, RFC 5280 4.2.1.3)", async () => {
                const free = await makeCert({ subject: "CN=No KeyUsage CA, O=Test", issuer: root, keyUsage: null });
                const issued = await makeCert({ subject: "CN=Below Free, O=Test", issuer: free });
                assert.deepEqual(await checkTruststore(toBundle([root, free, issued]), { now }), []);
            });

            it("accepts four CA levels", async () => {
                assert.deepEqual(await checkTruststore(toBundle(await makeCaChain(4, "Four")), { now }), []);
            });

            it("rejects a fifth CA level", async () => {
                const findings = await checkTruststore(toBundle(await makeCaChain(5, "Five")), { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["chain-too-deep", "CN=Five 5, O=Test"]]);
                assert.match(findings[0].message, /level 5 under root CN=Five 1, O=Test/);
            });
        });

        describe("duplicates and conflicts", () => {
            it("warns about the same certificate twice", async () => {
                const findings = await checkTruststore(good + root.pem, { now });
                assert.deepEqual(findings.map((f) => [f.severity, f.code, f.subject]), [["warning", "duplicate-certificate", "CN=Root CA, O=Test"]]);
                assert.equal(hasErrors(findings), false);
            });

            it("rejects two certificates with the same subject and different keys", async () => {
                const other = await makeCa("CN=Root CA, O=Test");
                const findings = await checkTruststore(good + other.pem, { now });
                assert.deepEqual(findings.map((f) => [f.code, f.subject]), [["subject-key-conflict", "CN=Root CA, O=Test"]]);
            });

            it("accepts a renewed CA with the same subject and key", async () => {
                const renewed = await makeCa("CN=Root CA, O=Test", { key: root.key, notAfter: daysFrom(now, 700) });
                assert.deepEqual(await checkTruststore(good + renewed.pem, { now }), []);
            });

            it("warns about a self-signed certificate that is not a CA", async () => {
                const selfSigned = await makeCa("CN=Lonely Client, O=Test", { ca: false });
                const findings = await checkTruststore(good + selfSigned.pem, { now });
                assert.deepEqual(findings.map((f) => [f.severity, f.code, f.subject]), [["warning", "self-signed-leaf", "CN=Lonely Client, O=Test"]]);
            });
        });
    });

    describe("hasErrors and formatFinding", () => {
        it("tells errors from warnings", () => {
            const warning: Finding = { severity: "warning", code: "expiring-soon", subject: "CN=A", message: "m" };
            assert.equal(hasErrors([warning]), false);
            assert.equal(hasErrors([warning, { ...warning, severity: "error" }]), true);
        });

        it("formats a finding as one line", () => {
            assert.equal(formatFinding({ severity: "error", code: "expired", subject: "CN=A, O=B", message: "expired on X; renew it" }), "error expired CN=A, O=B: expired on X; renew it");
        });

        it("keeps a finding on one line when a subject holds control characters", () => {
            const line = formatFinding({ severity: "error", code: "expired", subject: "CN=A\nerror forged \u001b[2J", message: "expired on X; renew it" });
            assert.equal(line, "error expired CN=A\\u000aerror forged \\u001b[2J: expired on X; renew it");
        });
    });

    describe("client verification", () => {
        it("accepts a client certificate issued by an intermediate in the truststore", async () => {
            const verdict = await acceptsClient(good, partner.pem, now);
            assert.deepEqual(verdict, {
                accepted: true,
                reason: "chains to CN=Root CA, O=Test",
                chain: ["CN=partner-a, O=Partner", "CN=Intermediate CA, O=Test", "CN=Root CA, O=Test"],
            });
        });

        it("refuses a client certificate from an unknown CA", async () => {
            const stranger = await makeLeaf("CN=stranger", await makeCa("CN=Unknown CA, O=Elsewhere"));
            const verdict = await acceptsClient(good, stranger.pem, now);
            assert.equal(verdict.accepted, false);
            assert.equal(verdict.reason, "issuer CN=Unknown CA, O=Elsewhere is not in the truststore");
        });

        it("refuses a trusted client certificate that API Gateway's algorithm rules refuse: SHA-1, RSA 1024, P-521, Ed25519", async () => {
            const refused = {
                "CN=sha1": [await makeLeaf("CN=sha1", intermediate, { hash: "SHA-1" }), /^certificate is signed with SHA-1 \(ECDSA\); API Gateway requires SHA-256 or stronger: have CN=Intermediate CA, O=Test sign it again/],
                "CN=rsa1024": [await makeLeaf("CN=rsa1024", intermediate, { key: await sharedKey("rsa1024") }), /^certificate has an RSA key of 1024 bits; API Gateway requires at least 2048: reissue/],
                "CN=p521": [await makeLeaf("CN=p521", intermediate, { key: await sharedKey("p521") }), /^certificate has an ECDSA key on P-521; API Gateway accepts only P-256 and P-384: reissue/],
                "CN=ed25519": [await makeLeaf("CN=ed25519", intermediate, { key: await sharedKey("ed25519") }), /^certificate has an Ed25519 key; API Gateway accepts only RSA and ECDSA P-256\/P-384 keys: reissue/],
            } as const;
            const verifier = await createClientVerifier(good);
            for (const [subject, [client, reason]] of Object.entries(refused)) {
                const verdict = await verifier.verify(client.pem, now);
                assert.equal(verdict.accepted, false, subject);
                assert.match(verdict.reason, reason);
                assert.deepEqual(verdict.chain, [subject, "CN=Intermediate CA, O=Test", "CN=Root CA, O=Test"]);
            }
        });

        it("accepts the keys and hashes API Gateway accepts: RSA 2048, P-256, P-384, SHA-384, SHA-512", async () => {
            const clients = [
                await makeLeaf("CN=rsa2048", intermediate, { key: await sharedKey("rsa2048") }),
                await makeLeaf("CN=p256", intermediate, { key: await sharedKey("p256") }),
                await makeLeaf("CN=p384", intermediate, { key: await sharedKey("p384") }),
                await makeLeaf("CN=sha384", intermediate, { hash: "SHA-384" }),
                await makeLeaf("CN=sha512", intermediate, { hash: "SHA-512" }),
            ];
            const verifier = await createClientVerifier(good);
            for (const client of clients) {
                assert.equal((await verifier.verify(client.pem, now)).reason, "chains to CN=Root CA, O=Test");
            }
        });

        it("refuses an untrusted client certificate with weak algorithms for its chain", async () => {
            const stranger = await makeLeaf("CN=weak stranger", await makeCa("CN=Weak Elsewhere"), { key: await sharedKey("rsa1024") });
            assert.equal((await acceptsClient(good, stranger.pem, now)).reason, "issuer CN=Weak Elsewhere is not in the truststore");
        });

        it("refuses an expired client certificate", async () => {
            const expired = await makeLeaf("CN=late", intermediate, { notBefore: daysFrom(now, -10), notAfter: daysFrom(now, -1) });
            const verdict = await acceptsClient(good, expired.pem, now);
            assert.equal(verdict.accepted, false);
            assert.match(verdict.reason, /^certificate expired on \d{4}-\d\d-\d\dT/);
        });

        it("refuses a client certificate that is not valid yet", async () => {
            const early = await makeLeaf("CN=early", intermediate, { notBefore: daysFrom(now, 1) });
            assert.match((await acceptsClient(good, early.pem, now)).reason, /^certificate is not valid until/);
        });

        it("refuses a client whose intermediate has expired", async () => {
            assert.deepEqual(await acceptsClient(good, partner.pem, daysFrom(now, 400)), {
                accepted: false,
                reason: `certificate expired on ${partner.cert.notAfter.toISOString().replace(/\.\d{3}Z$/, "Z")}`,
                chain: ["CN=partner-a, O=Partner"],
            });
            const oldIntermediate = await makeCert({ subject: "CN=Old Intermediate, O=Test", issuer: root, notBefore: daysFrom(now, -30), notAfter: daysFrom(now, -1) });
            const client = await makeLeaf("CN=client of old", oldIntermediate, { notBefore: daysFrom(now, -20) });
            const verdict = await acceptsClient(root.pem + oldIntermediate.pem, client.pem, now);
            assert.equal(verdict.accepted, false);
            assert.match(verdict.reason, /^issuer CN=Old Intermediate, O=Test expired on/);
        });

        it("refuses a client certificate whose signature does not verify", async () => {
            const impostor = await makeCert({ subject: "CN=Intermediate CA, O=Test", issuer: root });
            const forged = await makeLeaf("CN=forged", impostor);
            const verdict = await acceptsClient(good, forged.pem, now);
            assert.equal(verdict.accepted, false);
            assert.match(verdict.reason, /^signature of CN=forged does not verify/);
        });

        it("refuses a chain through an issuer that is not a CA", async () => {
            const notCa = await makeCert({ subject: "CN=Not A CA, O=Test", issuer: root, ca: false });
            const client = await makeLeaf("CN=below not-ca", notCa);
            const verdict = await acceptsClient(root.pem + notCa.pem, client.pem, now);
            assert.equal(verdict.accepted, false);
            assert.match(verdict.reason, /^issuer CN=Not A CA, O=Test is not a CA/);
        });

        it("accepts four CA levels and refuses five", async () => {
            const chain = await makeCaChain(5, "Deep");
            const underFourth = await makeLeaf("CN=under four", chain[3]);
            const underFifth = await makeLeaf("CN=under five", chain[4]);
            const verifier = await createClientVerifier(toBundle(chain));
            const accepted = await verifier.verify(underFourth.pem, now);
            assert.equal(accepted.accepted, true);
            assert.equal(accepted.chain.length, 5);
            const refused = await verifier.verify(underFifth.pem, now);
            assert.deepEqual([refused.accepted, refused.reason], [false, "chain has more than 4 CA levels"]);
        });

        it("reads DER and PEM bytes, and answers the same when asked again", async () => {
            const verifier = await createClientVerifier(good);
            const der = new Uint8Array(partner.cert.rawData);
            assert.equal((await verifier.verify(der, now)).accepted, true);
            assert.equal((await verifier.verify(Buffer.from(partner.pem), now)).accepted, true);
            assert.equal((await verifier.verify(der, daysFrom(now, 400))).accepted, false);
            assert.equal((await verifier.verify(der, now)).accepted, true);
        });

        it("refuses input that is not PEM", async () => {
            const verdict = await acceptsClient(good, "hello", now);
            assert.deepEqual(verdict, { accepted: false, reason: "the client certificate file holds no PEM block; if it is DER, convert it: openssl x509 -inform der -in client.der -out client.pem", chain: [] });
        });

        it("says a key file holds a private key, not a certificate", async () => {
            const verdict = await acceptsClient(good, await keyPem(partner), now);
            assert.deepEqual(verdict, { accepted: false, reason: "the client certificate file holds a private key (a PRIVATE KEY block), not a certificate: pass the partner's certificate, and keep the key private", chain: [] });
        });

        it("says a certificate request is not a certificate", async () => {
            const verdict = await acceptsClient(good, "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n", now);
            assert.equal(verdict.reason, "the client certificate file holds a certificate request (a CERTIFICATE REQUEST block), not a certificate: have a partner CA sign it, then pass the certificate");
        });

        it("verifies clients against a bundle with an 8 MB block, skipping the block", async () => {
            const block = `-----BEGIN CERTIFICATE-----\n${`${"A".repeat(64)}\n`.repeat(131_072)}-----END CERTIFICATE-----\n`;
            assert.equal((await acceptsClient(good + block, partner.pem, now)).accepted, true);
        });
    });
});
