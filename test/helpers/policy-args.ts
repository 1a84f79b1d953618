// Runs policies without the CLI: resources in, violations out, through the same args builder
// the pack's in-process runner uses (the shape of the installed @pulumi/policy).
import { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { resourceTypes } from "../../core/resource-types";
import { PackResource, runPolicies, Violation } from "../../policy/evaluate";

/** What the engine sends for a value that is unknown during preview. */
export const unknownValue = pulumi.runtime.unknownValue;

/** A resource for a policy test: inputs only, unless `extra` adds outputs, an id or dependencies. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PackResource> = {}): PackResource {
    return { type, name, urn: `urn:pulumi:test::apigw-mtls::${type}::${name}`, inputs, ...extra };
}

/** The violations one policy reports over the resources, with a policy config for it. */
export function violations(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PackResource | readonly PackResource[],
    config?: object): Promise<Violation[]> {
    const packConfig: PolicyPackConfig = config === undefined ? {} : { [policy.name]: config };
    return runPolicies([policy], ([] as PackResource[]).concat(resources), packConfig);
}

/** Just the messages of the violations. */
export async function messages(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PackResource | readonly PackResource[],
    config?: object): Promise<string[]> {
    return (await violations(policy, resources, config)).map(v => v.message);
}

/** Properties a test changes; nested blocks are cast to `Props` where a mutation reaches into them. */
export type Props = Record<string, unknown>;

/**
 * A copy of the resources where the first of `type` that `select` accepts (default: any) is
 * changed by `change`, inputs and outputs alike.
 */
export function mutate<T extends PackResource>(resources: readonly T[], type: string, change: (props: Props) => void,
    select: (resource: T) => boolean = () => true): T[] {
    const target = resources.find(r => r.type === type && select(r));
    if (target === undefined) {
        throw new Error(`no ${type} to change`);
    }
    return resources.map(r => {
        if (r !== target) {
            return r;
        }
        const inputs = structuredClone(r.inputs);
        const outputs = r.outputs === undefined ? undefined : structuredClone(r.outputs);
        change(inputs);
        if (outputs !== undefined) {
            change(outputs);
        }
        return { ...r, inputs, outputs };
    });
}

/** The names of the policies that fired, once each, sorted. */
export function firedPolicies(found: readonly Violation[]): string[] {
    return [...new Set(found.map(v => v.policyName))].sort();
}

/** Names of the resources in `truststoreStack`, to mutate one of them. */
export const stackTypes = {
    bucket: resourceTypes.s3Bucket,
    versioning: resourceTypes.s3BucketVersioning,
    publicAccess: resourceTypes.s3BucketPublicAccessBlock,
    encryption: resourceTypes.s3BucketServerSideEncryptionConfiguration,
    object: resourceTypes.s3BucketObjectv2,
    domain: resourceTypes.apigatewayDomainName,
} as const;

/**
 * A hardened truststore and the mTLS domain that uses it, as the program builds them: the
 * bucket settings name the bucket by its id, the domain names the object by its URI.
 */
export function truststoreStack(pem = "", bucketName = "truststore-bucket-1a2b3c4"): PackResource[] {
    const settings = { bucket: bucketName };
    return [
        resource(stackTypes.bucket, "truststore-bucket", { forceDestroy: true }, { id: bucketName, outputs: { bucket: bucketName, arn: `arn:aws:s3:::${bucketName}` } }),
        resource(stackTypes.versioning, "truststore-versioning", { ...settings, versioningConfiguration: { status: "Enabled" } }),
        resource(stackTypes.publicAccess, "truststore-public-access", {
            ...settings, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }),
        resource(stackTypes.encryption, "truststore-encryption", {
            ...settings, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }),
        resource(stackTypes.object, "truststore-bundle", { ...settings, key: "truststore.pem", content: pem }, { outputs: { versionId: "v1" } }),
        resource(stackTypes.domain, "partners", {
            domainName: "api.example.com",
            endpointConfiguration: { types: "REGIONAL" },
            securityPolicy: "TLS_1_2",
            regionalCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/served",
            mutualTlsAuthentication: { truststoreUri: `s3://${bucketName}/truststore.pem`, truststoreVersion: "v1" },
        }),
    ];
}
