// Documents that a resource carries as text: the OpenAPI `body` of a REST API, the
// `templateBody` of a CloudFormation stack. The pack reads them as JSON or as YAML the way
// CloudFormation does: its short-form tags become the long form a JSON template spells
// (`!Ref X` is `{"Ref": "X"}`), so rules see one form, and `yes`/`on` are booleans (YAML 1.1).
// A document that is neither is `unreadable`, and a rule that needs what it says reports that it
// cannot check it rather than let it pass.
import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load, mapTag, NOT_RESOLVED, seqTag, TagDefinition } from "js-yaml";

/** A document the pack cannot read (neither JSON nor YAML). */
export const unreadable: unique symbol = Symbol("neither JSON nor YAML");
export type Unreadable = typeof unreadable;

/** One resource of a CloudFormation template. */
export interface TemplateResource {
    /** Its logical id: the key under `Resources`. */
    readonly id: string;
    /** Its `Type`, e.g. `AWS::ApiGateway::RestApi`. */
    readonly type: string;
    /** Its `Properties`; empty when it has none. */
    readonly properties: Readonly<Record<string, unknown>>;
}

const endpointExtension = "x-amazon-apigateway-endpoint-configuration";

/**
 * What an OpenAPI body sets for `x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint`,
 * at the top level (OpenAPI 2.0) and on each server (OpenAPI 3.0): `true` when every place that
 * sets it says `true`, else the first other value; undefined when no place sets it; `unreadable`
 * when the body is neither JSON nor YAML and names the extension.
 */
export function bodyDisableExecuteApiEndpoint(body: string): unknown {
    const document = parse(body);
    if (document === unreadable) {
        return body.includes(endpointExtension) ? unreadable : undefined;
    }
    const servers = isRecord(document) && Array.isArray(document.servers) ? document.servers : [];
    const settings = [document, ...servers]
        .map(place => isRecord(place) ? place[endpointExtension] : undefined)
        .filter(isRecord)
        .filter(configuration => "disableExecuteApiEndpoint" in configuration)
        .map(configuration => configuration.disableExecuteApiEndpoint);
    if (settings.length === 0) {
        return undefined;
    }
    const others = settings.filter(value => value !== true);
    return others.length === 0 ? true : others[0];
}

/** The methods of an OpenAPI Path Item, and API Gateway's catch-all. */
const operationMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "x-amazon-apigateway-any-method"];

/**
 * The operations of an OpenAPI body (`METHOD /path`) that no Lambda authorizer guards: an
 * operation is guarded when each of its security requirements (its own, else the document's)
 * names a security scheme with `x-amazon-apigateway-authorizer`, since any one requirement lets a
 * call in. `unreadable` when the body is neither JSON nor YAML.
 */
export function bodyUnguardedOperations(body: string): string[] | Unreadable {
    const document = parse(body);
    if (document === unreadable || !isRecord(document)) {
        return unreadable;
    }
    const components = isRecord(document.components) ? document.components : {};
    const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : isRecord(document.securityDefinitions) ? document.securityDefinitions : {};
    const authorizer = (name: string) => isRecord(schemes[name]) && isRecord(schemes[name]["x-amazon-apigateway-authorizer"]);
    const paths = isRecord(document.paths) ? document.paths : {};
    return Object.entries(paths).flatMap(([path, item]) => operationMethods.flatMap(method => {
        const operation = isRecord(item) ? item[method] : undefined;
        if (!isRecord(operation)) {
            return [];
        }
        const security = Array.isArray(operation.security) ? operation.security : Array.isArray(document.security) ? document.security : [];
        const guarded = security.length > 0 && security.every(requirement => isRecord(requirement) && Object.keys(requirement).some(authorizer));
        return guarded ? [] : [`${method === "x-amazon-apigateway-any-method" ? "ANY" : method.toUpperCase()} ${path}`];
    }));
}

/**
 * The resources of a CloudFormation template whose `Type` is one of `types`; `unreadable` when
 * the template is neither JSON nor YAML and names one of them.
 */
export function templateResources(template: string, types: readonly string[]): TemplateResource[] | Unreadable {
    const document = parse(template);
    if (document === unreadable) {
        return types.some(type => template.includes(type)) ? unreadable : [];
    }
    const resources = isRecord(document) && isRecord(document.Resources) ? document.Resources : {};
    return Object.entries(resources).flatMap(([id, resource]) =>
        isRecord(resource) && typeof resource.Type === "string" && types.includes(resource.Type)
            ? [{ id, type: resource.Type, properties: isRecord(resource.Properties) ? resource.Properties : {} }]
            : []);
}

/** CloudFormation's short-form tags (`!Ref`, `!Sub`, ...), by their name without `!` or `Fn::`. */
const intrinsics = ["Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split",
    "Sub", "Transform", "If", "Equals", "And", "Or", "Not"];

/** The tags of one intrinsic, on a scalar, a sequence and a mapping; each loads as its long form. */
function intrinsicTags(name: string): TagDefinition[] {
    const tag = `!${name}`;
    const longForm = (value: unknown) => ({ [name === "Ref" || name === "Condition" ? name : `Fn::${name}`]: value });
    const loadOnly = () => false;
    return [
        defineScalarTag(tag, { resolve: source => longForm(name === "GetAtt" ? getAttArguments(source) : source), identify: loadOnly }),
        defineSequenceTag(tag, { create: seqTag.create, addItem: seqTag.addItem, finalize: longForm, identify: loadOnly }),
        defineMappingTag(tag, {
            create: mapTag.create, addPair: mapTag.addPair, has: mapTag.has, keys: mapTag.keys, get: mapTag.get, finalize: longForm, identify: loadOnly,
        }),
    ];
}

/** `!GetAtt Resource.Attribute` is `["Resource", "Attribute"]`: an attribute may hold dots (`Outputs.Name`), a logical id cannot. */
function getAttArguments(source: string): string | string[] {
    const dot = source.indexOf(".");
    return dot === -1 ? source : [source.slice(0, dot), source.slice(dot + 1)];
}

/**
 * Booleans as CloudFormation reads them: it parses YAML 1.1, so an unquoted `yes` or `on` is true.
 * Like the YAML 1.1 parsers (PyYAML, SnakeYAML), not `y` and `n`, which stay strings.
 */
const cloudFormationBool = defineScalarTag("tag:yaml.org,2002:bool", {
    implicit: true,
    resolve: source => /^(?:true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(source) ? true
        : /^(?:false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(source) ? false : NOT_RESOLVED,
    identify: data => typeof data === "boolean",
});

/** The YAML 1.2 core schema with CloudFormation's booleans and tags; `2010-09-09` stays a string, as CloudFormation has no timestamps. */
const cloudFormationYaml = CORE_SCHEMA.withTags(cloudFormationBool, intrinsics.flatMap(intrinsicTags));

/** JSON as `JSON.parse` reads it (duplicate keys and all), else YAML; `unreadable` when it is neither. */
function parse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return parseYaml(text);
    }
}

function parseYaml(text: string): unknown {
    try {
        // CloudFormation rejects aliases, and refusing them spares the pack an alias bomb.
        return load(text, { schema: cloudFormationYaml, maxAliases: 0 });
    } catch {
        return unreadable;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
