import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { known, matchesAny, settings, show, subject, unknown } from "./values";

/** Knobs of `security-policy-tls12-or-newer`. */
export interface SecurityPolicyConfig {
    /** Security policies a REST domain or API may use; a trailing `*` matches any rest. */
    allowedSecurityPolicies: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedSecurityPolicies: {
            type: "array",
            items: { type: "string" },
            minItems: 1,
            default: ["TLS_1_2", "SecurityPolicy_TLS13_*", "SecurityPolicy_TLS12_*"],
            description: "Security policies that REST custom domains and REST APIs may use; a trailing * matches any rest.",
        },
    },
};

/**
 * Severity: high. Enforcement: mandatory (one of the three rules the user asked for).
 *
 * TLS 1.2 at least. `aws.apigateway.DomainName` sets `securityPolicy` to an allowed policy:
 * `TLS_1_2` or an enhanced `SecurityPolicy_TLS13_*` / `SecurityPolicy_TLS12_*` one, never
 * `TLS_1_0` (which accepts TLS 1.0 and 1.1). `aws.apigateway.RestApi` may omit it, but if it sets
 * one it must be allowed too. `aws.apigatewayv2.DomainName` supports only `TLS_1_2`. Unlike
 * public packs, TLS 1.3 policies pass; whether mTLS can use them is `mtls-domain-compatible`'s
 * concern.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
 */
export const securityPolicyTls12OrNewer: ResourceValidationPolicy = {
    name: "security-policy-tls12-or-newer",
    description: "Custom domains and APIs accept TLS 1.2 or newer only: securityPolicy TLS_1_2 or an allowed enhanced policy, never TLS_1_0.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
    configSchema,
    validateResource: [
        validateResourceOfType(aws.apigateway.DomainName, (domain, args, report) => {
            const policy = known(() => domain.securityPolicy);
            const { allowedSecurityPolicies } = settings<SecurityPolicyConfig>(args, configSchema);
            if (policy === unknown || (policy !== undefined && matchesAny(policy, allowedSecurityPolicies))) {
                return;
            }
            const fix = known(() => domain.mutualTlsAuthentication != null) !== false
                ? "set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)"
                : `set it to one of ${allowedSecurityPolicies.join(", ")}`;
            report(`${subject(args)}: securityPolicy is ${show(policy)}; ${fix}`);
        }),
        validateResourceOfType(aws.apigateway.RestApi, (api, args, report) => {
            const policy = known(() => api.securityPolicy);
            const { allowedSecurityPolicies } = settings<SecurityPolicyConfig>(args, configSchema);
            if (policy !== unknown && policy !== undefined && !matchesAny(policy, allowedSecurityPolicies)) {
                report(`${subject(args)}: securityPolicy is ${policy}; set it to one of ${allowedSecurityPolicies.join(", ")}, or omit it`);
            }
        }),
        validateResourceOfType(aws.apigatewayv2.DomainName, (domain, args, report) => {
            const policy = known(() => domain.domainNameConfiguration?.securityPolicy);
            if (policy !== unknown && policy !== "TLS_1_2") {
                report(`${subject(args)}: domainNameConfiguration.securityPolicy is ${show(policy)}; ` +
                    "set it to TLS_1_2 (the only policy HTTP and WebSocket domains support)");
            }
        }),
    ],
};
