import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigEnvironment, ConfigError, parseConfig, RawConfig, readRawConfig } from "../../../core/config/stack";
import { makeCa, sharedKey } from "../../helpers/certs";
import { makeCrl } from "../../helpers/crls";
import { makeRequest } from "../../helpers/csrs";

const projectDir = path.resolve(__dirname, "..", "..", "..");
const env: ConfigEnvironment = { projectDir, readFile: (file) => fs.readFileSync(file, "utf8") };

/** Partners written as a list of {name, ...fields}, as the stack file's map keyed by name holds them. */
function named(list: readonly ({ name: string } & Record<string, unknown>)[]): string {
    return JSON.stringify(Object.fromEntries(list.map(({ name, ...fields }) => [name, fields])));
}

const valid: RawConfig = {
    domainName: "api.dev.example.com",
    hostedZoneId: "Z0DEV0EXAMPLE0COM00A",
    partners: named([{ name: "acme-bank" }, { name: "globex", caCertFile: "partners/globex-ca.pem" }]),
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
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
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

    it("refuses a missing domain name, saying how to set it with the CLI and in the stack file", () =>
        refuses({ domainName: undefined }, /^domainName is not set; /, /pulumi config set domainName/, /add `apigw-mtls:domainName: api\.dev\.example\.com` under `config:` in Pulumi\.<stack>\.yaml/));
    it("refuses a missing hosted zone id, saying how to set it with the CLI and in the stack file", () =>
        refuses({ hostedZoneId: " " }, /^hostedZoneId is not set; /, /pulumi config set hostedZoneId/, /`apigw-mtls:hostedZoneId: Z0123456789ABCDEFGHIJ` under `config:` in Pulumi\.<stack>\.yaml/));
    it("refuses a domain name that is not a DNS name", () => refuses({ domainName: "api_dev example" }, /domainName "api_dev example" is not a DNS name/));
    it("refuses a missing region", () => assert.throws(() => parseConfig(valid, undefined, env), /aws:region is not set/));
    it("refuses a hosted zone id that is not one", () => refuses({ hostedZoneId: "example.com" }, /hostedZoneId "example.com" is not a Route 53 hosted zone id/, /not the zone name/));
    it("refuses a certificate ARN from another region", () =>
        refuses({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }, /is in us-east-1 but the stack deploys to eu-west-1/));
    it("refuses a certificate ARN that is not an ACM ARN", () => refuses({ certificateArn: "my-cert" }, /certificateArn "my-cert" is not an ACM certificate ARN/));
    it("refuses partner names outside [a-z0-9-]", () =>
        refuses({ partners: named([{ name: "Acme Bank" }]) }, /^partners\.Acme Bank: the partner name "Acme Bank" must be 1 to 48 characters of a-z, 0-9 and '-'/));
    it("refuses partners that are not a map", () => refuses({ partners: JSON.stringify("acme") }, /^partners is "acme", not a map; write it in the stack file as apigw-mtls:partners: \{acme-bank: /));
    it("refuses partners in the old list form in one line that shows the map to write instead", () =>
        refuses({ partners: JSON.stringify([{ name: "acme-bank", commonName: "acme.example.com", throttle: { rateLimit: 5, burstLimit: 10 } }, { name: "globex", caCertFile: "partners/globex-ca.pem" }]) },
            /^partners is a list, but it is a map keyed by name now; write it in the stack file as apigw-mtls:partners: \{acme-bank: \{commonName: acme.example.com, throttle: \{rateLimit: 5, burstLimit: 10\}\}, globex: \{caCertFile: partners\/globex-ca.pem\}\}$/));
    it("reads a partner written with no fields as a generated partner", () =>
        assert.deepEqual(parse({ partners: JSON.stringify({ "acme-bank": null }) }).partners.map((p) => [p.name, p.kind]), [["acme-bank", "generated"]]));

    for (const [algorithm, reason] of [["ED25519", /does not accept Ed25519/], ["ECDSA-P521", /only the P-256 and P-384 curves/], ["RSA-1024", /at least 2048 bits/]] as const) {
        it(`refuses the key algorithm ${algorithm}`, () => refuses({ keyAlgorithm: algorithm }, new RegExp(`keyAlgorithm "${algorithm}" cannot be used`), reason, /ECDSA-P256, ECDSA-P384/));
    }
    it("refuses a key algorithm spelt without its dash, naming the spelling it means and the valid ones", () => {
        refuses({ keyAlgorithm: "RSA2048" }, /^keyAlgorithm "RSA2048" is not a spelling this program knows \(did you mean RSA-2048\?\); set it to one of ECDSA-P256, ECDSA-P384, RSA-2048, RSA-3072, RSA-4096$/);
        refuses({ keyAlgorithm: "ecdsa_p384" }, /did you mean ECDSA-P384\?/);
        refuses({ keyAlgorithm: "RSA-8192" }, /^keyAlgorithm "RSA-8192" is not a spelling this program knows; set it to one of ECDSA-P256/);
    });
    it("accepts RSA-3072 and ECDSA-P384", () => {
        assert.equal(parse({ keyAlgorithm: "RSA-3072" }).keyAlgorithm, "RSA-3072");
        assert.equal(parse({ keyAlgorithm: "ecdsa-p384" }).keyAlgorithm, "ECDSA-P384");
    });

    it("refuses a non-positive validity", () => {
        refuses({ partnerValidityDays: "0" }, /partnerValidityDays "0" must be a positive whole number of days/);
        refuses({ caValidityDays: "-5" }, /caValidityDays "-5" must be a positive whole number/);
    });
    it("refuses a partner certificate that does not end before its CA, even one that lives exactly as long", () => {
        refuses({ caValidityDays: "730", partnerValidityDays: "729" }, /^partnerValidityDays 729 must end before the CA that issues it, which lives 729 days; set it below 729 or raise caValidityDays$/);
        refuses({ caValidityDays: "365", partnerValidityDays: "400" }, /partnerValidityDays 400 must end before the CA that issues it, which lives 364 days; set it below 364/);
    });
    it("lets a partner certificate live up to a day less than a root that issues it directly", () =>
        assert.equal(parse({ caValidityDays: "365", partnerValidityDays: "364", intermediateCa: "false" }).partnerValidityDays, 364));

    it("refuses an external CA file that is missing", () =>
        refuses({ partners: named([{ name: "globex", caCertFile: "partners/nope.pem" }]) }, /^partners\.globex\.caCertFile "partners\/nope.pem" cannot be read/));
    it("refuses an external CA file that is not a PEM certificate", () =>
        refuses({ partners: named([{ name: "globex", caCertFile: "package.json" }]) }, /partners\.globex\.caCertFile "package.json" holds no PEM certificate/));
    it("refuses an external CA file whose certificate does not parse", () => {
        const broken = parseConfig.bind(null, { ...valid, partners: named([{ name: "globex", caCertFile: "broken.pem" }]) }, "eu-west-1", {
            projectDir,
            readFile: (file) => (file.endsWith("broken.pem") ? "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" : env.readFile(file)),
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

        it("takes a negative serial as openssl and Node.js print it, up to 20 bytes", () => {
            assert.deepEqual(parse(revoke({ serial: "-0A:1B:2C", reason: "lost" })).revokedSerials, [{ serial: "-A1B2C", reason: "lost" }]);
            const twentyBytes = `-80${"00".repeat(19)}`;
            assert.deepEqual(parse(revoke({ serial: twentyBytes, reason: "lost" })).revokedSerials, [{ serial: twentyBytes, reason: "lost" }]);
        });

        it("refuses a serial that YAML read as a number, naming the key and telling to quote it", () => {
            // `serial: 0x1001` and `serial: 1e5` reach the program as 4097 and 100000; digits alone are numbers too.
            for (const number of [4097, 100000, 1234]) {
                refuses(revoke({ serial: number, reason: "lost" }),
                    new RegExp(`^revokedSerials\\[0\\]\\.serial is the number ${number}, not the serial as written: YAML reads an unquoted 0x1001 as 4097 and 1e5 as 100000; quote it in the stack file, such as serial: "0A:1B:2C"`),
                    /pulumi config set --path --type string 'revokedSerials\[0\]\.serial'/);
            }
        });

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

    describe("partners from a certificate request", () => {
        const partners = (...list: ({ name: string } & Record<string, unknown>)[]) => ({ partners: named(list) });
        const withRequest = (content: string) => ({ partners: named([{ name: "hooli", csrFile: "partners/hooli.csr" }]), env: withFile("partners/hooli.csr", content) });

        it("reads the partner's request, checked, with generation 1 unless bumped", async () => {
            const { pem } = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
            const request = withRequest(`notes\n${pem}`);
            const [hooli] = parseConfig({ ...valid, partners: request.partners }, "eu-west-1", request.env).partners;
            assert.deepEqual(hooli, { kind: "csr", name: "hooli", access: ["customer"], csrFile: "partners/hooli.csr", csrPem: pem, generation: 1 });
            const bumped = parseConfig({ ...valid, ...partners({ name: "hooli", csrFile: "partners/hooli.csr", generation: 2 }) }, "eu-west-1", request.env).partners[0];
            assert.ok(bumped.kind === "csr" && bumped.generation === 2);
        });

        it("refuses a request file that is missing, saying how the partner makes one", () =>
            refuses(partners({ name: "hooli", csrFile: "partners/nope.csr" }),
                /^partners\.hooli\.csrFile "partners\/nope.csr" cannot be read; put the partner's certificate request \(PEM\) at that path, relative to the project directory \(the partner makes it with `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout hooli.key -out hooli.csr -subj "\/CN=hooli.partners.example.com\/O=<organization>"`\)$/));

        it("refuses a bad request in one line that names the partner, the file, the problem and the fix", async () => {
            const { pem } = await makeRequest("CN=hooli", { key: await sharedKey("rsa1024") });
            const request = withRequest(pem);
            assert.throws(() => parseConfig({ ...valid, partners: request.partners }, "eu-west-1", request.env), (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.equal(error.message, 'partners.hooli.csrFile "partners/hooli.csr" is for an RSA key of 1024 bits: API Gateway needs RSA keys of at least 2048 bits; ' +
                    'ask the partner for a new request, made with `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout hooli.key -out hooli.csr -subj "/CN=hooli.partners.example.com/O=<organization>"` (the key stays with the partner)');
                assert.doesNotMatch(error.message, /\n/);
                return true;
            });
        });

        it("refuses a partner with both caCertFile and csrFile, and a subject beside a request", () => {
            refuses(partners({ name: "hooli", csrFile: "partners/hooli.csr", caCertFile: "partners/globex-ca.pem" }), /^partners\.hooli sets both caCertFile and csrFile; keep caCertFile if the partner issues its own certificates, csrFile if our CA signs its request$/);
            refuses(partners({ name: "hooli", csrFile: "partners/hooli.csr", commonName: "hooli.example.com" }), /^partners\.hooli\.commonName has no effect: the certificate's subject is the one of its request \(csrFile\); remove commonName$/);
            refuses(partners({ name: "hooli", csrFile: "" }), /partners\.hooli\.csrFile is ""; set it to a non-empty string or remove it/);
        });
    });

    describe("rotation", () => {
        const partners = (...list: ({ name: string } & Record<string, unknown>)[]) => ({ partners: named(list) });

        it("takes a partner's generation, as a number or the digits `pulumi config set --path` may store", () => {
            const [acme, initech] = parse(partners({ name: "acme-bank", generation: 2 }, { name: "initech", generation: "3" })).partners;
            assert.ok(acme.kind === "generated" && acme.generation === 2);
            assert.ok(initech.kind === "generated" && initech.generation === 3);
        });

        it("refuses a generation below 1, and a generation on a partner that brings its own CA", () => {
            refuses(partners({ name: "acme-bank", generation: 0 }), /partners\.acme-bank\.generation is 0; set it to a whole number from 1/);
            refuses(partners({ name: "globex", caCertFile: "partners/globex-ca.pem", generation: 2 }), /partners\.globex\.generation has no effect: the partner brings its own CA/);
        });

        it("refuses the partner names the CA's resources use", () => {
            refuses(partners({ name: "root" }), /partners\.root: the partner name "root" is reserved for the CA's own resources; give the partner another name, such as root-partner/);
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

    describe("throttling and quotas", () => {
        const limitsOf = (config: ReturnType<typeof parse>) => Object.fromEntries(config.partnerLimits.map(({ name, ...limits }) => [name, limits]));

        it("gives every partner Pulumi.yaml's throttle and quota unless the stack or the partner sets its own", () => {
            const config = parse({});
            const defaults = { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 100_000, period: "DAY" } };
            assert.deepEqual(config.usageDefaults, defaults);
            assert.deepEqual(limitsOf(config), { "acme-bank": defaults, globex: defaults });
        });

        it("takes a stack default and a partner's own throttle and quota, for every kind of partner", async () => {
            const { pem } = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
            const config = parseConfig({
                ...valid,
                throttle: JSON.stringify({ rateLimit: 20, burstLimit: 40 }),
                quota: JSON.stringify({ limit: 5000, period: "WEEK" }),
                partners: named([
                    { name: "acme-bank", throttle: { rateLimit: 0.5, burstLimit: 1 } },
                    { name: "globex", caCertFile: "partners/globex-ca.pem", quota: { limit: 10, period: "MONTH" } },
                    { name: "hooli", csrFile: "partners/hooli.csr", throttle: { rateLimit: "5", burstLimit: "10" }, quota: { limit: 100, period: "day" } },
                    { name: "initech" },
                ]),
            }, "eu-west-1", withFile("partners/hooli.csr", pem));
            assert.deepEqual(limitsOf(config), {
                "acme-bank": { throttle: { rateLimit: 0.5, burstLimit: 1 }, quota: { limit: 5000, period: "WEEK" } },
                globex: { throttle: { rateLimit: 20, burstLimit: 40 }, quota: { limit: 10, period: "MONTH" } },
                hooli: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 100, period: "DAY" } },
                initech: { throttle: { rateLimit: 20, burstLimit: 40 }, quota: { limit: 5000, period: "WEEK" } },
            });
        });

        /** Refused in one line that names the key with its namespace, the value and the fix. */
        const refusesLimit = (changes: RawConfig, pattern: RegExp) => refuses(changes, /^[^\n]+$/, pattern);
        const partner = (fields: object) => ({ partners: named([{ name: "acme-bank" }, { name: "initech", ...fields }]) });

        it("refuses a negative or zero rate, a burst below the rate, and an unknown period, before any resource", () => {
            refusesLimit({ throttle: JSON.stringify({ rateLimit: -1, burstLimit: 10 }) }, /^apigw-mtls:throttle\.rateLimit is -1, below 0; set it to the requests per second the partner may send, above 0/);
            refusesLimit(partner({ throttle: { rateLimit: 0, burstLimit: 10 } }), /^apigw-mtls:partners\.initech\.throttle\.rateLimit is 0, which refuses every request; /);
            refusesLimit(partner({ throttle: { rateLimit: 20, burstLimit: 10 } }), /^apigw-mtls:partners\.initech\.throttle\.burstLimit is 10, below rateLimit 20, so the partner could never reach its rate; set burstLimit to 20 or more/);
            refusesLimit({ quota: JSON.stringify({ limit: 1000, period: "HOUR" }) }, /^apigw-mtls:quota\.period is "HOUR", not a quota period; set it to one of DAY, WEEK, MONTH$/);
            refusesLimit(partner({ quota: { limit: -5, period: "DAY" } }), /^apigw-mtls:partners\.initech\.quota\.limit is -5, not a positive whole number; /);
        });

        it("refuses a quota offset, which AWS documents two ways", () =>
            refusesLimit({ quota: JSON.stringify({ limit: 1000, period: "WEEK", offset: 1 }) }, /^apigw-mtls:quota\.offset is 1, which this program does not take: .*; remove it$/));

        it("refuses a partner field the program does not read, naming the closest, so that a misspelt override is not lost", () =>
            refuses(partner({ throtle: { rateLimit: 1, burstLimit: 2 } }), /^partners\.initech\.throtle is not a field of a partner \(the closest is throttle\); rename it, or remove it/));
    });

    describe("APIs", () => {
        const apis = (map: object) => ({ apis: JSON.stringify(map) });
        const orders = { basePath: "orders", openApiFile: "apis/orders.yaml" };
        const billing = { basePath: "billing", restApiId: "a1b2c3d4e5", stageName: "prod", localUrl: "http://127.0.0.1:9100" };

        it("stands for the sample customer API at basePath when apis is unset", () => {
            const [api, ...others] = parse({ basePath: "crm" }).apis;
            assert.deepEqual(others, []);
            assert.ok(api.kind === "created");
            assert.deepEqual([api.name, api.basePath, api.openApiFile], ["customer", "crm", "apis/customer.yaml"]);
            assert.equal(api.openApiText, fs.readFileSync(path.join(projectDir, "apis", "customer.yaml"), "utf8"));
        });

        it("reads APIs from files and APIs deployed elsewhere, in config order, and every partner may call each unless its access says otherwise", () => {
            const config = parse({ ...apis({ orders, billing }), partners: named([{ name: "acme-bank", access: ["orders"] }, { name: "initech" }]) });
            assert.deepEqual(config.apis.map((api) => [api.name, api.kind, api.basePath]), [["orders", "created", "orders"], ["billing", "external", "billing"]]);
            assert.deepEqual(config.apis[1], { kind: "external", name: "billing", ...billing });
            assert.deepEqual(config.partners.map((p) => [p.name, p.access]), [["acme-bank", ["orders"]], ["initech", ["orders", "billing"]]]);
        });

        it("refuses, in one line each, an unknown API in access, an API without exactly one source, a base path used twice, a bad base path and a missing file", () => {
            refuses({ ...apis({ orders }), partners: named([{ name: "acme-bank", access: ["odrers"] }]) },
                /^partners\.acme-bank\.access names the API "odrers", which apis does not declare \(the closest is orders\); use one of orders, or add "odrers" to apis$/);
            refuses(apis({ orders: { basePath: "orders" } }), /^apis\.orders sets neither openApiFile nor restApiId; set exactly one: /);
            refuses(apis({ orders: { ...orders, restApiId: "a1b2c3d4e5" } }), /^apis\.orders sets both openApiFile and restApiId; set exactly one: /);
            refuses(apis({ orders, billing: { ...billing, basePath: "orders" } }), /^apis\.billing\.basePath "orders" is also the base path of apis\.orders; give each API its own base path$/);
            refuses(apis({ orders: { ...orders, basePath: "v1/orders" } }), /^apis\.orders\.basePath "v1\/orders" is not one path segment; set it to one path segment/);
            refuses(apis({ orders: { ...orders, openApiFile: "apis/none.yaml" } }), /^apis\.orders\.openApiFile "apis\/none.yaml" cannot be read; put the API's OpenAPI 3.0 file/);
            refuses(apis({ billing: { ...billing, stageName: undefined } }), /^apis\.billing\.stageName is not set; /);
        });

        it("refuses a localUrl off this machine, an id that is not one, and apis in the old list form", () => {
            refuses(apis({ billing: { ...billing, localUrl: "http://billing.internal:9100" } }), /^apis\.billing\.localUrl "http:\/\/billing.internal:9100" is not an http\(s\) URL on this machine; /);
            refuses(apis({ billing: { ...billing, restApiId: "billing" } }), /^apis\.billing\.restApiId "billing" is not a REST API id; /);
            refuses({ apis: JSON.stringify([{ name: "orders", ...orders }]) }, /^apis is a list, but it is a map keyed by name now; write it in the stack file as apigw-mtls:apis: \{orders: \{basePath: orders, openApiFile: apis\/orders.yaml\}\}$/);
        });
    });

    describe("a stack with several mistakes", () => {
        /** The problems parseConfig reports for the changes, one a line. */
        function problems(changes: RawConfig): string[] {
            try {
                parse(changes);
            } catch (error) {
                assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
                return error.message.split("\n");
            }
            assert.fail("accepted the config");
        }

        it("reports every mistake in one run, one a line, each in its own words, in the order of the keys", () => {
            assert.deepEqual(problems({ domainName: "api_dev example", dualStack: "yes", logRetentionDays: "31" }), [
                'domainName "api_dev example" is not a DNS name; set it to the partners\' host name, such as api.dev.example.com',
                'dualStack "yes" is not a boolean; set it to true or false',
                "logRetentionDays 31 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            ]);
        });

        it("reports every bad entry of a list, and of each list", () => {
            const lines = problems({
                partners: JSON.stringify({ "Acme Bank": {}, globex: { caCertFile: "partners/nope.pem" }, initech: {} }),
                revokedSerials: JSON.stringify([{ serial: 4097, reason: "leaked" }, { serial: "0A", reason: "" }]),
            });
            assert.deepEqual(lines.map((line) => line.split(/[ .]/)[0]), ["partners", "partners", "revokedSerials[0]", "revokedSerials[1]"]);
        });

        it("checks a rule across keys once the keys it reads are valid, and reports the other keys beside it", () => {
            assert.deepEqual(problems({ caValidityDays: "365", partnerValidityDays: "400", stageName: "v 1" }).map((line) => line.split(" ")[0]), ["stageName", "partnerValidityDays"]);
            assert.deepEqual(problems({ caValidityDays: "x", partnerValidityDays: "400" }).map((line) => line.split(" ")[0]), ["caValidityDays"]);
        });

        it("reports a missing region with the rest", () =>
            assert.throws(() => parseConfig({ ...valid, dualStack: "yes" }, undefined, env), /: aws:region is not set; .*\ndualStack "yes" is not a boolean; /));

        it("gives a stack file with three mistakes three lines when the program runs", async () => {
            const { runProgram } = await import("../../../tools/simulator/program");
            await assert.rejects(runProgram({ stack: "dev", config: { partnerValidityDay: 90, basePath: "c360/v1", revokedSerials: [{ serial: "0A" }] } }), (error: unknown) => {
                const lines = String(error).split("\n");
                assert.equal(lines.length, 3, String(error));
                assert.match(lines[0], /^ProgramFailure: apigw-mtls:partnerValidityDay is not a key this program reads/);
                assert.match(lines[1], /^basePath "c360\/v1" must be one path segment/);
                assert.match(lines[2], /^revokedSerials\[0\]\.reason of serial A is undefined; /);
                return true;
            });
        });
    });

    describe("keys of the project's namespace", () => {
        let saved: Record<string, string>;
        beforeEach(() => (saved = pulumi.runtime.allConfig()));
        afterEach(() => pulumi.runtime.setAllConfig(saved));

        /** readRawConfig with the stack's config as the Pulumi runtime holds it. */
        function read(config: Record<string, string>): RawConfig {
            pulumi.runtime.setAllConfig(config);
            return readRawConfig(new pulumi.Config("apigw-mtls"));
        }

        it("refuses every key the program does not read, one a line, naming each and the closest key it reads", () => {
            assert.throws(() => read({ "apigw-mtls:dualstack": "true", "apigw-mtls:stagename": "v2" }), /: apigw-mtls:dualstack is not a key .*the closest is dualStack.*\napigw-mtls:stagename is not a key .*the closest is stageName/);
        });

        it("refuses a key the program does not read, in one line naming it and the closest key it reads", () => {
            assert.throws(() => read({ "apigw-mtls:domainName": "api.dev.example.com", "apigw-mtls:partnerValidityDay": "90" }), (error: unknown) => {
                assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
                assert.match(error.message, /^apigw-mtls:partnerValidityDay is not a key this program reads \(the closest is partnerValidityDays\); rename it in Pulumi\.[^ ]+\.yaml, or remove it with `pulumi config rm partnerValidityDay`$/);
                return true;
            });
            assert.throws(() => read({ "apigw-mtls:revokedserial": "[]" }), /the closest is revokedSerials/);
        });

        it("reads the keys it knows, and leaves other namespaces alone", () => {
            const raw = read({ "apigw-mtls:domainName": "api.dev.example.com", "aws:region": "eu-west-1", "aws:profile": "dev" });
            assert.equal(raw.domainName, "api.dev.example.com");
            assert.equal(raw.partners, undefined);
        });

        it("refuses the same key when the program runs under mocks, as tests and local mode run it", async () => {
            const { runProgram } = await import("../../../tools/simulator/program");
            await assert.rejects(runProgram({ stack: "dev", config: { partnerValidityDay: 90 } }),
                /^ProgramFailure: apigw-mtls:partnerValidityDay is not a key this program reads \(the closest is partnerValidityDays\); rename it in Pulumi\.dev\.yaml, or remove it with `pulumi config rm partnerValidityDay`$/);
        });
    });
});
