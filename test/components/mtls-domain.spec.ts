import { strict as assert } from "node:assert";
import { MtlsDomain } from "../../components/mtls-domain";
import { allOf, captureResources, only, valueOf } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
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
});
