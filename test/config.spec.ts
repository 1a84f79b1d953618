import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigEnvironment, ConfigError, parseConfig, RawConfig } from "../components/config";

const projectDir = path.resolve(__dirname, "..");
const env: ConfigEnvironment = { projectDir, readFile: (file) => fs.readFileSync(file, "utf8") };

const valid: RawConfig = {
    domainName: "api.dev.example.com",
    hostedZoneId: "Z0DEV0EXAMPLE0COM00A",
    partners: JSON.stringify([{ name: "acme-bank" }, { name: "globex", caCertFile: "partners/globex-ca.pem" }]),
};

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
    });

    it("reads an external partner's CA certificate from its PEM file", () => {
        const globex = parse({}).partners.find((p) => p.name === "globex");
        assert.ok(globex?.kind === "external");
        assert.match(globex.caCertPem, /^-----BEGIN CERTIFICATE-----/);
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
});
