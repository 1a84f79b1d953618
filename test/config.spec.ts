import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigEnvironment, ConfigError, parseConfig, RawConfig } from "../components/config";
import { makeCa } from "./certs";
import { makeCrl } from "./crls";

const projectDir = path.resolve(__dirname, "..");
const env: ConfigEnvironment = { projectDir, readFile: (file) => fs.readFileSync(file, "utf8") };

const valid: RawConfig = {
    domainName: "api.dev.example.com",
    hostedZoneId: "Z0DEV0EXAMPLE0COM00A",
    partners: JSON.stringify([{ name: "acme-bank" }, { name: "globex", caCertFile: "partners/globex-ca.pem" }]),
};

/** The project's files, with one more file of this content. */
function withFile(name: string, content: string): ConfigEnvironment {
    return { projectDir, readFile: (file) => (file === path.join(projectDir, name) ? content : env.readFile(file)) };
}

function parse(changes: RawConfig) {
    return parseConfig({ ...valid, ...changes }, "eu-west-1", env);
}

/** Asserts that the config is refused with a message matching every pattern. */
function refuses(changes: RawConfig, ...patterns: RegExp[]) {
    assert.throws(() => parse(changes), (error: unknown) => {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        for (const pattern of patterns) {
            assert.match(error.message, pattern);
        }
        return true;
    });
}

