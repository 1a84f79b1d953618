// Documents that a resource carries as text: the OpenAPI `body` of a REST API, the
// `templateBody` of a CloudFormation stack. The pack reads them as JSON; a YAML document is
// `unreadable` until the pack has a YAML parser of its own, and a rule that needs what it says
// reports that it cannot check it rather than let it pass.

/** A document the pack cannot read (not JSON). */
export const unreadable: unique symbol = Symbol("not JSON");
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
 * when the body is not JSON and names the extension.
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

/**
 * The resources of a CloudFormation template whose `Type` is one of `types`; `unreadable` when
 * the template is not JSON and names one of them.
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

function parse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return unreadable;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
