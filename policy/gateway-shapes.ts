// The API Gateway resources that the three mandatory rules judge, in one shape whatever carries
// them: the aws provider's classes, aws-native's (matched on the type token, so the pack does not
// install that SDK), and the resources a CloudFormation stack's template declares. Rules judge
// shapes; the adapters here read each carrier, and the shape keeps the carrier's spelling of
// every property, so that a message names the property the user wrote.
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import { bodyDisableExecuteApiEndpoint, TemplateResource, templateResources, unreadable } from "./documents";
import { known, knownItems, subject, unknown, Unknown } from "./values";

/** What every shape has. Values are `unknown` while not known (preview), undefined when omitted. */
interface Carried {
    /** The resource as messages name it. */
    readonly subject: string;
    /** A property path (camelCase, as the aws provider spells it) as this carrier spells it. */
    readonly spell: (path: string) => string;
}

/** Where a REST API or domain sets its endpoint type. */
export interface EndpointSetting {
    /** Whether `endpointConfiguration` is set. */
    readonly configured: boolean | Unknown;
    /** `endpointConfiguration.types`: one string (aws v7) or a list, whose elements may be `unknown`. */
    readonly types: unknown;
}

export interface RestApiShape extends Carried {
    readonly kind: "rest-api";
    readonly disableExecuteApiEndpoint: unknown;
    /** What the OpenAPI `body` of an aws RestApi sets for it (see `bodyDisableExecuteApiEndpoint`). */
    readonly bodyDisableExecuteApiEndpoint: unknown;
    readonly endpoint: EndpointSetting;
    readonly securityPolicy: unknown;
}

export interface HttpApiShape extends Carried {
    readonly kind: "http-api";
    readonly disableExecuteApiEndpoint: unknown;
}

/** A domain's `mutualTlsAuthentication`: undefined when omitted, `unknown` while not known. */
export type MutualTlsSetting = { readonly truststoreUri: unknown; readonly truststoreVersion: unknown } | undefined | Unknown;

export interface DomainShape extends Carried {
    readonly kind: "rest-domain";
    readonly endpoint: EndpointSetting;
    /** The carrier's edge certificate properties, by name, with their values. */
    readonly edgeCertificates: Readonly<Record<string, unknown>>;
    readonly securityPolicy: unknown;
    /** Whether `mutualTlsAuthentication` is set. */
    readonly mutualTls: boolean | Unknown;
    readonly mutualTlsAuthentication: MutualTlsSetting;
}

/** One domain name configuration of an HTTP or WebSocket domain. */
export interface HttpDomainConfiguration {
    /** Its path: `domainNameConfiguration` (aws) or `domainNameConfigurations[i]`. */
    readonly path: string;
    readonly endpointType: unknown;
    readonly securityPolicy: unknown;
}

export interface HttpDomainShape extends Carried {
    readonly kind: "http-domain";
    readonly configurations: readonly HttpDomainConfiguration[] | Unknown;
    readonly mutualTlsAuthentication: MutualTlsSetting;
}

/** A stack whose template names API Gateway resources in a form the pack cannot read. */
export interface UnreadableShape extends Carried {
    readonly kind: "unreadable";
}

export type GatewayShape = RestApiShape | HttpApiShape | DomainShape | HttpDomainShape | UnreadableShape;

/** What a rule finds wrong with one shape: the messages of its violations. */
export type Judge = (shape: GatewayShape, args: ResourceValidationArgs) => readonly string[];

/** The violation a rule reports for a template it cannot read; `checks` says what it would check. */
export function unreadableViolation(shape: UnreadableShape, checks: string): string {
    return `${shape.subject}: templateBody is neither JSON nor YAML, so the ${checks} of the API Gateway resources it declares cannot be checked; ` +
        "write the template as JSON (templateBody: JSON.stringify(template))";
}

/**
 * The validations of a rule that `judge`s API Gateway shapes: one per resource type that carries
 * them, each reporting what `judge` finds in every shape of the resource.
 */
export function gatewayValidations(judge: Judge): ResourceValidation[] {
    const each = <P>(shapes: (props: P, args: ResourceValidationArgs) => readonly GatewayShape[]) =>
        (props: P, args: ResourceValidationArgs, report: ReportViolation) => {
            for (const shape of shapes(props, args)) {
                judge(shape, args).forEach(message => report(message));
            }
        };
    return [
        validateResourceOfType(aws.apigateway.RestApi, each((api, args) => [awsRestApi(api, args)])),
        validateResourceOfType(aws.apigateway.DomainName, each((domain, args) => [awsDomain(domain, args)])),
        validateResourceOfType(aws.apigatewayv2.Api, each((api, args) => [awsHttpApi(api, args)])),
        validateResourceOfType(aws.apigatewayv2.DomainName, each((domain, args) => [awsHttpDomain(domain, args)])),
        ...Object.entries(nativeKinds).map(([type, kind]) =>
            validateResourceOfToken(type, each((_, args) => [cloudFormationShape(kind, propsReader(args))]))),
        validateResourceOfType(aws.cloudformation.Stack, each(templateShapes)),
    ];
}