describe("stack config", () => {
    it("accepts a minimal config and fills in the defaults", () => {
        const config = parse({});
        assert.equal(config.basePath, "c360");
        assert.equal(config.stageName, "v1");
        assert.equal(config.keyAlgorithm, "ECDSA-P256");
        assert.equal(config.intermediateCa, true);
        assert.equal(config.caValidityDays, 1825);
        assert.equal(config.partnerValidityDays, 365);
        assert.equal(config.retainTruststoreOnDelete, false);
        assert.equal(config.dualStack, false);
        assert.deepEqual(config.partners.map((p) => [p.name, p.kind]), [["acme-bank", "generated"], ["globex", "external"]]);
        assert.deepEqual(config.revokedSerials, []);
        assert.equal(config.crl, undefined);
        assert.equal(config.authorizerCacheSeconds, 60);
        assert.equal(config.expiryWarningDays, 30);
        assert.deepEqual(config.caGenerations, [1]);
        assert.equal(config.activeCaGeneration, 1);
        const acme = config.partners[0];
        assert.ok(acme.kind === "generated" && acme.generation === 1);
    });

    it("reads an external partner's CA certificate from its PEM file", () => {
        const globex = parse({}).partners.find((p) => p.name === "globex");
        assert.ok(globex?.kind === "external");
        assert.match(globex.caCertPem, /^-----BEGIN CERTIFICATE-----/);
    });

    it("reads the empty string that Pulumi.yaml gives keys without a default of their own as unset", () => {
        const empty = { certificateArn: "", ownershipVerificationCertificateArn: "", cloudwatchRoleArn: "", crlFile: "" };
        assert.deepEqual(parse(empty), parse({}));
        refuses({ domainName: "" }, /domainName is not set/);
        refuses({ hostedZoneId: "" }, /hostedZoneId is not set/);
    });

    it("refuses a missing domain name", () => refuses({ domainName: undefined }, /domainName is not set/, /pulumi config set domainName/));
    it("refuses a domain name that is not a DNS name", () => refuses({ domainName: "api_dev example" }, /domainName "api_dev example" is not a DNS name/));
    it("refuses a missing region", () => assert.throws(() => parseConfig(valid, undefined, env), /aws:region is not set/));
    it("refuses a hosted zone id that is not one", () => refuses({ hostedZoneId: "example.com" }, /hostedZoneId "example.com" is not a Route 53 hosted zone id/, /not the zone name/));
    it("refuses a certificate ARN from another region", () =>
        refuses({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }, /is in us-east-1 but the stack deploys to eu-west-1/));
    it("refuses a certificate ARN that is not an ACM ARN", () => refuses({ certificateArn: "my-cert" }, /certificateArn "my-cert" is not an ACM certificate ARN/));
    it("refuses duplicate partner names", () =>
        refuses({ partners: JSON.stringify([{ name: "acme" }, { name: "acme" }]) }, /partners\[1\]\.name "acme" is used twice/));
    it("refuses partner names outside [a-z0-9-]", () =>
        refuses({ partners: JSON.stringify([{ name: "Acme Bank" }]) }, /partners\[0\]\.name "Acme Bank" must be 1 to 48 characters of a-z, 0-9 and '-'/));
    it("refuses partners that are not a list", () => refuses({ partners: JSON.stringify({ name: "acme" }) }, /partners is .* not a list/));

    for (const [algorithm, reason] of [["ED25519", /does not accept Ed25519/], ["ECDSA-P521", /only the P-256 and P-384 curves/], ["RSA-1024", /at least 2048 bits/]] as const) {
        it(`refuses the key algorithm ${algorithm}`, () => refuses({ keyAlgorithm: algorithm }, new RegExp(`keyAlgorithm "${algorithm}" cannot be used`), reason, /ECDSA-P256, ECDSA-P384/));
    }
    it("accepts RSA-3072 and ECDSA-P384", () => {
        assert.equal(parse({ keyAlgorithm: "RSA-3072" }).keyAlgorithm, "RSA-3072");
        assert.equal(parse({ keyAlgorithm: "ecdsa-p384" }).keyAlgorithm, "ECDSA-P384");
    });

    it("refuses a non-positive validity", () => {
        refuses({ partnerValidityDays: "0" }, /partnerValidityDays "0" must be a positive whole number of days/);
        refuses({ caValidityDays: "-5" }, /caValidityDays "-5" must be a positive whole number/);
    });
    it("refuses a partner certificate that would outlive its CA", () =>
        refuses({ caValidityDays: "365", partnerValidityDays: "365" }, /partnerValidityDays 365 would outlive the CA that issues it \(364 days\)/, /set it below 364/));
    it("lets a partner certificate live up to a day less than a root that issues it directly", () =>
        assert.equal(parse({ caValidityDays: "365", partnerValidityDays: "364", intermediateCa: "false" }).partnerValidityDays, 364));

    it("refuses an external CA file that is missing", () =>
        refuses({ partners: JSON.stringify([{ name: "globex", caCertFile: "partners/nope.pem" }]) }, /partners\[0\]\.caCertFile "partners\/nope.pem" of partner "globex" cannot be read/));
    it("refuses an external CA file that is not a PEM certificate", () =>
        refuses({ partners: JSON.stringify([{ name: "globex", caCertFile: "package.json" }]) }, /caCertFile "package.json" of partner "globex" holds no PEM certificate/));
    it("refuses an external CA file whose certificate does not parse", () => {
        const broken = parseConfig.bind(null, { ...valid, partners: JSON.stringify([{ name: "globex", caCertFile: "broken.pem" }]) }, "eu-west-1", {
            projectDir,
            readFile: () => "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        });
        assert.throws(broken, /holds a certificate block that does not parse/);
    });

    it("refuses a log retention CloudWatch does not offer", () => refuses({ logRetentionDays: "31" }, /logRetentionDays 31 is not a CloudWatch Logs retention/));
    it("refuses a boolean that is not true or false", () => refuses({ dualStack: "yes" }, /dualStack "yes" is not a boolean/));
    it("refuses a base path with a slash", () => refuses({ basePath: "c360/v1" }, /basePath "c360\/v1" must be one path segment/));

    describe("revocation", () => {
        const revoke = (...entries: object[]) => ({ revokedSerials: JSON.stringify(entries) });

        it("normalises revoked serials and keeps their reasons", () => {
            const config = parse(revoke({ serial: "0a:1b:2c", reason: "key leaked, SEC-1" }, { serial: "FF00", reason: " offboarded " }));
            assert.deepEqual(config.revokedSerials, [{ serial: "A1B2C", reason: "key leaked, SEC-1" }, { serial: "FF00", reason: "offboarded" }]);
        });

        it("reads a digits-only serial that `pulumi config set --path` stored as a number as the same hex", () =>
            assert.deepEqual(parse(revoke({ serial: 1234, reason: "lost" })).revokedSerials, [{ serial: "1234", reason: "lost" }]));

        it("refuses a serial that is not hex or longer than 20 bytes", () => {
            refuses(revoke({ serial: "12-zz", reason: "x" }), /revokedSerials\[0\]\.serial "12-zz" is not a certificate serial; use up to 20 bytes of hex/);
            refuses(revoke({ serial: "A".repeat(41), reason: "x" }), /is not a certificate serial/);
            refuses(revoke({ serial: true, reason: "x" }), /revokedSerials\[0\]\.serial is true; write the certificate's serial as a quoted hex string/);
        });

        it("refuses a revoked serial without a reason", () =>
            refuses(revoke({ serial: "0A" }), /revokedSerials\[0\]\.reason of serial A is undefined; say in 1 to 100 characters why it is revoked/));

        it("refuses the same serial twice, however it is spelt", () =>
            refuses(revoke({ serial: "0a:1b", reason: "x" }, { serial: "A1B", reason: "y" }), /revokedSerials\[1\]\.serial "A1B" is revokedSerials\[0\] again \(both are A1B\)/));

        it("refuses revoked serials that are not a list", () => refuses({ revokedSerials: JSON.stringify({ serial: "0A" }) }, /revokedSerials is .* not a list/));

        it("reads every CRL of crlFile, whether OpenSSL labels it X509 CRL or not", async () => {
            const ca = await makeCa("CN=Globex Partner CA");
            const crl = await makeCrl(ca, [{ serial: "01" }]);
            const plain = crl.replace(/X509 CRL/g, "CRL");
            const config = parseConfig({ ...valid, crlFile: "partners/globex.crl.pem" }, "eu-west-1", withFile("partners/globex.crl.pem", crl + plain));
            assert.equal(config.crl?.file, "partners/globex.crl.pem");
            assert.deepEqual(config.crl?.pems, [crl, plain]);
        });

        it("refuses a crlFile that is missing, holds no CRL, or holds one that does not parse", () => {
            refuses({ crlFile: "partners/none.crl.pem" }, /crlFile "partners\/none.crl.pem" cannot be read/);
            refuses({ crlFile: "partners/globex-ca.pem" }, /crlFile "partners\/globex-ca.pem" holds no PEM CRL; .*openssl crl -inform der/);
            const broken = () => parseConfig({ ...valid, crlFile: "x.pem" }, "eu-west-1", withFile("x.pem", "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"));
            assert.throws(broken, /crlFile "x.pem" holds a CRL \(block 1\) that does not parse/);
        });

        it("takes a decision cache of 0 to 3600 seconds", () => {
            assert.equal(parse({ authorizerCacheSeconds: "0" }).authorizerCacheSeconds, 0);
            refuses({ authorizerCacheSeconds: "3601" }, /authorizerCacheSeconds 3601 is too long for a revocation to wait; set it between 0 \(no cache\) and 3600/);
            refuses({ authorizerCacheSeconds: "-1" }, /authorizerCacheSeconds "-1" must be a whole number of seconds/);
        });
    });

    describe("rotation", () => {
        const partners = (...list: object[]) => ({ partners: JSON.stringify(list) });

        it("takes a partner's generation, as a number or the digits `pulumi config set --path` may store", () => {
            const [acme, initech] = parse(partners({ name: "acme-bank", generation: 2 }, { name: "initech", generation: "3" })).partners;
            assert.ok(acme.kind === "generated" && acme.generation === 2);
            assert.ok(initech.kind === "generated" && initech.generation === 3);
        });

        it("refuses a generation below 1, and a generation on a partner that brings its own CA", () => {
            refuses(partners({ name: "acme-bank", generation: 0 }), /partners\[0\]\.generation of "acme-bank" is 0; set it to a whole number from 1/);
            refuses(partners({ name: "globex", caCertFile: "partners/globex-ca.pem", generation: 2 }), /partners\[0\]\.generation of "globex" has no effect: the partner brings its own CA/);
        });

        it("refuses the partner names the CA's resources use", () => {
            refuses(partners({ name: "root" }), /partners\[0\]\.name "root" is reserved for the CA's own resources; give the partner another name, such as root-partner/);
            refuses(partners({ name: "intermediate" }), /"intermediate" is reserved/);
        });

        it("issues from the newest CA generation unless another is named active", () => {
            assert.equal(parse({ caGenerations: "[1, 2]" }).activeCaGeneration, 2);
            assert.equal(parse({ caGenerations: "[1, 2]", activeCaGeneration: "1" }).activeCaGeneration, 1);
            assert.deepEqual(parse({ caGenerations: "[2]" }).caGenerations, [2]);
        });

        it("refuses CA generations that are empty, repeated, not whole numbers, or without the active one", () => {
            refuses({ caGenerations: "[]" }, /caGenerations \[\] must be a non-empty list of whole numbers from 1, such as \[1, 2\]/);
            refuses({ caGenerations: "[1, 1.5]" }, /caGenerations \[1,1.5\] must be/);
            refuses({ caGenerations: "[1, 2, 1]" }, /caGenerations lists generation 1 twice/);
            refuses({ caGenerations: "[2]", activeCaGeneration: "1" }, /activeCaGeneration 1 is not one of caGenerations \[2\]; set it to one of them/);
            refuses({ activeCaGeneration: "two" }, /activeCaGeneration "two" must be a positive whole number naming one of caGenerations/);
        });

        it("takes a positive number of days to warn before a certificate expires", () => {
            assert.equal(parse({ expiryWarningDays: "45" }).expiryWarningDays, 45);
            refuses({ expiryWarningDays: "0" }, /expiryWarningDays "0" must be a positive whole number of days/);
        });
    });
});
