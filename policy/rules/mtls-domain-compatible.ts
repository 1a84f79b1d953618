import { ResourceValidationPolicy } from "@pulumi/policy";
import { gatewayValidations } from "../gateway-shapes";
import { unknown } from "../values";

/**
 * Severity: high. Enforcement: mandatory: AWS refuses the combination when it creates or
 * updates the domain, so the stack would fail halfway through `pulumi up`; the policy says so
 * at preview, with the fix.
 *
 * A REST domain with mutual TLS, whatever declares it (`aws.apigateway.DomainName`, its aws-native
 * twin, or an `aws.cloudformation.Stack` template's `AWS::ApiGateway::DomainName`), uses exactly
 * `TLS_1_2`: API Gateway cannot combine mTLS with the enhanced `SecurityPolicy_*` policies. The
 * other half of "an mTLS domain is REGIONAL with TLS_1_2" (EDGE, PRIVATE, `TLS_1_0`, an omitted
 * policy; HTTP domains, which only know `TLS_1_2`) is what `regional-endpoints` and
 * `security-policy-tls12-or-newer` already report; this rule reports only what they accept, so
 * that one mistake yields one violation.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
 */
export const mtlsDomainCompatible: ResourceValidationPolicy = {
    name: "mtls-domain-compatible",
    description: "A custom domain with mutual TLS uses securityPolicy TLS_1_2, never an enhanced SecurityPolicy_* policy.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
    remediationSteps: "Set securityPolicy to TLS_1_2 on every domain with mutualTlsAuthentication: API Gateway cannot combine mTLS " +
        "with the enhanced SecurityPolicy_* policies.",
    validateResource: gatewayValidations(shape => {
        if (shape.kind !== "rest-domain" || shape.mutualTls !== true || shape.securityPolicy === unknown) {
            return [];
        }
        const policy = shape.securityPolicy;
        return typeof policy === "string" && policy.startsWith("SecurityPolicy_")
            ? [`${shape.subject}: ${shape.spell("securityPolicy")} is ${policy}; set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)`]
            : [];
    }),
};
