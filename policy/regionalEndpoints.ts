import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { endpointTypes, isSet, known, show, subject, unknown } from "./values";

/**
 * Severity: high. Enforcement: mandatory (one of the three rules the user asked for).
 *
 * No EDGE endpoints. `aws.apigateway.DomainName` has `endpointConfiguration.types` REGIONAL
 * and no edge certificate (`certificateArn`, `certificateName`, `certificateBody` make a domain
 * EDGE); `aws.apigateway.RestApi` is REGIONAL or PRIVATE; `aws.apigatewayv2.DomainName` has
 * `domainNameConfiguration.endpointType` REGIONAL. An omitted `endpointConfiguration` means
 * EDGE. Mutual TLS exists only on Regional custom domains, and an edge-optimized API is
 * reachable through a CloudFront distribution that this stack does not control.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html
 */
export const regionalEndpoints: ResourceValidationPolicy = {
    name: "regional-endpoints",
    description: "Custom domains are REGIONAL and APIs REGIONAL or PRIVATE: no EDGE endpoint, which is also what an omitted endpointConfiguration means.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html",
    validateResource: [
        validateResourceOfType(aws.apigateway.DomainName, (domain, args, report) => {
            for (const property of ["certificateArn", "certificateName", "certificateBody"] as const) {
                const value = known(() => domain[property]);
                if (value !== unknown && isSet(value)) {
                    report(`${subject(args)}: ${property} is set, and an edge certificate makes the domain EDGE; ` +
                        "remove it and use regionalCertificateArn with endpointConfiguration.types REGIONAL");
                }
            }
            checkTypes(() => domain.endpointConfiguration, ["REGIONAL"], args, report);
        }),
        validateResourceOfType(aws.apigateway.RestApi, (api, args, report) =>
            checkTypes(() => api.endpointConfiguration, ["REGIONAL", "PRIVATE"], args, report)),
        validateResourceOfType(aws.apigatewayv2.DomainName, (domain, args, report) => {
            const type = known(() => domain.domainNameConfiguration?.endpointType);
            if (type !== unknown && type !== "REGIONAL") {
                report(`${subject(args)}: domainNameConfiguration.endpointType is ${show(type)}; set it to REGIONAL`);
            }
        }),
    ],
};

function checkTypes(configuration: () => { types: string | string[] } | undefined, allowed: readonly string[],
    args: ResourceValidationArgs, report: ReportViolation): void {
    const present = known(() => configuration() != null);
    const fix = `set endpointConfiguration.types to ${allowed.join(" or ")}`;
    if (present === false) {
        report(`${subject(args)}: endpointConfiguration is omitted, which means EDGE; ${fix}`);
        return;
    }
    const value = known(() => configuration()?.types);
    if (present === unknown || value === unknown) {
        return;
    }
    const types = endpointTypes(value);
    if (types === undefined || types.length !== 1 || !allowed.includes(types[0])) {
        report(`${subject(args)}: endpointConfiguration.types is ${show(value)}; ${fix}`);
    }
}
