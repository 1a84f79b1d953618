import { strict as assert } from "node:assert";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AuthorizerLists, authorizerListsFile, certificateKey, issuerId, normaliseSerial } from "../../core/authorizer/decision";
import { ProgramFailure, ProgramRun, RunOptions, runProgram } from "../../tools/simulator/program";
import { acceptsClient } from "../../core/truststore/client-verifier";
import { x509 } from "../../core/x509/x509";
import { daysFrom, makeCa, sharedKey } from "../helpers/certs";
import { makeRequest, Request, withBrokenSignature } from "../helpers/csrs";
import { allOf, archiveFile, only } from "../helpers/outputs";
import { certificateBlocks } from "../../core/truststore/bundle";


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
            assert.deepEqual(apis.map((api) => api.name), ["customer-api", "orders-api"]);
            assert.ok(apis.every((api) => api.inputs.disableExecuteApiEndpoint === true));
        });

        it("aliases the domain name to the domain's regional name and zone", () => {
            const domain = only(run.resources, "aws:apigateway/domainName:DomainName").outputs;
            const alias = only(run.resources, "aws:route53/record:Record");
            assert.equal(alias.inputs.zoneId, "Z0DEV0EXAMPLE0COM00A");
            assert.equal(alias.inputs.name, "api.dev.example.com");
            assert.deepEqual(alias.inputs.aliases, [{ name: domain.regionalDomainName, zoneId: domain.regionalZoneId, evaluateTargetHealth: false }]);
            assert.equal(run.outputs.domainRegionalName, domain.regionalDomainName);
        });

        it("maps each API's stage onto the domain under its base path", () => {
            const mapping = only(run.resources, "aws:apigateway/basePathMapping:BasePathMapping", "mapping-customer-mapping").inputs;
            const stage = only(run.resources, "aws:apigateway/stage:Stage", "customer-stage").inputs;
            assert.equal(only(run.resources, "aws:apigateway/basePathMapping:BasePathMapping", "mapping-orders-mapping").inputs.basePath, "orders");
            assert.deepEqual(run.outputs.apiUrls, { customer: "https://api.dev.example.com/c360", orders: "https://api.dev.example.com/orders" });
            assert.equal(mapping.restApi, only(run.resources, "aws:apigateway/restApi:RestApi", "customer-api").id);
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
            const globex = fs.readFileSync(path.join(__dirname, "..", "..", "partners", "globex-ca.pem"), "utf8");
            const [globexCa] = certificateBlocks(globex);
            assert.ok(globexCa && bundle.includes(globexCa));
        });

        it("issues a certificate to every partner but the one with its own CA, and a key to the generated ones only", () => {
            assert.deepEqual(Object.keys(run.outputs.partnerCertificates).sort(), ["acme-bank", "initech", "vandelay"]);
            assert.deepEqual(Object.keys(run.outputs.partnerPrivateKeys).sort(), ["acme-bank", "initech"]);
            const vandelay = new X509Certificate(run.outputs.partnerCertificates.vandelay);
            const request = new x509.Pkcs10CertificateRequest(fs.readFileSync(path.join(__dirname, "..", "..", "partners", "vandelay.csr"), "utf8"));
            assert.ok(vandelay.publicKey.equals(createPublicKey(request.publicKey.toString("pem"))), "vandelay's certificate is for the key of its request");
            const acme = new X509Certificate(run.outputs.partnerCertificates["acme-bank"]);
            assert.match(acme.subject, /CN=acme-bank.partners.example.com/);
            assert.ok(acme.checkPrivateKey(createPrivateKey(run.outputs.partnerPrivateKeys["acme-bank"])));
        });

        it("exports every private key as a secret", async () => {
            assert.equal(await pulumi.isSecret(run.exports.partnerPrivateKeys as pulumi.Output<unknown>), true);
            assert.equal(await pulumi.isSecret(run.exports.partnerCertificates as pulumi.Output<unknown>), false);
        });
    });

    describe("with a partner that sends a certificate request", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-program-"));
        const file = path.join(dir, "hooli.csr");
        const partners = { "acme-bank": {}, hooli: { csrFile: file }, globex: { caCertFile: "partners/globex-ca.pem" } };
        let request: Request;
        let run: ProgramRun;
        before(async () => {
            request = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
            fs.writeFileSync(file, request.pem);
            run = await runProgram({ stack: "dev", config: { partners } });
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("issues it a client certificate for the request's key and subject, which API Gateway's truststore accepts", async () => {
            const certificate = new X509Certificate(run.outputs.partnerCertificates.hooli);
            const requested = createPublicKey(new x509.Pkcs10CertificateRequest(request.pem).publicKey.toString("pem"));
            assert.ok(certificate.publicKey.equals(requested), "the certificate carries the request's public key");
            assert.match(certificate.subject, /CN=hooli\.partners\.example\.com/);
            assert.equal(certificate.ca, false);
            const bundle = only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2", "truststore-bundle").inputs.content as string;
            const verdict = await acceptsClient(bundle, run.outputs.partnerCertificates.hooli);
            assert.ok(verdict.accepted, verdict.reason);
        });

        it("has the active CA sign the request itself, as a client certificate of the configured validity", () => {
            const signed = only(run.resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-hooli-cert").inputs;
            assert.equal(signed.certRequestPem, request.pem);
            assert.deepEqual(signed.allowedUses, ["client_auth", "digital_signature"]);
            assert.equal(signed.validityPeriodHours, 90 * 24);
            assert.equal(signed.caCertPem, run.outputs.caCertificates[0]);
        });

        it("holds no private key for it: no key or request resource, no entry in partnerPrivateKeys", () => {
            const tlsNames = run.resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.name);
            assert.deepEqual(tlsNames.filter((name) => name.includes("hooli")), ["pki-hooli-cert"]);
            assert.deepEqual(allOf(run.resources, "tls:index/privateKey:PrivateKey").map((k) => k.name).sort(), ["pki-acme-bank-key", "pki-intermediate-key", "pki-root-key"]);
            assert.deepEqual(Object.keys(run.outputs.partnerPrivateKeys), ["acme-bank"]);
        });

        it("gives it a serial, an expiry and an authorizer name like any issued partner", async () => {
            const certificate = new X509Certificate(run.outputs.partnerCertificates.hooli);
            assert.equal(run.outputs.partnerCertificateSerials.hooli, normaliseSerial(certificate.serialNumber));
            const expiry = (run.outputs.certificateExpiry as { kind: string; name: string; notAfter: string }[]).find((e) => e.name === "hooli");
            assert.deepEqual(expiry, { kind: "partner", name: "hooli", notAfter: new Date(certificate.validTo).toISOString() });
            const authorizer = only(run.resources, "aws:lambda/function:Function", "authorizer-function").inputs;
            const lists: AuthorizerLists = JSON.parse(await archiveFile(authorizer.code, authorizerListsFile));
            assert.equal(lists.partnerNames[certificateKey(issuerId(certificate.issuer), normaliseSerial(certificate.serialNumber) as string)], "hooli");
        });

        it("issues a new certificate under a new name for the same request when its generation is bumped", async () => {
            const bumped = await runProgram({ stack: "dev", config: { partners: { ...partners, hooli: { ...partners.hooli, generation: 2 } } } });
            const names = bumped.resources.filter((r) => r.type.startsWith("tls:") && r.name.includes("hooli")).map((r) => r.name);
            assert.deepEqual(names, ["pki-hooli-cert-g2"]);
            const [before, after] = [run, bumped].map((r) => new X509Certificate(r.outputs.partnerCertificates.hooli));
            assert.notEqual(after.serialNumber, before.serialNumber);
            assert.ok(after.publicKey.equals(before.publicKey), "the same request, so the same key");
        });
    });

    describe("with a bad certificate request", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-program-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const cases: [string, () => Promise<string | undefined>, RegExp][] = [
            ["a request that does not parse", async () => "-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n", /holds a certificate request that does not parse; ask the partner for a new request, made with `openssl req -new -newkey ec/],
            ["a request whose signature does not verify", async () => withBrokenSignature((await makeRequest("CN=hooli")).pem), /has a signature that does not verify with its own public key/],
            ["a request for an RSA-1024 key", async () => (await makeRequest("CN=hooli", { key: await sharedKey("rsa1024") })).pem, /is for an RSA key of 1024 bits: API Gateway needs RSA keys of at least 2048 bits/],
            ["a request for a P-521 key", async () => (await makeRequest("CN=hooli", { key: await sharedKey("p521") })).pem, /is for an ECDSA key on P-521: API Gateway accepts only the P-256 and P-384 curves/],
            ["a request for an Ed25519 key", async () => (await makeRequest("CN=hooli", { key: await sharedKey("ed25519") })).pem, /is for an Ed25519 key: API Gateway does not accept Ed25519 keys/],
            ["a request to be a CA", async () => (await makeRequest("CN=hooli", { asksToBeCa: true })).pem, /asks to be a CA \(basicConstraints CA:TRUE among its requested extensions\).*without basicConstraints CA:TRUE/],
            ["a request file that is missing", async () => undefined, /cannot be read; put the partner's certificate request \(PEM\) at that path/],
        ];
        for (const [what, content, message] of cases) {
            it(`stops before declaring any resource on ${what}, naming the partner and the file`, async () => {
                const file = path.join(dir, `${what.replace(/\W+/g, "-")}.csr`);
                const pem = await content();
                if (pem !== undefined) {
                    fs.writeFileSync(file, pem);
                }
                const failure = await runProgram({ stack: "dev", config: { partners: { "acme-bank": {}, hooli: { csrFile: file } } } }).then(
                    () => assert.fail("the program accepted the request"),
                    (error: unknown) => error,
                );
                assert.ok(failure instanceof ProgramFailure);
                assert.ok(failure.message.startsWith(`partners.hooli.csrFile "${file}" `), failure.message);
                assert.match(failure.message, message);
                assert.doesNotMatch(failure.message, /\n/);
                assert.deepEqual(failure.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
            });
        }
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

        it("names its resources without the stack, which their URNs carry", () => {
            assert.deepEqual(run.resources.filter((r) => r.name.includes("prod")).map((r) => r.name), ["apigw-mtls-prod"]);
            assert.equal(only(run.resources, "aws:apigateway/domainName:DomainName").urn, "urn:pulumi:prod::apigw-mtls::aws:apigateway/domainName:DomainName::domain-domain");
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
            const failure = await runProgram({ stack: "dev", config: { partners: { expired: { caCertFile: file } } } }).then(
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
            ["partners in the old list form", { partners: [{ name: "acme" }] }, /^partners is a list, but it is a map keyed by name now; write it in the stack file as apigw-mtls:partners: \{acme: \{\}\}$/],
            ["a partner name outside [a-z0-9-]", { partners: { ACME_bank: {} } }, /partners\.ACME_bank: the partner name "ACME_bank" must be/],
            ["access to an API the stack does not have", { partners: { acme: { access: ["billing"] } } }, /^partners\.acme\.access names the API "billing", which apis does not declare/],
            ["an Ed25519 key", { keyAlgorithm: "ED25519" }, /keyAlgorithm "ED25519" cannot be used/],
            ["a P-521 key", { keyAlgorithm: "ECDSA-P521" }, /keyAlgorithm "ECDSA-P521" cannot be used/],
            ["RSA-1024", { keyAlgorithm: "RSA-1024" }, /keyAlgorithm "RSA-1024" cannot be used/],
            ["a non-positive validity", { partnerValidityDays: 0 }, /partnerValidityDays "0" must be a positive whole number/],
            ["a leaf that outlives its CA", { caValidityDays: 100, partnerValidityDays: 100 }, /partnerValidityDays 100 must end before the CA/],
            ["a missing external CA file", { partners: { globex: { caCertFile: "partners/missing.pem" } } }, /partners\.globex\.caCertFile "partners\/missing.pem" cannot be read/],
            ["an external CA file that is not PEM", { partners: { globex: { caCertFile: "Pulumi.yaml" } } }, /partners\.globex\.caCertFile "Pulumi.yaml" holds no PEM certificate/],
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
