import { strict as assert } from "node:assert";
import { BasePathMapping } from "../../components/base-path-mapping";
import { DnsAlias } from "../../components/dns-alias";
import { GatewayAccount } from "../../components/gateway-account";
import { MtlsDomain } from "../../components/mtls-domain";
import { bundleHandler, NodeFunction } from "../../components/node-function";
import { PartnerAuthorizer } from "../../components/partner-authorizer";
import { caCommonName, generationName, PartnerPki } from "../../components/partner-pki";
import { Truststore, TruststoreError } from "../../components/truststore";
import { CrlError } from "../../core/x509/crl";
import { createPublicKey, X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { x509 } from "../../core/x509/x509";
import { certificateKey, issuedSubjectKey, issuerId, normaliseSerial, partnerNames, revocationList, subjectKey } from "../../core/authorizer/decision";
import { daysFrom, makeCa, makeLeaf } from "../helpers/certs";
import { makeCrl } from "../helpers/crls";
import { makeRequest } from "../helpers/csrs";
import { allOf, archiveFile, captureResources, only, valueOf } from "../helpers/outputs";
import { certificateBlocks } from "../../core/truststore/bundle";


describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("PartnerPki", () => {
        const partners = [
            { kind: "generated" as const, name: "acme", access: [], commonName: "acme.partners.example.com", organization: "Acme", generation: 1 },
            { kind: "generated" as const, name: "initech", access: [], commonName: "initech", organization: "Initech", generation: 1 },
        ];

        it("issues each partner a client certificate that chains through the intermediate to the root", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners });
            const [intermediate, root] = (await valueOf(pki.caCertificatePems)).map((pem) => new X509Certificate(pem));
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(root.ca && intermediate.ca, "both CA certificates are CAs");
            assert.equal(root.subject, root.issuer);
            assert.ok(intermediate.checkIssued(root) && intermediate.verify(root.publicKey), "the root signed the intermediate");
            assert.ok(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey), "the intermediate signed the leaf");
            assert.equal(leaf.ca, false);
            assert.match(leaf.subject, /CN=acme.partners.example.com/);

            const resources = await capture.settled();
            assert.deepEqual(only(resources, "tls:index/selfSignedCert:SelfSignedCert").inputs.allowedUses, ["cert_signing", "crl_signing"]);
            assert.equal(only(resources, "tls:index/selfSignedCert:SelfSignedCert").inputs.validityPeriodHours, 400 * 24);
            const leafInputs = only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-acme-cert").inputs;
            assert.deepEqual(leafInputs.allowedUses, ["client_auth", "digital_signature"]);
            assert.equal(leafInputs.validityPeriodHours, 7 * 24);
            assert.equal(only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-intermediate").inputs.isCaCertificate, true);
            assert.equal(allOf(resources, "tls:index/privateKey:PrivateKey").length, 4, "root, intermediate and one key per partner");
        });

        it("wraps every partner private key in a secret and leaves certificates plain", async () => {
            await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners });
            for (const name of ["acme", "initech"]) {
                const { privateKeyPem, certificatePem } = pki.partners[name];
                assert.ok(privateKeyPem, `${name} has a key`);
                assert.equal(await pulumi.isSecret(privateKeyPem), true, `${name}'s key is secret`);
                assert.equal(await pulumi.isSecret(certificatePem), false, `${name}'s certificate is not`);
                assert.match(await valueOf(privateKeyPem), /-----BEGIN EC PRIVATE KEY-----/);
            }
        });

        it("signs a partner's own request with the issuing CA, and makes no key or request for it", async () => {
            const capture = await captureResources();
            const { pem } = await makeRequest("CN=hooli.partners.example.com, O=Hooli");
            const pki = new PartnerPki("pki", {
                organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7,
                partners: [{ kind: "csr", name: "hooli", access: [], csrFile: "partners/hooli.csr", csrPem: pem, generation: 1 }],
            });
            assert.equal(pki.partners.hooli.privateKeyPem, undefined);
            const [intermediate] = (await valueOf(pki.caCertificatePems)).map((p) => new X509Certificate(p));
            const leaf = new X509Certificate(await valueOf(pki.partners.hooli.certificatePem));
            assert.ok(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey), "the intermediate signed it");
            assert.ok(leaf.publicKey.equals(createPublicKey(new x509.Pkcs10CertificateRequest(pem).publicKey.toString("pem"))), "for the request's key");
            const resources = await capture.settled();
            const signed = only(resources, "tls:index/locallySignedCert:LocallySignedCert", "pki-hooli-cert").inputs;
            assert.equal(signed.certRequestPem, pem);
            assert.deepEqual(signed.allowedUses, ["client_auth", "digital_signature"]);
            assert.equal(signed.validityPeriodHours, 7 * 24);
            assert.deepEqual(allOf(resources, "tls:index/privateKey:PrivateKey").map((k) => k.name).sort(), ["pki-intermediate-key", "pki-root-key"]);
            assert.deepEqual(allOf(resources, "tls:index/certRequest:CertRequest").map((r) => r.name), ["pki-intermediate-csr"]);
        });

        it("signs partners with the root itself when there is no intermediate, using the configured key algorithm", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "RSA-2048", intermediateCa: false, caValidityDays: 400, partnerValidityDays: 7, partners: partners.slice(0, 1) });
            const chain = await valueOf(pki.caCertificatePems);
            assert.equal(chain.length, 1);
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(leaf.verify(new X509Certificate(chain[0]).publicKey));
            const keys = allOf(await capture.settled(), "tls:index/privateKey:PrivateKey");
            assert.deepEqual(keys.map((k) => [k.inputs.algorithm, k.inputs.rsaBits]), [["RSA", 2048], ["RSA", 2048]]);
            assert.equal(leaf.publicKey.asymmetricKeyType, "rsa");
        });
    });

    describe("PartnerPki generations", () => {
        const base = { organization: "Example", keyAlgorithm: "ECDSA-P256" as const, caValidityDays: 400, partnerValidityDays: 7 };

        it("names generation 1 as before and a later one with a -g<n> suffix, and the CA's common name likewise", () => {
            assert.equal(generationName("pki-acme-key", 1), "pki-acme-key");
            assert.equal(generationName("pki-acme-key", 3), "pki-acme-key-g3");
            assert.equal(caCommonName("Example", "root", 1), "Example partner root CA");
            assert.equal(caCommonName("Example", "issuing", 2), "Example partner issuing CA G2");
        });

        it("gives a partner of a later generation a new key, request and certificate, and leaves the others' names alone", async () => {
            const capture = await captureResources();
            new PartnerPki("pki", {
                ...base,
                partners: [
                    { kind: "generated", name: "acme", access: [], commonName: "acme", organization: "Acme", generation: 2 },
                    { kind: "generated", name: "initech", access: [], commonName: "initech", organization: "Initech", generation: 1 },
                ],
            });
            const names = (await capture.settled()).filter((r) => r.type.startsWith("tls:")).map((r) => r.name).sort();
            assert.deepEqual(names, [
                "pki-acme-cert-g2", "pki-acme-csr-g2", "pki-acme-key-g2",
                "pki-initech-cert", "pki-initech-csr", "pki-initech-key",
                "pki-intermediate", "pki-intermediate-csr", "pki-intermediate-key", "pki-root", "pki-root-key",
            ]);
        });

        it("keeps every CA generation for the truststore and issues partners from the active one", async () => {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", {
                ...base,
                caGenerations: [1, 2],
                activeCaGeneration: 2,
                partners: [{ kind: "generated", name: "acme", access: [], commonName: "acme", organization: "Acme", generation: 1 }],
            });
            const all = (await valueOf(pki.caCertificatePems)).map((pem) => new X509Certificate(pem));
            assert.deepEqual(all.map((c) => c.subject.split("\n").pop()), [
                "CN=Example partner issuing CA", "CN=Example partner root CA", "CN=Example partner issuing CA G2", "CN=Example partner root CA G2",
            ]);
            const [issuing, root] = (await valueOf(pki.activeChainPems)).map((pem) => new X509Certificate(pem));
            assert.match(root.subject, /CN=Example partner root CA G2$/);
            const leaf = new X509Certificate(await valueOf(pki.partners.acme.certificatePem));
            assert.ok(leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey), "the G2 issuing CA signed the partner");
            const names = (await capture.settled()).filter((r) => r.type.startsWith("tls:")).map((r) => r.name);
            for (const name of ["pki-root-key", "pki-root", "pki-intermediate", "pki-root-key-g2", "pki-root-g2", "pki-intermediate-key-g2", "pki-intermediate-csr-g2", "pki-intermediate-g2", "pki-acme-cert"]) {
                assert.ok(names.includes(name), name);
            }
        });
    });

    describe("Truststore", () => {
        async function truststore(retainOnDelete?: boolean) {
            const capture = await captureResources();
            const pki = new PartnerPki("pki", { organization: "Example", keyAlgorithm: "ECDSA-P256", caValidityDays: 400, partnerValidityDays: 7, partners: [] });
            const store = new Truststore("store", { caCertificatePems: pki.caCertificatePems, retainOnDelete });
            const [uri, version, bundle, chain] = await Promise.all([valueOf(store.uri), valueOf(store.version), valueOf(store.bundlePem), valueOf(pki.caCertificatePems)]);
            return { uri, version, bundle, chain, resources: await capture.settled() };
        }

        it("keeps the bundle in a private, versioned, encrypted bucket that refuses plain HTTP", async () => {
            const { resources } = await truststore();
            const bucket = only(resources, "aws:s3/bucket:Bucket");
            assert.equal(bucket.inputs.forceDestroy, true);
            assert.equal(only(resources, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
            const sse = only(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
            assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const block = only(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
            for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                assert.equal(block[flag], true, flag);
            }
            assert.equal(only(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
            const policy = JSON.parse(only(resources, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
            assert.equal(policy.Statement[0].Effect, "Deny");
            assert.deepEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.deepEqual(policy.Statement[0].Resource, [bucket.outputs.arn, `${bucket.outputs.arn}/*`]);
        });

        it("uploads the CA chain and points uri and version at that object", async () => {
            const { uri, version, bundle, chain, resources } = await truststore();
            const object = only(resources, "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.equal(object.inputs.content, bundle);
            assert.equal(uri, `s3://${only(resources, "aws:s3/bucket:Bucket").outputs.bucket}/truststore.pem`);
            assert.equal(version, object.outputs.versionId);
            const fingerprints = certificateBlocks(bundle).map((pem) => new X509Certificate(pem).fingerprint256);
            assert.deepEqual(fingerprints.sort(), chain.map((pem) => new X509Certificate(pem).fingerprint256).sort());
        });

        it("stops before upload with every finding when the bundle breaks the truststore rules", async () => {
            const weak = await makeCa("CN=Weak Partner CA", { hash: "SHA-1" });
            const expired = await makeCa("CN=Old Partner CA", { notBefore: daysFrom(new Date(), -400), notAfter: daysFrom(new Date(), -10) });
            await captureResources();
            const store = new Truststore("store", { caCertificatePems: [weak.pem, expired.pem] });
            const failure = await valueOf(store.bundlePem).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof TruststoreError, `expected a TruststoreError, got ${String(failure)}`);
            assert.deepEqual(failure.findings.map((f) => f.code).sort(), ["expired", "weak-signature-hash"]);
            assert.match(failure.message, /error weak-signature-hash CN=Weak Partner CA/);
            assert.match(failure.message, /error expired CN=Old Partner CA/);
        });

        it("uploads a bundle with only warnings, and logs them", async () => {
            const soon = await makeCa("CN=Soon Partner CA", { notAfter: daysFrom(new Date(), 5) });
            const warned: string[] = [];
            const warn = pulumi.log.warn;
            pulumi.log.warn = async (message: string) => void warned.push(message);
            try {
                await captureResources();
                const store = new Truststore("store", { caCertificatePems: [soon.pem] });
                assert.equal(await valueOf(store.bundlePem), soon.pem);
            } finally {
                pulumi.log.warn = warn;
            }
            assert.equal(warned.length, 1);
            assert.match(warned[0], /^warning expiring-soon CN=Soon Partner CA/);
        });

        it("verifies a CRL against its CAs, uploads it beside the bundle, and lists what it revokes", async () => {
            const ca = await makeCa("CN=Globex Partner CA, O=Globex");
            const leaf = await makeLeaf("CN=globex-client", ca);
            const crl = await makeCrl(ca, [{ serial: leaf.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }]);
            const capture = await captureResources();
            const store = new Truststore("store", { caCertificatePems: [ca.pem], crl: { file: "partners/globex.crl.pem", pems: [crl] } });
            assert.deepEqual(await valueOf(store.crlRevocations), [
                { issuerId: issuerId(new X509Certificate(leaf.pem).issuer), serial: normaliseSerial(leaf.cert.serialNumber), reason: "keyCompromise (CRL)" },
            ]);
            await valueOf(store.version);
            const objects = allOf(await capture.settled(), "aws:s3/bucketObjectv2:BucketObjectv2");
            const uploaded = objects.find((o) => o.inputs.key === "revocations.crl.pem");
            assert.equal(uploaded?.inputs.content, crl);
            assert.equal(uploaded?.inputs.bucket, objects.find((o) => o.inputs.key === "truststore.pem")?.inputs.bucket);
        });

        it("stops before uploading a CRL that no CA of the bundle signed", async () => {
            const ca = await makeCa("CN=Globex Partner CA, O=Globex");
            const stranger = await makeCa("CN=Stranger CA");
            const crl = await makeCrl(stranger, [{ serial: "01" }]);
            const capture = await captureResources();
            const store = new Truststore("store", { caCertificatePems: [ca.pem], crl: { file: "partners/globex.crl.pem", pems: [crl] } });
            const failure = await valueOf(store.crlRevocations).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof CrlError, `expected a CrlError, got ${String(failure)}`);
            assert.match(failure.message, /issued by "CN=Stranger CA"\) comes from a CA that is not in the truststore/);
            const resources = await capture.settled();
            assert.equal(allOf(resources, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.inputs.key === "revocations.crl.pem").length, 0);
        });

        it("warns about CAs within the configured expiry window", async () => {
            const ca = await makeCa("CN=Partner CA", { notAfter: daysFrom(new Date(), 45) });
            const warned: string[] = [];
            const warn = pulumi.log.warn;
            pulumi.log.warn = async (message: string) => void warned.push(message);
            try {
                await captureResources();
                await valueOf(new Truststore("store", { caCertificatePems: [ca.pem] }).bundlePem);
                assert.equal(warned.length, 0, "45 days is outside the default 30");
                await valueOf(new Truststore("store2", { caCertificatePems: [ca.pem], expiryWarningDays: 60 }).bundlePem);
            } finally {
                pulumi.log.warn = warn;
            }
            assert.equal(warned.length, 1);
            assert.match(warned[0], /^warning expiring-soon CN=Partner CA/);
        });

        it("keeps the bucket on destroy when asked to", async () => {
            const { resources } = await truststore(true);
            assert.equal(only(resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
        });
    });

    describe("MtlsDomain", () => {
        const base = { domainName: "api.example.com", hostedZoneId: "Z123", truststoreUri: "s3://b/truststore.pem", truststoreVersion: "v1" };

        it("is Regional, TLS_1_2, and requires client certificates from the given truststore version", async () => {
            const capture = await captureResources();
            new MtlsDomain("d", { ...base, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x", ownershipVerificationCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/y" });
            const resources = await capture.settled();
            const domain = only(resources, "aws:apigateway/domainName:DomainName").inputs;
            assert.deepEqual(domain.endpointConfiguration, { types: "REGIONAL", ipAddressType: "ipv4" });
            assert.equal(domain.securityPolicy, "TLS_1_2");
            assert.equal(domain.regionalCertificateArn, "arn:aws:acm:eu-west-1:123456789012:certificate/x");
            assert.equal(domain.ownershipVerificationCertificateArn, "arn:aws:acm:eu-west-1:123456789012:certificate/y");
            assert.deepEqual(domain.mutualTlsAuthentication, { truststoreUri: "s3://b/truststore.pem", truststoreVersion: "v1" });
            assert.equal(domain.certificateArn, undefined, "no edge certificate");
            assert.equal(allOf(resources, "aws:acm/certificate:Certificate").length, 0);
        });

        it("requests and DNS-validates a certificate when none is configured", async () => {
            const capture = await captureResources();
            const d = new MtlsDomain("d", { ...base, dualStack: true });
            await valueOf(d.domain.regionalDomainName);
            const resources = await capture.settled();
            const certificate = only(resources, "aws:acm/certificate:Certificate");
            assert.equal(certificate.inputs.validationMethod, "DNS");
            const record = only(resources, "aws:route53/record:Record").inputs;
            assert.equal(record.zoneId, "Z123");
            assert.equal(record.name, certificate.outputs.domainValidationOptions[0].resourceRecordName);
            assert.deepEqual(record.records, [certificate.outputs.domainValidationOptions[0].resourceRecordValue]);
            const validation = only(resources, "aws:acm/certificateValidation:CertificateValidation").inputs;
            assert.equal(validation.certificateArn, certificate.outputs.arn);
            assert.equal(only(resources, "aws:apigateway/domainName:DomainName").inputs.regionalCertificateArn, certificate.outputs.arn);
            assert.equal(only(resources, "aws:apigateway/domainName:DomainName").inputs.endpointConfiguration.ipAddressType, "dualstack");
        });
    });

    describe("BasePathMapping", () => {
        it("maps the stage under the base path and gives the API's URL", async () => {
            const capture = await captureResources();
            const mapping = new BasePathMapping("m", { restApi: "api123", stageName: "v1", domainName: "api.example.com", basePath: "c360" });
            assert.equal(await valueOf(mapping.url), "https://api.example.com/c360");
            const inputs = only(await capture.settled(), "aws:apigateway/basePathMapping:BasePathMapping").inputs;
            assert.deepEqual(inputs, { restApi: "api123", stageName: "v1", domainName: "api.example.com", basePath: "c360" });
        });
    });

    describe("DnsAlias", () => {
        const args = { zoneId: "Z123", name: "api.example.com", targetName: "d-abc.execute-api.eu-west-1.amazonaws.com", targetZoneId: "ZLY8HYME6SFDD" };

        it("aliases the name to the domain's regional name and zone with an A record", async () => {
            const capture = await captureResources();
            new DnsAlias("a", args);
            const records = allOf(await capture.settled(), "aws:route53/record:Record");
            assert.deepEqual(records.map((r) => r.inputs.type), ["A"]);
            assert.deepEqual(records[0].inputs.aliases, [{ name: args.targetName, zoneId: args.targetZoneId, evaluateTargetHealth: false }]);
            assert.equal(records[0].inputs.zoneId, "Z123");
        });

        it("adds an AAAA alias for a dual-stack domain", async () => {
            const capture = await captureResources();
            new DnsAlias("a", { ...args, ipv6: true });
            const records = allOf(await capture.settled(), "aws:route53/record:Record");
            assert.deepEqual(records.map((r) => r.inputs.type).sort(), ["A", "AAAA"]);
        });
    });

    describe("GatewayAccount", () => {
        it("creates a logging role API Gateway can assume, and sets it on the account", async () => {
            const capture = await captureResources();
            new GatewayAccount("g", {});
            const resources = await capture.settled();
            const role = only(resources, "aws:iam/role:Role");
            assert.equal(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service, "apigateway.amazonaws.com");
            assert.match(only(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn, /AmazonAPIGatewayPushToCloudWatchLogs$/);
            assert.equal(only(resources, "aws:apigateway/account:Account").inputs.cloudwatchRoleArn, role.outputs.arn);
        });

        it("uses an existing role without creating one", async () => {
            const capture = await captureResources();
            new GatewayAccount("g", { cloudwatchRoleArn: "arn:aws:iam::123456789012:role/existing" });
            const resources = await capture.settled();
            assert.equal(allOf(resources, "aws:iam/role:Role").length, 0);
            assert.equal(only(resources, "aws:apigateway/account:Account").inputs.cloudwatchRoleArn, "arn:aws:iam::123456789012:role/existing");
        });
    });

    describe("NodeFunction", () => {
        it("runs the bundled handler on arm64 and the newest Node.js runtime, with a role that may only write its own log group", async () => {
            const capture = await captureResources();
            const fn = new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), logRetentionDays: 14 });
            await valueOf(fn.function.arn);
            const resources = await capture.settled();
            assert.deepEqual(resources.filter((r) => r.custom).map((r) => r.name).sort(), ["f", "f-log", "f-logs", "f-role"]);
            const role = only(resources, "aws:iam/role:Role", "f-role");
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
            const attachment = only(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "f-logs").inputs;
            assert.equal(attachment.role, role.outputs.name);
            assert.match(attachment.policyArn, /\/AWSLambdaBasicExecutionRole$/);
            const log = only(resources, "aws:cloudwatch/logGroup:LogGroup", "f-log");
            assert.equal(log.inputs.retentionInDays, 14);
            const inputs = only(resources, "aws:lambda/function:Function", "f").inputs;
            assert.deepEqual([inputs.runtime, inputs.architectures, inputs.handler, inputs.memorySize, inputs.timeout], ["nodejs24.x", ["arm64"], "index.handler", 256, 10]);
            assert.equal(inputs.role, role.outputs.arn);
            assert.deepEqual(inputs.loggingConfig, { logFormat: "JSON", logGroup: log.outputs.name });
            assert.equal(inputs.environment, undefined);
            assert.match(await archiveFile(inputs.code, "index.js"), /exports/, "the bundled handler");
        });

        it("packages the given files beside the code and sets the given environment and timeout", async () => {
            const capture = await captureResources();
            new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), files: { "data.json": "{}" }, environment: { MODE: "test" }, timeout: 3, logRetentionDays: 14 });
            const inputs = only(await capture.settled(), "aws:lambda/function:Function").inputs;
            assert.equal(await archiveFile(inputs.code, "data.json"), "{}");
            assert.deepEqual(inputs.environment, { variables: { MODE: "test" } });
            assert.equal(inputs.timeout, 3);
        });

        it("allows its role what policyStatements allow, in an inline policy the function waits for", async () => {
            const capture = await captureResources();
            const statement = { Effect: "Allow" as const, Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/p"] };
            const fn = new NodeFunction("f", { entry: require.resolve("../../handlers/customer"), logRetentionDays: 14, policyStatements: [statement] });
            await valueOf(fn.function.arn);
            const resources = await capture.settled();
            const policy = only(resources, "aws:iam/rolePolicy:RolePolicy", "f-policy").inputs;
            assert.equal(policy.role, only(resources, "aws:iam/role:Role", "f-role").outputs.name);
            assert.deepEqual(JSON.parse(policy.policy), { Version: "2012-10-17", Statement: [statement] });
        });

        it("leaves AWS SDK v3 out of the bundle, for the Lambda runtime to provide", () => {
            const code = bundleHandler(require.resolve("../../handlers/authorizer"));
            assert.match(code, /require\("@aws-sdk\/client-ssm"\)/);
            assert.doesNotMatch(code, /class SSMClient/);
        });
    });

    describe("PartnerAuthorizer", () => {
        const revokedSerials = [{ serial: "A1B2", reason: "key leaked, SEC-1" }];
        const crlRevocations = [{ issuerId: "0123456789abcdef", serial: "FF", reason: "keyCompromise (CRL)" }];
        const list = { anyIssuer: { A1B2: "key leaked, SEC-1" }, byIssuer: { "0123456789abcdef": { FF: "keyCompromise (CRL)" } } };

        it("builds the list from config entries for any issuer and CRL entries for their issuer", () => {
            assert.deepEqual(revocationList(revokedSerials, crlRevocations), list);
        });

        it("names issued certificates by issuer and serial, by issuer and subject and by subject, and a partner's own CAs by issuer", async () => {
            const ours = await makeCa("CN=Example partner issuing CA");
            const acme = await makeLeaf("CN=acme", ours);
            const globexCa = await makeCa("CN=Globex Partner CA");
            const cert = new X509Certificate(acme.pem);
            assert.deepEqual(partnerNames({ "acme-bank": acme.pem }, [{ name: "globex", caCertPem: globexCa.pem }]), {
                [issuerId(new X509Certificate(globexCa.pem).subject)]: "globex",
                [certificateKey(issuerId(cert.issuer), normaliseSerial(cert.serialNumber) as string)]: "acme-bank",
                [subjectKey(issuerId(cert.issuer), cert.subject)]: "acme-bank",
                [issuedSubjectKey(cert.subject)]: "acme-bank",
            });
        });

        it("runs the authorizer handler with the revocations and partner names in its package, allowed only to log", async () => {
            const ours = await makeCa("CN=Example partner issuing CA");
            const acme = await makeLeaf("CN=acme", ours);
            const globexCa = await makeCa("CN=Globex Partner CA");
            const issuedCertificates = { "acme-bank": acme.pem };
            const ownCaPartners = [{ name: "globex", caCertPem: globexCa.pem }];
            const capture = await captureResources();
            const authorizer = new PartnerAuthorizer("a", { revokedSerials, crlRevocations, issuedCertificates, ownCaPartners, cacheSeconds: 30, logRetentionDays: 30 });
            await valueOf(authorizer.function.arn);
            const resources = await capture.settled();
            const fn = only(resources, "aws:lambda/function:Function", "a-function").inputs;
            assert.deepEqual(JSON.parse(await archiveFile(fn.code, "lists.json")), { revocations: list, partnerNames: partnerNames(issuedCertificates, ownCaPartners) });
            assert.deepEqual(fn.environment.variables, { DECISION_CACHE_SECONDS: "30" });
            assert.equal(fn.timeout, 5);
            assert.match(await archiveFile(fn.code, "index.js"), /the authorizer's lists cannot be read/, "the bundled handler");
            assert.deepEqual(allOf(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn.split("/").pop()), ["AWSLambdaBasicExecutionRole"]);
            assert.equal(allOf(resources, "aws:iam/rolePolicy:RolePolicy").length, 0, "no inline policy: it reads nothing");
        });

        it("names the usage-keys parameter in its environment and may read that parameter only", async () => {
            const capture = await captureResources();
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30, usageKeysParameterName: "/apigw-mtls/test/partner-usage-keys" });
            await valueOf(authorizer.function.arn);
            const resources = await capture.settled();
            const fn = only(resources, "aws:lambda/function:Function", "a-function").inputs;
            assert.deepEqual(fn.environment.variables, { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: "/apigw-mtls/test/partner-usage-keys" });
            const policy = JSON.parse(only(resources, "aws:iam/rolePolicy:RolePolicy", "a-function-policy").inputs.policy);
            assert.deepEqual(policy.Statement, [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/apigw-mtls/test/partner-usage-keys"] }]);
        });

        it("carries lists far beyond Lambda's 4 KB environment limit, for stacks with many revocations", async () => {
            const many = Array.from({ length: 2000 }, (_, i) => ({ serial: (i + 1).toString(16).toUpperCase(), reason: `laptop lost, ticket SEC-${i}` }));
            const capture = await captureResources();
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: many, issuedCertificates: {}, logRetentionDays: 30 });
            await valueOf(authorizer.function.arn);
            const fn = only(await capture.settled(), "aws:lambda/function:Function").inputs;
            const carried = await archiveFile(fn.code, "lists.json");
            assert.ok(carried.length > 50_000, `the lists file is ${carried.length} bytes`);
            assert.equal(Object.keys(JSON.parse(carried).revocations.anyIssuer).length, 2000);
        });
    });
});
