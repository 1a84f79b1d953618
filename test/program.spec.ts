import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, ProgramRun, RunOptions, runProgram } from "../mocks/program";
import { daysFrom, makeCa } from "./certs";
import { allOf, only } from "./helpers";
import { certificateBlocks } from "../components/bundle";


describe("the program", () => {
    describe("on the dev stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram({ stack: "dev" });
        });

        it("builds a Regional TLS_1_2 domain whose truststore URI and version are the truststore object's", () => {
            const domain = only(run.resources, "aws:apigateway/domainName:DomainName").inputs;
            const bucket = only(run.resources, "aws:s3/bucket:Bucket").outputs;
            const object = only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.equal(domain.domainName, "api.dev.example.com");
            assert.equal(domain.endpointConfiguration.types, "REGIONAL");
            assert.equal(domain.securityPolicy, "TLS_1_2");
            assert.equal(domain.mutualTlsAuthentication.truststoreUri, `s3://${bucket.bucket}/${object.inputs.key}`);
            assert.equal(domain.mutualTlsAuthentication.truststoreVersion, object.outputs.versionId);
            assert.equal(run.outputs.truststoreUri, domain.mutualTlsAuthentication.truststoreUri);
            assert.equal(run.outputs.truststoreVersion, object.outputs.versionId);
        });

        it("disables the execute-api endpoint of every REST API", () => {
            const apis = allOf(run.resources, "aws:apigateway/restApi:RestApi");
            assert.equal(apis.length, 1);
            assert.equal(apis[0].inputs.disableExecuteApiEndpoint, true);
        });

        it("aliases the domain name to the domain's regional name and zone", () => {
            const domain = only(run.resources, "aws:apigateway/domainName:DomainName").outputs;
            const alias = only(run.resources, "aws:route53/record:Record");
            assert.equal(alias.inputs.zoneId, "Z0DEV0EXAMPLE0COM00A");
            assert.equal(alias.inputs.name, "api.dev.example.com");
            assert.deepEqual(alias.inputs.aliases, [{ name: domain.regionalDomainName, zoneId: domain.regionalZoneId, evaluateTargetHealth: false }]);
            assert.equal(run.outputs.domainRegionalName, domain.regionalDomainName);
        });

        it("maps the API's stage onto the domain under the configured base path", () => {
            const mapping = only(run.resources, "aws:apigateway/basePathMapping:BasePathMapping").inputs;
            const stage = only(run.resources, "aws:apigateway/stage:Stage").inputs;
            assert.equal(mapping.restApi, only(run.resources, "aws:apigateway/restApi:RestApi").id);
            assert.equal(mapping.stageName, stage.stageName);
            assert.equal(stage.stageName, "v1");
            assert.equal(mapping.domainName, "api.dev.example.com");
            assert.equal(mapping.basePath, "c360");
            assert.equal(run.outputs.apiUrl, "https://api.dev.example.com/c360");
        });

        it("puts every trusted CA in the bundle once: the generated chain and the partner's own CA", () => {
            const bundle = only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.content as string;
            const subjects = certificateBlocks(bundle).map((pem) => new X509Certificate(pem).subject);
            assert.equal(subjects.length, 3);
            assert.ok(subjects.some((s) => s.includes("CN=Example Corp partner root CA")));
            assert.ok(subjects.some((s) => s.includes("CN=Example Corp partner issuing CA")));
            assert.ok(subjects.some((s) => s.includes("CN=Globex Partner Root CA")));
            const globex = fs.readFileSync(path.join(__dirname, "..", "partners", "globex-ca.pem"), "utf8");
            const [globexCa] = certificateBlocks(globex);
            assert.ok(globexCa && bundle.includes(globexCa));
        });

        it("issues the generated partners, and only them, a certificate and a key", () => {
            assert.deepEqual(Object.keys(run.outputs.partnerCertificates).sort(), ["acme-bank", "initech"]);
            assert.deepEqual(Object.keys(run.outputs.partnerPrivateKeys).sort(), ["acme-bank", "initech"]);
            const acme = new X509Certificate(run.outputs.partnerCertificates["acme-bank"]);
            assert.match(acme.subject, /CN=acme-bank.partners.example.com/);
            assert.ok(acme.checkPrivateKey(require("node:crypto").createPrivateKey(run.outputs.partnerPrivateKeys["acme-bank"])));
        });

        it("exports every private key as a secret", async () => {
            assert.equal(await pulumi.isSecret(run.exports.partnerPrivateKeys as pulumi.Output<unknown>), true);
            assert.equal(await pulumi.isSecret(run.exports.partnerCertificates as pulumi.Output<unknown>), false);
        });
    });

    describe("on the prod stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram({ stack: "prod" });
        });

        it("keeps the truststore bucket on destroy, and trusts only the generated chain and external partners", () => {
            assert.equal(only(run.resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
            assert.deepEqual(run.outputs.partnerCertificates, {});
        });

        it("requests its own certificate and serves IPv6 with an AAAA alias", () => {
            only(run.resources, "aws:acm/certificate:Certificate");
            const aliases = allOf(run.resources, "aws:route53/record:Record").filter((r) => r.inputs.aliases);
            assert.deepEqual(aliases.map((r) => r.inputs.type).sort(), ["A", "AAAA"]);
        });

        it("uses P-384 keys and a ten-year root", () => {
            const root = only(run.resources, "tls:index/selfSignedCert:SelfSignedCert");
            assert.equal(root.inputs.validityPeriodHours, 3650 * 24);
            assert.ok(allOf(run.resources, "tls:index/privateKey:PrivateKey").every((k) => k.inputs.ecdsaCurve === "P384"));
        });
    });

    describe("with a partner CA that breaks the truststore rules", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-program-"));
        const file = path.join(dir, "expired-partner-ca.pem");
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("stops the deployment before the bundle is uploaded, naming the finding", async () => {
            const expired = await makeCa("CN=Expired Partner CA", { notBefore: daysFrom(new Date(), -400), notAfter: daysFrom(new Date(), -1) });
            fs.writeFileSync(file, expired.pem);
            const failure = await runProgram({ stack: "dev", config: { partners: [{ name: "expired", caCertFile: file }] } }).then(
                () => assert.fail("the program accepted the bundle"),
                (error: unknown) => error,
            );
            assert.ok(failure instanceof ProgramFailure);
            assert.match(failure.message, /truststore bundle breaks API Gateway's rules/);
            assert.match(failure.message, /error expired CN=Expired Partner CA/);
            assert.deepEqual(allOf(failure.resources, "aws:s3/bucketObjectv2:BucketObjectv2"), [], "nothing was uploaded");
        });
    });

    describe("with bad config", () => {
        const cases: [string, RunOptions["config"], RegExp][] = [
            ["an empty domain", { domainName: "" }, /domainName is not set/],
            ["a hosted zone id that is not one", { hostedZoneId: "example.com." }, /hostedZoneId "example.com." is not a Route 53 hosted zone id/],
            ["duplicate partner names", { partners: [{ name: "acme" }, { name: "acme" }] }, /partners\[1\]\.name "acme" is used twice/],
            ["a partner name outside [a-z0-9-]", { partners: [{ name: "ACME_bank" }] }, /partners\[0\]\.name "ACME_bank" must be/],
            ["an Ed25519 key", { keyAlgorithm: "ED25519" }, /keyAlgorithm "ED25519" cannot be used/],
            ["a P-521 key", { keyAlgorithm: "ECDSA-P521" }, /keyAlgorithm "ECDSA-P521" cannot be used/],
            ["RSA-1024", { keyAlgorithm: "RSA-1024" }, /keyAlgorithm "RSA-1024" cannot be used/],
            ["a non-positive validity", { partnerValidityDays: 0 }, /partnerValidityDays "0" must be a positive whole number/],
            ["a leaf that outlives its CA", { caValidityDays: 100, partnerValidityDays: 100 }, /partnerValidityDays 100 must end before the CA/],
            ["a missing external CA file", { partners: [{ name: "globex", caCertFile: "partners/missing.pem" }] }, /caCertFile "partners\/missing.pem" of partner "globex" cannot be read/],
            ["an external CA file that is not PEM", { partners: [{ name: "globex", caCertFile: "Pulumi.yaml" }] }, /caCertFile "Pulumi.yaml" of partner "globex" holds no PEM certificate/],
        ];
        for (const [what, config, message] of cases) {
            it(`stops before declaring any resource on ${what}`, async () => {
                const failure = await runProgram({ stack: "dev", config }).then(
                    () => assert.fail("the program accepted the config"),
                    (error: unknown) => error,
                );
                assert.ok(failure instanceof ProgramFailure);
                assert.match(failure.message, message);
                assert.deepEqual(failure.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
            });
        }
    });
});
