// How stack rules find the resources behind a custom domain: its truststore bucket and object,
// its server certificate, the REST API stages it serves. Values link them once known
// (`s3://<bucket>/<key>`, a bucket's name or id, a certificate's ARN, an API id and stage name);
// during preview, property dependencies link them instead.
import * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { known, unknown, Unknown } from "./values";

/** A resource class as `isType` takes it. */
export type ResourceClass = Parameters<PolicyResource["isType"]>[0];

const domainClasses = [aws.apigateway.DomainName, aws.apigatewayv2.DomainName];
const bucketClasses = [aws.s3.Bucket, aws.s3.BucketV2];
const objectClasses = [aws.s3.BucketObjectv2, aws.s3.BucketObject];

/** Whether `resource` is of one of `classes`. */
export function isAny(resource: PolicyResource, classes: readonly ResourceClass[]): boolean {
    return classes.some(c => resource.isType(c));
}

/** The custom domains (REST and HTTP) that set `mutualTlsAuthentication`. */
export function mtlsDomains(resources: readonly PolicyResource[]): PolicyResource[] {
    return resources.filter(r => isAny(r, domainClasses) && known(() => r.props.mutualTlsAuthentication != null) === true);
}

/** Bucket and key of a domain's truststore URI; `unknown` during preview, undefined if not s3://. */
export function truststoreLocation(domain: PolicyResource): { uri: string; bucket: string; key: string } | Unknown | undefined {
    const uri = known(() => domain.props.mutualTlsAuthentication?.truststoreUri);
    if (uri === unknown) {
        return unknown;
    }
    const match = typeof uri === "string" ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
    return match ? { uri: match[0], bucket: match[1], key: match[2] } : undefined;
}

/** Whether `resource.props[property]` holds one of `target`'s `values`, or depends on `target`. */
export function refersTo(resource: PolicyResource, property: string, target: PolicyResource, values: readonly string[]): boolean {
    const value = known(() => resource.props[property]);
    if (value !== unknown && value !== undefined) {
        return values.some(v => known(() => target.props[v]) === value);
    }
    return dependsOnAny(resource, property, [target]);
}

/** The buckets of the stack that hold a domain's truststore. */
export function truststoreBuckets(domain: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
    const location = truststoreLocation(domain);
    return resources.filter(r => isAny(r, bucketClasses) && (location === unknown
        ? dependsOnAny(domain, "mutualTlsAuthentication", [r])
        : location !== undefined && [known(() => r.props.bucket), known(() => r.props.id)].includes(location.bucket)));
}

/** The objects of the stack that are a domain's truststore. */
export function truststoreObjects(domain: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
    const location = truststoreLocation(domain);
    if (location === undefined) {
        return [];
    }
    const objects = resources.filter(r => isAny(r, objectClasses));
    if (location === unknown) {
        return objects.filter(o => dependsOnAny(domain, "mutualTlsAuthentication", [o]));
    }
    const buckets = truststoreBuckets(domain, resources);
    return objects.filter(o => known(() => o.props.key) === location.key &&
        (known(() => o.props.bucket) === location.bucket || buckets.some(b => refersTo(o, "bucket", b, ["bucket", "id"]))));
}

/** Each resource once, in first-seen order. */
export function unique<T extends { urn: string }>(items: readonly T[]): T[] {
    return items.filter((item, i) => items.findIndex(other => other.urn === item.urn) === i);
}

/** Whether a link holds: known to, known not to, or not known yet (preview). */
export type Link = "yes" | "no" | "maybe";

/** A REST API stage that a custom domain with mutual TLS serves through a base-path mapping. */
export interface ServedStage {
    readonly stage: PolicyResource;
    /** The stack's RestApi the stage belongs to, when it is in the stack. */
    readonly api: PolicyResource | undefined;
    readonly domain: PolicyResource;
}

/**
 * The REST API stages that custom domains with mutual TLS serve: a `BasePathMapping` names the
 * domain (by name) and the stage (by API id and stage name). Values link them once known;
 * during preview, property dependencies do.
 */
export function mtlsStages(resources: readonly PolicyResource[]): ServedStage[] {
    const apis = resources.filter(r => isAny(r, [aws.apigateway.RestApi]));
    const stages = resources.filter(r => isAny(r, [aws.apigateway.Stage]));
    const mappings = resources.filter(r => isAny(r, [aws.apigateway.BasePathMapping]));
    const served: ServedStage[] = [];
    for (const domain of mtlsDomains(resources).filter(d => isAny(d, [aws.apigateway.DomainName]))) {
        for (const mapping of mappings.filter(m => refersTo(m, "domainName", domain, ["domainName", "id"]))) {
            for (const stage of stages.filter(s => mapsStage(mapping, s, apis))) {
                if (!served.some(s => s.stage.urn === stage.urn)) {
                    served.push({ stage, api: apis.find(a => refersTo(stage, "restApi", a, ["id"])), domain });
                }
            }
        }
    }
    return served;
}

function mapsStage(mapping: PolicyResource, stage: PolicyResource, apis: readonly PolicyResource[]): boolean {
    const mappedName = known(() => mapping.props.stageName);
    const stageName = known(() => stage.props.stageName);
    const sameName = mappedName !== unknown && stageName !== unknown ? mappedName === stageName : refersTo(mapping, "stageName", stage, ["stageName"]);
    const mappedApi = known(() => mapping.props.restApi);
    const stageApi = known(() => stage.props.restApi);
    const sameApi = mappedApi !== unknown && stageApi !== unknown
        ? mappedApi === stageApi
        : apis.some(a => refersTo(mapping, "restApi", a, ["id"]) && refersTo(stage, "restApi", a, ["id"]));
    return sameName && sameApi;
}

/** The values that name the stage's API: the stage's `restApi` and the RestApi's id. */
export function apiIds(served: ServedStage): unknown[] {
    return [known(() => served.stage.props.restApi), ...(served.api ? [known(() => served.api?.props.id)] : [])];
}

/**
 * Whether `value` is one of `expected`: when both sides are known, by value; when `value` is
 * unknown, by the dependency `linked` finds ("maybe" without one). An unknown expected value
 * with a known `value` cannot be told apart either.
 */
export function matches(value: unknown, expected: readonly unknown[], linked: () => boolean): Link {
    if (value === unknown) {
        return linked() ? "yes" : "maybe";
    }
    if (expected.some(e => e !== unknown && e !== undefined && e === value)) {
        return "yes";
    }
    return expected.some(e => e === unknown) ? "maybe" : "no";
}

/** All of the links: "no" if one is, "yes" if all are. */
export function both(...links: Link[]): Link {
    return links.includes("no") ? "no" : links.every(l => l === "yes") ? "yes" : "maybe";
}

/** One of the links: "yes" if one is, "no" if all are. */
export function any(links: readonly Link[]): Link {
    return links.includes("yes") ? "yes" : links.includes("maybe") ? "maybe" : "no";
}

/** Whether `resource.props[property]` depends on one of `targets`. */
export function dependsOnAny(resource: PolicyResource, property: string, targets: readonly (PolicyResource | undefined)[]): boolean {
    return (resource.propertyDependencies[property] ?? []).some(d => targets.some(t => t?.urn === d.urn));
}

/** The served domain as messages name it: its domain name, or its resource name. */
export function domainOf(served: ServedStage): string {
    const name = known(() => served.domain.props.domainName);
    return typeof name === "string" ? name : `"${served.domain.name}"`;
}
