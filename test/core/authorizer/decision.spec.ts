import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import {
    certificateKey, decide, issuerId, normaliseSerial, parseAuthorizerLists, parseUsageKeys, partnerNames, RevocationList, serialFromDer, subjectKey, usageKeysParameterName,
} from "../../../core/authorizer/decision";
import { colonHex } from "../../../tools/local/client-certs";
import { daysFrom, Issued, makeCa, makeLeaf } from "../../helpers/certs";
import { makeLeafWithSerial } from "../../helpers/raw-serials";

const empty: RevocationList = { anyIssuer: {}, byIssuer: {}, issuerChains: {} };
const serialOf = (issued: Issued) => normaliseSerial(new X509Certificate(issued.pem).serialNumber) as string;
const issuerOf = (issued: Issued) => issuerId(new X509Certificate(issued.pem).issuer);

describe("revocation decision", () => {
    let ca: Issued;
    let otherCa: Issued;
    let acme: Issued;
    let globex: Issued;
    before(async () => {
        ca = await makeCa("CN=Example partner issuing CA, O=Example");
        otherCa = await makeCa("CN=Globex Partner CA, O=Globex");
        acme = await makeLeaf("CN=acme.partners.example.com, O=Acme", ca);
        globex = await makeLeaf("CN=globex-client, O=Globex", otherCa);
    });

    describe("normaliseSerial", () => {
        it("reads serials the way API Gateway, OpenSSL and config spell them as the same serial", () => {
            for (const spelling of ["0a:1b:2c", "0A1B2C", "a1b2c", "0x0A1B2C", " 0A 1B 2C ", "000a1b2c"]) {
                assert.equal(normaliseSerial(spelling), "A1B2C", spelling);
            }
        });

        it("keeps a zero serial as 0 and refuses what is not hex", () => {
            assert.equal(normaliseSerial("00"), "0");
            assert.equal(normaliseSerial("12-34"), undefined);
            assert.equal(normaliseSerial("xyz"), undefined);
            assert.equal(normaliseSerial(""), undefined);
            assert.equal(normaliseSerial("-"), undefined);
            assert.equal(normaliseSerial("--0A"), undefined);
        });

        it("reads a negative serial as OpenSSL and Node.js print it, apart from the positive serial of the same digits", () => {
            for (const spelling of ["-0A1B2C", "-0a:1b:2c", " -0A 1B 2C ", "-0x0A1B2C"]) {
                assert.equal(normaliseSerial(spelling), "-A1B2C", spelling);
            }
            assert.equal(normaliseSerial("F5E4D4"), "F5E4D4");
            assert.equal(normaliseSerial("-00"), "0", "minus zero is zero");
        });

        it("reads a DER INTEGER's content octets, in two's complement, as the same serial", () => {
            const der = (hex: string) => serialFromDer(Buffer.from(hex, "hex"));
            assert.equal(der("f5e4d4"), "-A1B2C");
            assert.equal(der("00f5e4d4"), "F5E4D4");
            assert.equal(der("0a1b2c"), "A1B2C");
            assert.equal(der("ff"), "-1");
            assert.equal(der("80"), "-80");
            assert.equal(der("00"), "0");
        });

        it("reads the serial of a certificate, local mode's clientCert.serialNumber and the DER the same, negative or not", async () => {
            const node = new X509Certificate((await makeLeafWithSerial("CN=negative", ca, "f5e4d4")).pem);
            assert.equal(node.serialNumber, "-0A1B2C", "Node.js prints a negative serial as OpenSSL does");
            assert.equal(normaliseSerial(node.serialNumber), "-A1B2C");
            assert.equal(normaliseSerial(colonHex(node.serialNumber)), "-A1B2C");
            assert.equal(colonHex(node.serialNumber), "-0a:1b:2c");
        });
    });

    it("allows a certificate that is not revoked, naming the partner it was issued to", () => {
        const names = { [certificateKey(issuerOf(acme), serialOf(acme))]: "acme-bank" };
        assert.deepEqual(decide(acme.pem, empty, names, new Date()), { effect: "Allow", reason: "not revoked", partner: "acme-bank", serial: serialOf(acme) });
    });

    it("names every certificate of a partner's own CA after that partner", () => {
        const names = { [issuerOf(globex)]: "globex" };
        assert.equal(decide(globex.pem, empty, names, new Date()).partner, "globex");
    });

    it("denies a certificate of our CA that was not issued to a partner, whatever its common name says", async () => {
        const issued = await makeLeaf("CN=acme-bank, O=acme-bank", ca);
        const impostor = await makeLeaf("CN=acme-bank, O=Evil Corp", ca);
        const names = partnerNames({ "acme-bank": issued.pem }, [{ name: "globex", caCertPem: otherCa.pem }]);
        assert.equal(decide(issued.pem, empty, names, new Date()).partner, "acme-bank");
        assert.deepEqual(decide(impostor.pem, empty, names, new Date()),
            { effect: "Deny", reason: "the certificate was not issued to a partner of this stack", serial: serialOf(impostor) });
    });

    describe("a partner's earlier certificate from our CA", () => {
        let earlier: Issued;
        let current: Issued;
        before(async () => {
            // A generation bump: a new certificate, same subject and issuer; the earlier one chains until revoked.
            earlier = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", ca);
            current = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", ca);
        });

        it("is named after the partner by issuer and subject, not by its common name, so that it keeps the partner's usage key", () => {
            const names = partnerNames({ "acme-bank": current.pem }, []);
            assert.equal(decide(current.pem, empty, names, new Date()).partner, "acme-bank");
            assert.equal(decide(earlier.pem, empty, names, new Date()).partner, "acme-bank");
            assert.equal(names[subjectKey(issuerOf(current), new X509Certificate(current.pem).subject)], "acme-bank");
        });

        it("is named by its serial first, and an own CA's partner by issuer only after the subject", () => {
            const subject = subjectKey(issuerOf(current), new X509Certificate(current.pem).subject);
            const names = { [certificateKey(issuerOf(earlier), serialOf(earlier))]: "by-serial", [subject]: "by-subject", [issuerOf(earlier)]: "by-issuer" };
            assert.equal(decide(earlier.pem, empty, names, new Date()).partner, "by-serial");
            assert.equal(decide(current.pem, empty, names, new Date()).partner, "by-subject");
            assert.equal(decide(acme.pem, empty, names, new Date()).partner, "by-issuer");
        });

        it("is named after the partner when an earlier generation of our CA issued it, and an own CA's partner keeps its own name", async () => {
            const previousCa = await makeCa("CN=Example Corp partner issuing CA, O=Example Corp, OU=generation 1");
            const fromPrevious = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", previousCa);
            const names = partnerNames({ "acme-bank": current.pem }, [{ name: "globex", caCertPem: previousCa.pem }]);
            assert.equal(decide(fromPrevious.pem, empty, partnerNames({ "acme-bank": current.pem }, []), new Date()).partner, "acme-bank");
            assert.equal(decide(fromPrevious.pem, empty, names, new Date()).partner, "globex", "an own CA's issuer comes first");
        });

        it("names no partner by a subject that two partners share, leaving each its own serial", async () => {
            const twin = await makeLeaf("CN=acme-bank.partners.example.com, O=Acme Bank", ca);
            const names = partnerNames({ "acme-bank": current.pem, "acme-twin": twin.pem }, []);
            assert.equal(names[subjectKey(issuerOf(current), new X509Certificate(current.pem).subject)], undefined);
            assert.equal(decide(twin.pem, empty, names, new Date()).partner, "acme-twin");
            assert.deepEqual([decide(earlier.pem, empty, names, new Date()).effect, decide(earlier.pem, empty, names, new Date()).partner], ["Deny", undefined], "named after neither");
        });
    });

    it("denies a serial revoked in stack config, whatever its issuer, with the reason", () => {
        const list = { ...empty, anyIssuer: { [serialOf(acme)]: "key leaked, SEC-1" } };
        const decision = decide(acme.pem, list, {}, new Date());
        assert.equal(decision.effect, "Deny");
        assert.equal(decision.reason, "revoked: key leaked, SEC-1");
        assert.equal(decision.serial, serialOf(acme));
    });

    it("denies a serial a CRL revoked only for certificates of that CRL's issuer", () => {
        const list = { ...empty, byIssuer: { [issuerOf(globex)]: { [serialOf(globex)]: "keyCompromise (CRL)", [serialOf(acme)]: "keyCompromise (CRL)" } } };
        const names = { [issuerOf(globex)]: "globex", [issuerOf(acme)]: "acme-bank" };
        assert.equal(decide(globex.pem, list, names, new Date()).effect, "Deny");
        assert.equal(decide(acme.pem, list, names, new Date()).effect, "Allow", "the same serial from another issuer is another certificate");
    });

    it("denies a request without a certificate", () => {
        for (const missing of [undefined, null, ""]) {
            assert.deepEqual(decide(missing, empty, {}, new Date()), { effect: "Deny", reason: "no client certificate" });
        }
    });

    it("denies a certificate whose PEM does not parse", () => {
        const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert.deepEqual(decide(broken, empty, {}, new Date()), { effect: "Deny", reason: "the client certificate does not parse" });
    });

    it("denies every certificate when the revocation list is unreadable", () => {
        const decision = decide(acme.pem, undefined, {}, new Date());
        assert.equal(decision.effect, "Deny");
        assert.equal(decision.reason, "the revocation list is missing or unreadable");
    });

    it("denies a certificate outside its validity", () => {
        const decision = decide(acme.pem, empty, {}, daysFrom(new Date(), 400));
        assert.equal(decision.effect, "Deny");
        assert.match(decision.reason, /^the certificate is valid from .* to .* only$/);
    });

    describe("usage keys", () => {
        it("names each stack's parameter under the project", () => {
            assert.equal(usageKeysParameterName("prod"), "/apigw-mtls/prod/partner-usage-keys");
        });

        it("reads {partner: key} and refuses anything else without quoting it", () => {
            assert.deepEqual(parseUsageKeys('{"acme-bank":"k1"}'), { "acme-bank": "k1" });
            for (const [value, message] of [[undefined, /has no value/], ['{"acme-bank":secret-k1}', /is not JSON$/], ['{"acme-bank":1}', /is not \{partner: key\}/], ["[]", /is not \{partner: key\}/]] as const) {
                assert.throws(() => parseUsageKeys(value), (error: Error) => message.test(error.message) && !error.message.includes("secret"));
            }
        });
    });

    describe("reading the lists", () => {
        it("reads the revocation list and partner names from their JSON", () => {
            const lists = {
                revocations: { anyIssuer: { A1: "lost" }, byIssuer: { abc: { FF: "keyCompromise (CRL)" } }, issuerChains: { abc: [{ issuer: "def", serial: "FF" }] } },
                partnerNames: { abc: "globex" },
            };
            assert.deepEqual(parseAuthorizerLists(JSON.stringify(lists)), lists);
        });

        it("throws on missing, malformed or mistyped lists, so that the authorizer fails closed", () => {
            const names = { partnerNames: {} };
            assert.throws(() => parseAuthorizerLists(undefined), /no revocation list is set/);
            assert.throws(() => parseAuthorizerLists("{not json"), SyntaxError);
            assert.throws(() => parseAuthorizerLists(JSON.stringify({ ...names, revocations: { ...empty, anyIssuer: { A1: 1 } } })), /is not \{anyIssuer/);
            assert.throws(() => parseAuthorizerLists(JSON.stringify({ ...names, revocations: { ...empty, byIssuer: { abc: "A1" } } })), /is not \{anyIssuer/);
            assert.throws(() => parseAuthorizerLists(JSON.stringify({ ...names, revocations: { anyIssuer: {}, byIssuer: {} } })), /issuerChains: \{issuer: \[\{issuer, serial\}\]\}/);
            assert.throws(() => parseAuthorizerLists(JSON.stringify({ ...names, revocations: { ...empty, issuerChains: { abc: [{ issuer: "def" }] } } })), /is not \{anyIssuer/);
            assert.throws(() => parseAuthorizerLists(JSON.stringify({ revocations: empty, partnerNames: ["globex"] })), /partner names are not/);
        });
    });
});
