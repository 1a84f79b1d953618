import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isSet, known, show, subject, unknown } from "../values";

interface MutualTls {
    truststoreUri: string;
    truststoreVersion?: string;
}

/**
 * Severity: high. Enforcement: mandatory: a custom domain without mTLS lets any client in,
 * and a truststore whose version is not pinned silently stays at the bundle API Gateway read
 * first (overwriting the S3 object alone changes nothing; only a new `truststoreVersion`
 * makes the domain reload it).
 *
 * Every custom domain, `aws.apigateway.DomainName` and `aws.apigatewayv2.DomainName`, sets
 * `mutualTlsAuthentication` with an `s3://bucket/key` `truststoreUri` and a `truststoreVersion`.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const mtlsTruststorePinned: ResourceValidationPolicy = {
    name: "mtls-truststore-pinned",
    description: "Custom domains require client certificates: mutualTlsAuthentication with an s3:// truststoreUri and a pinned truststoreVersion.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Give every custom domain mutualTlsAuthentication with truststoreUri s3://<bucket>/<key> and truststoreVersion " +
        "set to the truststore object's versionId (the bucket must be versioned).",
    validateResource: [
        validateResourceOfType(aws.apigateway.DomainName, (domain, args, report) => check(() => domain.mutualTlsAuthentication, args, report)),
        validateResourceOfType(aws.apigatewayv2.DomainName, (domain, args, report) => check(() => domain.mutualTlsAuthentication, args, report)),
    ],
};

function check(mutualTls: () => MutualTls | undefined, args: ResourceValidationArgs, report: ReportViolation): void {
    const present = known(() => mutualTls() != null);
    if (present === unknown) {
        return;
    }
    if (!present) {
        report(`${subject(args)}: mutualTlsAuthentication is omitted, so clients need no certificate; ` +
            "set mutualTlsAuthentication { truststoreUri: \"s3://<bucket>/<key>\", truststoreVersion: <the object's versionId> }");
        return;
    }
    const uri = known(() => mutualTls()?.truststoreUri);
    if (uri !== unknown && !(typeof uri === "string" && /^s3:\/\/[^/]+\/.+/.test(uri))) {
        report(`${subject(args)}: mutualTlsAuthentication.truststoreUri is ${show(uri)}; set it to s3://<bucket>/<key> of the truststore object`);
    }
    const version = known(() => mutualTls()?.truststoreVersion);
    if (version !== unknown && !isSet(version)) {
        report(`${subject(args)}: mutualTlsAuthentication.truststoreVersion is ${show(version)}, so a new bundle never reaches the domain; ` +
            "set it to the truststore object's versionId (the bucket must be versioned)");
    }
}