type Kind = Exclude<GatewayShape["kind"], "unreadable">;

/** aws-native resources: CloudFormation's resources with camelCase property names. */
const nativeKinds: Readonly<Record<string, Kind>> = {
    "aws-native:apigateway:RestApi": "rest-api",
    "aws-native:apigateway:DomainName": "rest-domain",
    "aws-native:apigatewayv2:Api": "http-api",
    "aws-native:apigatewayv2:DomainName": "http-domain",
};

/** The template resources that carry what the rules judge; other `AWS::ApiGatewayV2::*` types carry none of it. */
const templateKinds: Readonly<Record<string, Kind>> = {
    "AWS::ApiGateway::RestApi": "rest-api",
    "AWS::ApiGateway::DomainName": "rest-domain",
    "AWS::ApiGatewayV2::Api": "http-api",
    "AWS::ApiGatewayV2::DomainName": "http-domain",
};

/** `validateResourceOfType` for a resource whose SDK the pack does not install: matches its type token. */
function validateResourceOfToken(type: string, validate: (props: Record<string, unknown>, args: ResourceValidationArgs,
    report: ReportViolation) => void): ResourceValidation {
    const validation = (args: ResourceValidationArgs, report: ReportViolation) => args.type === type
        ? validate(args.props, args, report)
        : args.notApplicable(`Policy only applies to resources of type '${type}'`);
    // As validateResourceOfType does: the type on the function lets the runner skip other resources.
    return Object.assign(validation, { __pulumiType: type });
}

const asWritten = (path: string) => path;
const pascalCase = (path: string) => path.replace(/(^|\.)([a-z])/g, (_, dot: string, letter: string) => dot + letter.toUpperCase());

function awsRestApi(api: Unwrap<aws.apigateway.RestApiArgs>, args: ResourceValidationArgs): RestApiShape {
    const body = known(() => api.body);
    return {
        kind: "rest-api",
        subject: subject(args),
        spell: asWritten,
        disableExecuteApiEndpoint: known(() => api.disableExecuteApiEndpoint),
        bodyDisableExecuteApiEndpoint: typeof body === "string" ? bodyDisableExecuteApiEndpoint(body) : body === unknown ? unknown : undefined,
        endpoint: { configured: known(() => api.endpointConfiguration != null), types: knownItems(() => api.endpointConfiguration?.types) },
        securityPolicy: known(() => api.securityPolicy),
    };
}

function awsDomain(domain: Unwrap<aws.apigateway.DomainNameArgs>, args: ResourceValidationArgs): DomainShape {
    return {
        kind: "rest-domain",
        subject: subject(args),
        spell: asWritten,
        endpoint: { configured: known(() => domain.endpointConfiguration != null), types: knownItems(() => domain.endpointConfiguration?.types) },
        edgeCertificates: {
            certificateArn: known(() => domain.certificateArn),
            certificateName: known(() => domain.certificateName),
            certificateBody: known(() => domain.certificateBody),
        },
        securityPolicy: known(() => domain.securityPolicy),
        mutualTls: known(() => domain.mutualTlsAuthentication != null),
        mutualTlsAuthentication: mutualTlsOf(classicReader(domain)),
    };
}

/** `mutualTlsAuthentication` and its two fields, read through `read`; set means neither null nor omitted. */
function mutualTlsOf({ has, value }: Pick<Reader, "has" | "value">): MutualTlsSetting {
    const present = has("mutualTlsAuthentication");
    if (present !== true) {
        return present === unknown ? unknown : undefined;
    }
    return { truststoreUri: value("mutualTlsAuthentication.truststoreUri"), truststoreVersion: value("mutualTlsAuthentication.truststoreVersion") };
}

function awsHttpApi(api: Unwrap<aws.apigatewayv2.ApiArgs>, args: ResourceValidationArgs): HttpApiShape {
    return { kind: "http-api", subject: subject(args), spell: asWritten, disableExecuteApiEndpoint: known(() => api.disableExecuteApiEndpoint) };
}

function awsHttpDomain(domain: Unwrap<aws.apigatewayv2.DomainNameArgs>, args: ResourceValidationArgs): HttpDomainShape {
    return {
        kind: "http-domain",
        subject: subject(args),
        spell: asWritten,
        configurations: [{
            path: "domainNameConfiguration",
            endpointType: known(() => domain.domainNameConfiguration?.endpointType),
            securityPolicy: known(() => domain.domainNameConfiguration?.securityPolicy),
        }],
        mutualTlsAuthentication: mutualTlsOf(classicReader(domain)),
    };
}

