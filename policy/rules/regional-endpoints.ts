import { ResourceValidationPolicy } from "@pulumi/policy";
import { DomainShape, EndpointSetting, gatewayValidations, HttpDomainShape, RestApiShape, unreadableViolation } from "../gateway-shapes";
import { isSet, show, unknown } from "../values";

/**
 * Severity: high. Enforcement: mandatory: mTLS works only on REGIONAL domains, and an EDGE endpoint does not enforce it.
 *
 * No EDGE endpoints. A REST domain (`aws.apigateway.DomainName`, its aws-native twin, or
 * `AWS::ApiGateway::DomainName` in an `aws.cloudformation.Stack` template) has
 * `endpointConfiguration.types` REGIONAL and no edge certificate (`certificateArn`, and for aws
 * `certificateName`, `certificateBody`, make a domain EDGE); a REST API is REGIONAL or PRIVATE;
 * an HTTP domain's `domainNameConfiguration(s)` have `endpointType` REGIONAL. An omitted
 * `endpointConfiguration` means EDGE. During preview a list of types is judged on the elements
 * already known: `["EDGE", <unknown>]` is EDGE whatever the rest turns out to be. Mutual TLS
 * exists only on Regional custom domains, and an edge-optimized API is reachable through a
 * CloudFront distribution that this stack does not control.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html
 */
export const regionalEndpoints: ResourceValidationPolicy = {
    name: "regional-endpoints",
    description: "Custom domains are REGIONAL and APIs REGIONAL or PRIVATE: no EDGE endpoint, which is also what an omitted endpointConfiguration means.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html",
    remediationSteps: "Set endpointConfiguration.types to REGIONAL on custom domains (REGIONAL or PRIVATE on REST APIs), and serve a " +
        "domain's certificate through regionalCertificateArn instead of certificateArn, certificateName or " +
        "certificateBody; on HTTP domains set endpointType REGIONAL.",
    validateResource: gatewayValidations(shape => {
        switch (shape.kind) {
            case "rest-domain":
                return [...edgeCertificateViolations(shape), ...typesViolations(shape, shape.endpoint, ["REGIONAL"])];
            case "rest-api":
                return typesViolations(shape, shape.endpoint, ["REGIONAL", "PRIVATE"]);
            case "http-domain":
                return endpointTypeViolations(shape);
            case "unreadable":
                return [unreadableViolation(shape, "endpoint types")];
            default:
                return [];
        }
    }),
};

function edgeCertificateViolations(domain: DomainShape): string[] {
    return Object.entries(domain.edgeCertificates)
        .filter(([, value]) => value !== unknown && isSet(value))
        .map(([property]) => `${domain.subject}: ${domain.spell(property)} is set, and an edge certificate makes the domain EDGE; ` +
            `remove it and use ${domain.spell("regionalCertificateArn")} with ${domain.spell("endpointConfiguration.types")} REGIONAL`);
}

function typesViolations(shape: DomainShape | RestApiShape, endpoint: EndpointSetting, allowed: readonly string[]): string[] {
    const fix = `set ${shape.spell("endpointConfiguration.types")} to ${allowed.join(" or ")}`;
    if (endpoint.configured === false) {
        return [`${shape.subject}: ${shape.spell("endpointConfiguration")} is omitted, which means EDGE; ${fix}`];
    }
    // aws v7 takes one string, older versions and CloudFormation a list.
    const types = typeof endpoint.types === "string" ? [endpoint.types] : endpoint.types;
    const undecided = endpoint.configured === unknown || types === unknown || (Array.isArray(types) && types.length === 1 && types[0] === unknown);
    const accepted = Array.isArray(types) && types.length === 1 && typeof types[0] === "string" && allowed.includes(types[0]);
    return undecided || accepted ? [] : [`${shape.subject}: ${shape.spell("endpointConfiguration.types")} is ${show(endpoint.types)}; ${fix}`];
}

function endpointTypeViolations(domain: HttpDomainShape): string[] {
    if (domain.configurations === unknown) {
        return [];
    }
    return domain.configurations
        .filter(configuration => configuration.endpointType !== unknown && configuration.endpointType !== "REGIONAL")
        .map(configuration => `${domain.subject}: ${domain.spell(`${configuration.path}.endpointType`)} is ${show(configuration.endpointType)}; set it to REGIONAL`);
}
