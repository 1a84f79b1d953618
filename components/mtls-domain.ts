import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface MtlsDomainArgs {
    /** The partners' host name, such as api.dev.example.com. */
    readonly domainName: pulumi.Input<string>;
    /** Route 53 zone that holds the domain's records (certificate validation). */
    readonly hostedZoneId: pulumi.Input<string>;
    /** ACM certificate for the domain, in the stack's region. Default: one is requested and DNS-validated. */
    readonly certificateArn?: pulumi.Input<string>;
    /** Public ACM certificate proving domain ownership; needed when the server certificate is imported or from AWS Private CA. */
    readonly ownershipVerificationCertificateArn?: pulumi.Input<string>;
    /** `s3://bucket/key` of the truststore bundle. */
    readonly truststoreUri: pulumi.Input<string>;
    /** Object version of the bundle; a new version updates the domain in place. */
    readonly truststoreVersion: pulumi.Input<string>;
    /** Serve IPv6 as well as IPv4. Default: false. */
    readonly dualStack?: boolean;
}

/**
 * A Regional custom domain that requires a client certificate from the truststore. mTLS
 * works only on REGIONAL domains with the TLS_1_2 security policy.
 */
export class MtlsDomain extends pulumi.ComponentResource {
    public readonly domain: aws.apigateway.DomainName;
    /** The server certificate's ARN, configured or requested. */
    public readonly certificateArn: pulumi.Output<string>;
    /** Whether the domain answers over IPv6 too (then DNS needs an AAAA alias). */
    public readonly dualStack: boolean;

    constructor(name: string, args: MtlsDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:domain:MtlsDomain`, name, {}, opts);
        this.dualStack = args.dualStack ?? false;
        this.certificateArn = args.certificateArn !== undefined
            ? pulumi.output(args.certificateArn)
            : this.requestCertificate(name, args.domainName, args.hostedZoneId);

        this.domain = new aws.apigateway.DomainName(`${name}-domain`, {
            domainName: args.domainName,
            endpointConfiguration: { types: "REGIONAL", ipAddressType: this.dualStack ? "dualstack" : "ipv4" },
            securityPolicy: "TLS_1_2",
            regionalCertificateArn: this.certificateArn,
            ownershipVerificationCertificateArn: args.ownershipVerificationCertificateArn,
            mutualTlsAuthentication: {
                truststoreUri: args.truststoreUri,
                truststoreVersion: args.truststoreVersion,
            },
        }, { parent: this });

        this.registerOutputs({ domain: this.domain, certificateArn: this.certificateArn });
    }

    /** An ACM certificate for the domain, validated through a record in the hosted zone. */
    private requestCertificate(name: string, domainName: pulumi.Input<string>, zoneId: pulumi.Input<string>): pulumi.Output<string> {
        const certificate = new aws.acm.Certificate(`${name}-certificate`, {
            domainName,
            validationMethod: "DNS",
        }, { parent: this });
        const option = certificate.domainValidationOptions[0];
        const record = new aws.route53.Record(`${name}-certificate-validation`, {
            zoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            allowOverwrite: true,
        }, { parent: this });
        const validation = new aws.acm.CertificateValidation(`${name}-certificate-validation`, {
            certificateArn: certificate.arn,
            validationRecordFqdns: [record.fqdn],
        }, { parent: this });
        return validation.certificateArn;
    }
}
