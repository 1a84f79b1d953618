import { ResourceValidationPolicy } from "@pulumi/policy";
import { DomainShape, gatewayValidations, HttpDomainShape, unreadableViolation } from "../gateway-shapes";
import { isSet, show, unknown } from "../values";

/**
 * Severity: high. Enforcement: mandatory: a custom domain without mTLS lets any client in,
 * and a truststore whose version is not pinned silently stays at the bundle API Gateway read
 * first (overwriting the S3 object alone changes nothing; only a new `truststoreVersion`
 * makes the domain reload it).
 *
 * Every custom domain, whatever declares it (`aws.apigateway.DomainName`,
 * `aws.apigatewayv2.DomainName`, their aws-native twins, or an `aws.cloudformation.Stack`
 * template's `AWS::ApiGateway::DomainName` / `AWS::ApiGatewayV2::DomainName`), sets
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
    validateResource: gatewayValidations(shape => {
        switch (shape.kind) {
            case "rest-domain":
            case "http-domain":
                return truststoreViolations(shape);
            case "unreadable":
                return [unreadableViolation(shape, "mutual TLS")];
            default:
                return [];
        }
    }),
};

function truststoreViolations(domain: DomainShape | HttpDomainShape): string[] {
    const mutualTls = domain.mutualTlsAuthentication;
    const [setting, uriField, versionField] = ["mutualTlsAuthentication", "mutualTlsAuthentication.truststoreUri", "mutualTlsAuthentication.truststoreVersion"].map(domain.spell);
    const [uriName, versionName] = [uriField, versionField].map(path => path.split(".").pop());
    if (mutualTls === unknown) {
        return [];
    }
    if (mutualTls === undefined) {
        return [`${domain.subject}: ${setting} is omitted, so clients need no certificate; ` +
            `set ${setting} { ${uriName}: "s3://<bucket>/<key>", ${versionName}: <the object's versionId> }`];
    }
    const violations: string[] = [];
    const uri = mutualTls.truststoreUri;
    if (uri !== unknown && !(typeof uri === "string" && /^s3:\/\/[^/]+\/.+/.test(uri))) {
        violations.push(`${domain.subject}: ${uriField} is ${show(uri)}; set it to s3://<bucket>/<key> of the truststore object`);
    }
    const version = mutualTls.truststoreVersion;
    if (version !== unknown && !isSet(version)) {
        violations.push(`${domain.subject}: ${versionField} is ${show(version)}, so a new bundle never reaches the domain; ` +
            "set it to the truststore object's versionId (the bucket must be versioned)");
    }
    return violations;
}
