import * as assert from "node:assert/strict";
import { mtlsOwnershipVerification as policy } from "../../../policy/rules/mtls-ownership-verification";
import { messages, mutate, resource, stackTypes, truststoreStack, unknownValue, violations } from "../../helpers/policy-args";

const servedArn = "arn:aws:acm:eu-west-1:123456789012:certificate/served";
const certificateType = "aws:acm/certificate:Certificate";
const certificate = (props: Record<string, unknown>) => resource(certificateType, "server-certificate", { domainName: "api.example.com", ...props }, { outputs: { arn: servedArn } });
const imported = certificate({ certificateBody: "-----BEGIN CERTIFICATE-----", privateKey: "-----BEGIN PRIVATE KEY-----" });
const privateCa = certificate({ certificateAuthorityArn: "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/x" });
const domainV2 = (configuration: Record<string, unknown> = {}) => resource("aws:apigatewayv2/domainName:DomainName", "partners-v2", {
    domainName: "api.example.com",
    domainNameConfiguration: { certificateArn: servedArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2", ...configuration },
    mutualTlsAuthentication: { truststoreUri: "s3://truststore-bucket-1a2b3c4/truststore.pem", truststoreVersion: "v1" },
});

describe("policy mtls-ownership-verification", () => {
    it("accepts an mTLS domain served by a certificate that ACM issued and validated", async () => {
        assert.deepEqual(await violations(policy, [...truststoreStack(), certificate({ validationMethod: "DNS" })]), []);
    });

    it("rejects an mTLS domain served by an imported certificate without an ownership certificate", async () => {
        const found = await violations(policy, [...truststoreStack(), imported]);
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "mandatory");
        assert.equal(found[0].message, 'aws:apigateway/domainName:DomainName "partners": its server certificate aws:acm/certificate:Certificate "server-certificate" ' +
            "is imported into ACM (privateKey is set), and ownershipVerificationCertificateArn is omitted; set ownershipVerificationCertificateArn " +
            "to a public ACM certificate for the same domain name (mTLS requires it for imported and private certificates)");
    });

    it("rejects one served by AWS Private CA, and HTTP domains as well", async () => {
        const found = await messages(policy, [...truststoreStack(), privateCa, domainV2()]);
        assert.equal(found.length, 2);
        assert.match(found[0], /is issued by AWS Private CA \(certificateAuthorityArn is set\)/);
        assert.match(found[1], /^aws:apigatewayv2\/domainName:DomainName "partners-v2": .*domainNameConfiguration.ownershipVerificationCertificateArn is omitted/);
    });

    it("accepts those domains once they set the ownership certificate", async () => {
        const ownership = "arn:aws:acm:eu-west-1:123456789012:certificate/public";
        const stack = mutate(truststoreStack(), stackTypes.domain, p => { p.ownershipVerificationCertificateArn = ownership; });
        assert.deepEqual(await violations(policy, [...stack, imported, domainV2({ ownershipVerificationCertificateArn: ownership })]), []);
    });

    it("follows property dependencies through the certificate's validation during preview", async () => {
        const validation = resource("aws:acm/certificateValidation:CertificateValidation", "server-certificate-validation",
            { certificateArn: unknownValue }, { propertyDependencies: { certificateArn: [imported.urn] } });
        const stack = mutate(truststoreStack(), stackTypes.domain, p => { p.regionalCertificateArn = unknownValue; })
            .map(r => r.type === stackTypes.domain ? { ...r, propertyDependencies: { regionalCertificateArn: [validation.urn] } } : r);
        const previewCertificate = { ...imported, outputs: { arn: unknownValue } };
        assert.equal((await violations(policy, [...stack, previewCertificate, validation])).length, 1);
    });

    it("does not judge certificates from outside the stack, nor domains without mTLS", async () => {
        const elsewhere = { ...imported, outputs: { arn: "arn:aws:acm:eu-west-1:123456789012:certificate/other" } };
        assert.deepEqual(await violations(policy, [...truststoreStack(), elsewhere]), []);
        const plain = mutate(truststoreStack(), stackTypes.domain, p => { delete p.mutualTlsAuthentication; });
        assert.deepEqual(await violations(policy, [...plain, imported]), []);
    });

    it("skips an ownership certificate that is unknown during preview", async () => {
        const stack = mutate(truststoreStack(), stackTypes.domain, p => { p.ownershipVerificationCertificateArn = unknownValue; });
        assert.deepEqual(await violations(policy, [...stack, imported]), []);
    });
});
