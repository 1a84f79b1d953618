// How stack rules find the resources behind a custom domain: its truststore bucket and object,
// its server certificate. Values link them once known (`s3://<bucket>/<key>`, a bucket's name or
// id, a certificate's ARN); during preview, property dependencies link them instead.
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
    return dependsOn(resource, property, target);
}

function dependsOn(resource: PolicyResource, property: string, target: PolicyResource): boolean {
    return (resource.propertyDependencies[property] ?? []).some(d => d.urn === target.urn);
}

/** The buckets of the stack that hold a domain's truststore. */
export function truststoreBuckets(domain: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
    const location = truststoreLocation(domain);
    return resources.filter(r => isAny(r, bucketClasses) && (location === unknown
        ? dependsOn(domain, "mutualTlsAuthentication", r)
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
        return objects.filter(o => dependsOn(domain, "mutualTlsAuthentication", o));
    }
    const buckets = truststoreBuckets(domain, resources);
    return objects.filter(o => known(() => o.props.key) === location.key &&
        (known(() => o.props.bucket) === location.bucket || buckets.some(b => refersTo(o, "bucket", b, ["bucket", "id"]))));
}

/** Each resource once, in first-seen order. */
export function unique<T extends { urn: string }>(items: readonly T[]): T[] {
    return items.filter((item, i) => items.findIndex(other => other.urn === item.urn) === i);
}
