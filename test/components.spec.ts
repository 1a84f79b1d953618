import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { BasePathMapping as BasePathMappingType } from "../components/basepathmapping";
import type { CustomerApi as CustomerApiType } from "../components/customerapi";
import type { DnsAlias as DnsAliasType } from "../components/dnsalias";
import type { GatewayAccount as GatewayAccountType } from "../components/gatewayaccount";
import type { MtlsDomain as MtlsDomainType } from "../components/mtlsdomain";
import type { PartnerPki as PartnerPkiType } from "../components/partnerpki";
import type { Truststore as TruststoreType, TruststoreError as TruststoreErrorType } from "../components/truststore";
import { daysFrom, makeCa } from "./certs";
import { allOf, captureResources, only, valueOf } from "./helpers";

// Components are imported after the mocks exist (a static import would run first).
let PartnerPki: typeof PartnerPkiType;
let Truststore: typeof TruststoreType;
let TruststoreError: typeof TruststoreErrorType;
let MtlsDomain: typeof MtlsDomainType;
let BasePathMapping: typeof BasePathMappingType;
let DnsAlias: typeof DnsAliasType;
let GatewayAccount: typeof GatewayAccountType;
let CustomerApi: typeof CustomerApiType;

describe("components", () => {
    before(async () => {
        await captureResources();
        ({ PartnerPki } = await import("../components/partnerpki"));
        ({ Truststore, TruststoreError } = await import("../components/truststore"));
        ({ MtlsDomain } = await import("../components/mtlsdomain"));
        ({ BasePathMapping } = await import("../components/basepathmapping"));
        ({ DnsAlias } = await import("../components/dnsalias"));
        ({ GatewayAccount } = await import("../components/gatewayaccount"));
        ({ CustomerApi } = await import("../components/customerapi"));
    });

    describe("PartnerPki", () => {
        const partners = [
            { kind: "generated" as const, name: "acme", commonName: "acme.partners.example.com", organization: "Acme" },
            { kind: "generated" as const, name: "initech", commonName: "initech", organization: "Initech" },
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
                assert.equal(await pulumi.isSecret(pki.partners[name].privateKeyPem), true, `${name}'s key is secret`);
                assert.equal(await pulumi.isSecret(pki.partners[name].certificatePem), false, `${name}'s certificate is not`);
                assert.match(await valueOf(pki.partners[name].privateKeyPem), /-----BEGIN EC PRIVATE KEY-----/);
            }
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
            const fingerprints = (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem).fingerprint256);
            assert.deepEqual(fingerprints.sort(), chain.map((pem) => new X509Certificate(pem).fingerprint256).sort());
        });

        it("stops before upload with every finding when the bundle breaks the truststore rules", async () => {
            const weak = await makeCa("CN=Weak Partner CA", { hash: "SHA-1" });
            const expired = await makeCa("CN=Old Partner CA", { notBefore: daysFrom(new Date(), -400), notAfter: daysFrom(new Date(), -10) });
            await captureResources();
            const store = new Truststore("store", { caCertificatePems: [weak.pem, expired.pem] });
            const failure = await valueOf(store.bundlePem).then(() => undefined, (error: unknown) => error);
            assert.ok(failure instanceof TruststoreError, `expected a TruststoreError, got ${failure}`);
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

    describe("CustomerApi", () => {
        let resources: Awaited<ReturnType<Awaited<ReturnType<typeof captureResources>>["settled"]>>;

        before(async () => {
            const capture = await captureResources();
            const account = new GatewayAccount("g", {});
            const api = new CustomerApi("c", { stageName: "v1", logRetentionDays: 30, gatewayAccount: account.account });
            await valueOf(api.stage.invokeUrl);
            resources = await capture.settled();
        });

        it("is Regional with the execute-api endpoint disabled", () => {
            const api = only(resources, "aws:apigateway/restApi:RestApi").inputs;
            assert.equal(api.disableExecuteApiEndpoint, true);
            assert.deepEqual(api.endpointConfiguration, { types: "REGIONAL" });
        });

        it("serves GET /customer/{customer-id} through a Lambda proxy integration, validating the path parameter", () => {
            const paths = allOf(resources, "aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart);
            assert.deepEqual(paths.sort(), ["customer", "{customer-id}"]);
            const method = only(resources, "aws:apigateway/method:Method").inputs;
            assert.equal(method.httpMethod, "GET");
            assert.deepEqual(method.requestParameters, { "method.request.path.customer-id": true });
            const validator = only(resources, "aws:apigateway/requestValidator:RequestValidator");
            assert.equal(validator.inputs.validateRequestParameters, true);
            assert.equal(method.requestValidatorId, validator.id);
            const integration = only(resources, "aws:apigateway/integration:Integration").inputs;
            assert.equal(integration.type, "AWS_PROXY");
            assert.equal(integration.integrationHttpMethod, "POST");
            assert.equal(integration.uri, only(resources, "aws:lambda/function:Function").outputs.invokeArn);
            const permission = only(resources, "aws:lambda/permission:Permission").inputs;
            assert.equal(permission.principal, "apigateway.amazonaws.com");
            assert.match(permission.sourceArn, /\/\*\/GET\/customer\/\*$/);
        });

        it("runs the handler on the newest Node.js runtime", () => {
            const fn = only(resources, "aws:lambda/function:Function").inputs;
            assert.equal(fn.runtime, "nodejs24.x");
            assert.equal(fn.handler, "index.handler");
        });

        it("logs each access with the caller's certificate subject and serial, after the account logging role is set", () => {
            const stage = only(resources, "aws:apigateway/stage:Stage").inputs;
            const format = JSON.parse(stage.accessLogSettings.format);
            assert.equal(format.clientCertSubject, "$context.identity.clientCert.subjectDN");
            assert.equal(format.clientCertSerial, "$context.identity.clientCert.serialNumber");
            assert.equal(stage.accessLogSettings.destinationArn, only(resources, "aws:cloudwatch/logGroup:LogGroup", "c-access-log").outputs.arn);
            const settings = only(resources, "aws:apigateway/methodSettings:MethodSettings").inputs;
            assert.equal(settings.settings.loggingLevel, "INFO");
        });

        it("redeploys when the API definition changes", () => {
            const deployment = only(resources, "aws:apigateway/deployment:Deployment").inputs;
            assert.match(deployment.triggers.redeployment, /^[0-9a-f]{16}$/);
            assert.equal(only(resources, "aws:apigateway/stage:Stage").inputs.deployment, only(resources, "aws:apigateway/deployment:Deployment").id);
        });
    });
});