function templateShapes(stack: Unwrap<aws.cloudformation.StackArgs>, args: ResourceValidationArgs): GatewayShape[] {
    const template = known(() => stack.templateBody);
    if (typeof template !== "string") {
        // Unknown during preview, or the template is at a templateUrl the pack cannot fetch.
        return [];
    }
    const resources = templateResources(template, Object.keys(templateKinds));
    if (resources === unreadable) {
        return [{ kind: "unreadable", subject: subject(args), spell: asWritten }];
    }
    return resources.map(resource => cloudFormationShape(templateKinds[resource.type], templateReader(args, resource)));
}

/** Reads a resource's properties by camelCase path (`a.b`, `list[0].c`), in its carrier's spelling. */
interface Reader extends Carried {
    /** The value at `path`. */
    value(path: string): unknown;
    /** Whether the value at `path` is set, without reading inside it. */
    has(path: string): boolean | Unknown;
    /** The list at `path` element by element (see `knownItems`). */
    items(path: string): unknown;
}

/** An aws resource's inputs by camelCase path, some unknown during preview. */
function classicReader(props: object): Pick<Reader, "has" | "value"> {
    return { value: path => known(() => dig(props, path)), has: path => known(() => dig(props, path) != null) };
}

/** An aws-native resource: its props, camelCase, some unknown during preview. */
function propsReader(args: ResourceValidationArgs): Reader {
    return {
        subject: subject(args),
        spell: asWritten,
        value: path => known(() => dig(args.props, path)),
        has: path => known(() => dig(args.props, path) != null),
        items: path => knownItems(() => dig(args.props, path)),
    };
}

/** A resource of a stack's template: plain JSON, PascalCase. */
function templateReader(args: ResourceValidationArgs, resource: TemplateResource): Reader {
    const value = (path: string) => dig(resource.properties, pascalCase(path));
    return {
        subject: `${subject(args)}, templateBody Resources.${resource.id} (${resource.type})`,
        spell: pascalCase,
        value,
        has: path => value(path) != null,
        items: value,
    };
}

/** A CloudFormation resource (aws-native or in a template) of `kind`, read through `read`. */
function cloudFormationShape(kind: Kind, read: Reader): GatewayShape {
    const carried = { subject: read.subject, spell: read.spell };
    const endpoint = (): EndpointSetting => ({ configured: read.has("endpointConfiguration"), types: read.items("endpointConfiguration.types") });
    switch (kind) {
        case "rest-api":
            return {
                ...carried, kind,
                disableExecuteApiEndpoint: booleanOf(read.value("disableExecuteApiEndpoint")),
                bodyDisableExecuteApiEndpoint: undefined,
                endpoint: endpoint(),
                securityPolicy: read.value("securityPolicy"),
            };
        case "http-api":
            return { ...carried, kind, disableExecuteApiEndpoint: booleanOf(read.value("disableExecuteApiEndpoint")) };
        case "rest-domain":
            return {
                ...carried, kind,
                endpoint: endpoint(),
                edgeCertificates: { certificateArn: read.value("certificateArn") },
                securityPolicy: read.value("securityPolicy"),
                mutualTls: read.has("mutualTlsAuthentication"),
                mutualTlsAuthentication: mutualTlsOf(read),
            };
        case "http-domain":
            return { ...carried, kind, configurations: domainNameConfigurations(read), mutualTlsAuthentication: mutualTlsOf(read) };
    }
}

/** Each of `domainNameConfigurations`, read field by field; an omitted or empty list is one empty configuration. */
function domainNameConfigurations(read: Reader): HttpDomainConfiguration[] | Unknown {
    const list = read.items("domainNameConfigurations");
    if (list === unknown) {
        return unknown;
    }
    const count = Array.isArray(list) && list.length > 0 ? list.length : 1;
    return Array.from({ length: count }, (_, i) => {
        const path = `domainNameConfigurations[${i}]`;
        return { path, endpointType: read.value(`${path}.endpointType`), securityPolicy: read.value(`${path}.securityPolicy`) };
    });
}

/** CloudFormation takes "true" and "false" for a Boolean (a parameter's value is a string). */
function booleanOf(value: unknown): unknown {
    return value === "true" || value === "false" ? value === "true" : value;
}

function dig(root: unknown, path: string): unknown {
    return path.replace(/\[(\d+)\]/g, ".$1").split(".").reduce<unknown>(
        (value, key) => typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined, root);
}
