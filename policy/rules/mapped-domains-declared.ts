import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { templateResources, unreadable } from "../documents";
import { dependsOnAny, isAny } from "../stack-links";
import { known, subject, unknown } from "../values";

/** The custom domain types, by carrier: the rules that judge a domain see these. */
const domainTypes = ["aws-native:apigateway:DomainName", "aws-native:apigatewayv2:DomainName"];
const templateDomainTypes = ["AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName"];

/** Mappings of an API onto a domain, by carrier, with the property that names the domain. */
const mappingTypes: Readonly<Record<string, string>> = {
    "aws-native:apigateway:BasePathMapping": "domainName",
    "aws-native:apigatewayv2:ApiMapping": "domainName",
    "aws-native:apigateway:BasePathMappingV2": "domainNameArn",
};
const templateMappingTypes: Readonly<Record<string, string>> = {
    "AWS::ApiGateway::BasePathMapping": "DomainName",
    "AWS::ApiGatewayV2::ApiMapping": "DomainName",
    "AWS::ApiGateway::BasePathMappingV2": "DomainNameArn",
};

/** A mapping and the domain it names: a name, an ARN, or a template resource it refers to. */
interface Mapping {
    readonly subject: string;
    readonly property: string;
    readonly domain: unknown;
    /** The stack resource it comes from, for property dependencies during preview. */
    readonly resource: PolicyResource;
    /** The template's declared domain ids, for a mapping inside a template. */
    readonly templateDomains?: ReadonlySet<string>;
}

/**
 * Severity: high. Enforcement: mandatory: a base-path mapping that puts an API on a custom domain
 * the stack does not declare is a way in the pack cannot see, and so cannot require client
 * certificates on: `mtls-truststore-pinned` judges only the domains of the stack.
 *
 * Stack rule. Every `BasePathMapping` and `ApiMapping` (aws, aws-native, or an
 * `aws.cloudformation.Stack` template's) names a custom domain that the stack declares, by its
 * domain name (or, for `BasePathMappingV2`, its ARN), or refers to it in its template.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html
 */
export const mappedDomainsDeclared: StackValidationPolicy = {
    name: "mapped-domains-declared",
    description: "Every base-path or API mapping puts its API on a custom domain that the stack declares, so that the pack can require mTLS on it.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html",
    remediationSteps: "Declare the custom domain a mapping names in this stack (with mutualTlsAuthentication), or map the API onto " +
        "the stack's own mTLS domain instead.",
    validateStack: (args, report) => {
        const domains = args.resources.filter(r => isAny(r, [aws.apigateway.DomainName, aws.apigatewayv2.DomainName]) || domainTypes.includes(r.type));
        const names = new Set<unknown>(domains.map(d => known(() => d.props.domainName)));
        const mappings = args.resources.flatMap(mappingsOf);
        for (const r of args.resources.filter(r => r.isType(aws.cloudformation.Stack))) {
            const template = known(() => r.props.templateBody);
            const declared = typeof template === "string" ? templateResources(template, templateDomainTypes) : [];
            if (declared !== unreadable) {
                declared.forEach(d => names.add(d.properties.DomainName));
            }
        }
        for (const mapping of mappings) {
            if (mapping.domain === unknown) {
                // Known once the domain it depends on exists; a dependency on a declared domain settles it now.
                continue;
            }
            if (isDeclared(mapping, names) || dependsOnAny(mapping.resource, mapping.property, domains)) {
                continue;
            }
            report(`${mapping.subject}: ${mapping.property} ${JSON.stringify(mapping.domain)} is not a custom domain this stack declares, so the pack cannot require client certificates on it ` +
                "(a way in without one); declare that domain in this stack with mutualTlsAuthentication, or map the API from the stack that declares it", mapping.resource.urn);
        }
    },
};

function isDeclared(mapping: Mapping, names: ReadonlySet<unknown>): boolean {
    const domain = mapping.domain;
    if (typeof domain === "string") {
        // A BasePathMappingV2 names the domain by ARN: arn:...:apigateway:<region>::/domainnames/<name>+<id>.
        const name = /\/domainnames\/([^/+]+)/.exec(domain)?.[1] ?? domain;
        return names.has(name);
    }
    const ref = typeof domain === "object" && domain !== null ? (domain as { Ref?: unknown; "Fn::GetAtt"?: unknown }) : undefined;
    const target = ref?.Ref ?? (Array.isArray(ref?.["Fn::GetAtt"]) ? ref["Fn::GetAtt"][0] : undefined);
    return typeof target === "string" && (mapping.templateDomains?.has(target) ?? false);
}

/** The mappings `resource` declares: itself, or those of its template. */
function mappingsOf(resource: PolicyResource): Mapping[] {
    const classic = resource.isType(aws.apigateway.BasePathMapping) || resource.isType(aws.apigatewayv2.ApiMapping) ? "domainName" : mappingTypes[resource.type];
    if (classic !== undefined) {
        return [{ subject: subject(resource), property: classic, domain: known(() => resource.props[classic]), resource }];
    }
    if (!resource.isType(aws.cloudformation.Stack)) {
        return [];
    }
    const template = known(() => resource.props.templateBody);
    if (typeof template !== "string") {
        return [];
    }
    const found = templateResources(template, [...Object.keys(templateMappingTypes), ...templateDomainTypes]);
    if (found === unreadable) {
        return [];
    }
    const templateDomains = new Set(found.filter(r => templateDomainTypes.includes(r.type)).map(r => r.id));
    return found.filter(r => r.type in templateMappingTypes).map(r => ({
        subject: `${subject(resource)}, templateBody Resources.${r.id} (${r.type})`,
        property: templateMappingTypes[r.type],
        domain: r.properties[templateMappingTypes[r.type]],
        resource,
        templateDomains,
    }));
}
