import { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { DomainShape, gatewayValidations, HttpDomainShape, RestApiShape, unreadableViolation } from "../gateway-shapes";
import { matchesAny, settings, show, unknown } from "../values";

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
 * Severity: high. Enforcement: mandatory: TLS below 1.2 would let partners negotiate a protocol with known weaknesses.
 *
 * TLS 1.2 at least, whatever declares the resource (the aws classes, their aws-native twins, or
 * an `aws.cloudformation.Stack` template's `SecurityPolicy`). A REST domain sets `securityPolicy`
 * to an allowed policy: `TLS_1_2` or an enhanced `SecurityPolicy_TLS13_*` /
 * `SecurityPolicy_TLS12_*` one, never `TLS_1_0` (which accepts TLS 1.0 and 1.1). A REST API may
 * omit it, but if it sets one it must be allowed too. An HTTP domain supports only `TLS_1_2`, in
 * each of its domain name configurations. Unlike public packs, TLS 1.3 policies pass; whether
 * mTLS can use them is `mtls-domain-compatible`'s concern.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
 */
export const securityPolicyTls12OrNewer: ResourceValidationPolicy = {
    name: "security-policy-tls12-or-newer",
    description: "Custom domains and APIs accept TLS 1.2 or newer only: securityPolicy TLS_1_2 or an allowed enhanced policy, never TLS_1_0.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
    remediationSteps: "Set securityPolicy to TLS_1_2 on mTLS domains (another allowed policy elsewhere), or omit it on a REST API; never TLS_1_0.",
    // NIST's TLS guidelines require servers to support TLS 1.2 and to refuse TLS 1.1 and older:
    // the same line this rule draws, which auditors recognise by this reference.
    framework: {
        name: "NIST SP 800-52",
        version: "Rev. 2",
        reference: "https://doi.org/10.6028/NIST.SP.800-52r2",
        specification: "3.1 Protocol Version Support",
    },
    configSchema,
    validateResource: gatewayValidations((shape, args) => {
        const { allowedSecurityPolicies } = settings<SecurityPolicyConfig>(args, configSchema);
        switch (shape.kind) {
            case "rest-domain":
                return domainViolations(shape, allowedSecurityPolicies);
            case "rest-api":
                return apiViolations(shape, allowedSecurityPolicies);
            case "http-domain":
                return httpDomainViolations(shape);
            case "unreadable":
                return [unreadableViolation(shape, "security policies")];
            default:
                return [];
        }
    }),
};

const allowedBy = (policy: unknown, allowed: readonly string[]) => typeof policy === "string" && matchesAny(policy, allowed);

function domainViolations(domain: DomainShape, allowed: readonly string[]): string[] {
    const policy = domain.securityPolicy;
    if (policy === unknown || allowedBy(policy, allowed)) {
        return [];
    }
    const fix = domain.mutualTls !== false
        ? "set it to TLS_1_2 (mTLS domains cannot use SecurityPolicy_* policies)"
        : `set it to one of ${allowed.join(", ")}`;
    return [`${domain.subject}: ${domain.spell("securityPolicy")} is ${show(policy)}; ${fix}`];
}

function apiViolations(api: RestApiShape, allowed: readonly string[]): string[] {
    const policy = api.securityPolicy;
    if (policy === unknown || policy == null || allowedBy(policy, allowed)) {
        return [];
    }
    return [`${api.subject}: ${api.spell("securityPolicy")} is ${show(policy)}; set it to one of ${allowed.join(", ")}, or omit it`];
}

function httpDomainViolations(domain: HttpDomainShape): string[] {
    if (domain.configurations === unknown) {
        return [];
    }
    return domain.configurations
        .filter(configuration => configuration.securityPolicy !== unknown && configuration.securityPolicy !== "TLS_1_2")
        .map(configuration => `${domain.subject}: ${domain.spell(`${configuration.path}.securityPolicy`)} is ${show(configuration.securityPolicy)}; ` +
            "set it to TLS_1_2 (the only policy HTTP and WebSocket domains support)");
}
