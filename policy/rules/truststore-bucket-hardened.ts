import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { isAny, mtlsDomains, refersTo, ResourceClass, truststoreBuckets, unique } from "../stack-links";
import { known, settings, show, subject, unknown } from "../values";

/** Knobs of `truststore-bucket-hardened`. */
export interface BucketConfig {
    /** Default encryption algorithms the truststore bucket may use. */
    allowedSseAlgorithms: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedSseAlgorithms: {
            type: "array",
            items: { type: "string", enum: ["AES256", "aws:kms", "aws:kms:dsse"] },
            minItems: 1,
            default: ["AES256", "aws:kms", "aws:kms:dsse"],
            description: "sseAlgorithm values the truststore bucket's default encryption may use.",
        },
    },
};

const versioningClasses = [aws.s3.BucketVersioning, aws.s3.BucketVersioningV2];
const encryptionClasses = [aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketServerSideEncryptionConfigurationV2];
const publicAccessFlags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * Severity: high. Enforcement: mandatory: without versioning there is no `truststoreVersion`
 * to pin, and whoever can write the bucket decides which clients API Gateway trusts, so it must
 * be private; encryption at rest is the baseline every S3 bucket of ours meets.
 *
 * Stack rule. The bucket behind each domain's `s3://` truststore URI, when it is in the stack
 * (`aws.s3.Bucket`, or the deprecated `aws.s3.BucketV2`), has an `aws.s3.BucketVersioning` with
 * status `Enabled`, an `aws.s3.BucketPublicAccessBlock` with all four blocks on, and an
 * `aws.s3.BucketServerSideEncryptionConfiguration` (or their deprecated `V2` resources) with an
 * allowed default algorithm. Settings link to the bucket by their `bucket` property.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const truststoreBucketHardened: StackValidationPolicy = {
    name: "truststore-bucket-hardened",
    description: "The truststore bucket is versioned, blocks all public access and encrypts at rest.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Give the truststore bucket an aws.s3.BucketVersioning with status Enabled, an aws.s3.BucketPublicAccessBlock " +
        "with its four flags true, and an aws.s3.BucketServerSideEncryptionConfiguration with an allowed sseAlgorithm.",
    configSchema,
    validateStack: (args, report) => {
        const domains = mtlsDomains(args.resources);
        if (domains.length === 0) {
            args.notApplicable("no custom domain with mutual TLS in the stack");
        }
        const { allowedSseAlgorithms } = settings<BucketConfig>(args, configSchema);
        const buckets = unique(domains.flatMap(domain => truststoreBuckets(domain, args.resources)));
        for (const bucket of buckets) {
            const of = (classes: readonly ResourceClass[]) =>
                args.resources.filter(r => isAny(r, classes) && refersTo(r, "bucket", bucket, ["bucket", "id"]));
            checkVersioning(bucket, of(versioningClasses), report);
            checkPublicAccess(bucket, of([aws.s3.BucketPublicAccessBlock]), report);
            checkEncryption(bucket, of(encryptionClasses), allowedSseAlgorithms, report);
        }
    },
};

const truststoreBucket = (bucket: PolicyResource) => `${subject(bucket)} holds an mTLS truststore`;

function checkVersioning(bucket: PolicyResource, found: PolicyResource[], report: ReportViolation): void {
    if (found.length === 0) {
        report(`${truststoreBucket(bucket)} but has no versioning; add an aws.s3.BucketVersioning with bucket: <this bucket>.id and ` +
            "versioningConfiguration.status Enabled, so that the domain can pin truststoreVersion", bucket.urn);
    }
    for (const versioning of found) {
        const status = known(() => versioning.props.versioningConfiguration?.status);
        if (status !== unknown && status !== "Enabled") {
            report(`${subject(versioning)}: versioningConfiguration.status is ${show(status)}; set it to Enabled ` +
                `(${truststoreBucket(bucket)}, and the domain pins its object version)`, versioning.urn);
        }
    }
}

function checkPublicAccess(bucket: PolicyResource, found: PolicyResource[], report: ReportViolation): void {
    if (found.length === 0) {
        report(`${truststoreBucket(bucket)} but has no public access block; add an aws.s3.BucketPublicAccessBlock with bucket: <this bucket>.id ` +
            `and ${publicAccessFlags.join(", ")} all true`, bucket.urn);
    }
    for (const block of found) {
        const open = publicAccessFlags.filter(flag => {
            const value = known(() => block.props[flag]);
            return value !== unknown && value !== true;
        });
        if (open.length > 0) {
            const values = open.map(flag => `${flag} is ${show(known(() => block.props[flag]))}`).join(", ");
            report(`${subject(block)}: ${values}; set ${open.join(", ")} to true (${truststoreBucket(bucket)})`, block.urn);
        }
    }
}

function checkEncryption(bucket: PolicyResource, found: PolicyResource[], allowed: readonly string[], report: ReportViolation): void {
    if (found.length === 0) {
        report(`${truststoreBucket(bucket)} but has no default encryption; add an aws.s3.BucketServerSideEncryptionConfiguration with ` +
            `bucket: <this bucket>.id and rules[0].applyServerSideEncryptionByDefault.sseAlgorithm ${allowed.join(" or ")}`, bucket.urn);
    }
    for (const encryption of found) {
        const rules = known(() => encryption.props.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] | undefined);
        if (rules === unknown) {
            continue;
        }
        const algorithms = (rules ?? []).map(rule => rule.applyServerSideEncryptionByDefault?.sseAlgorithm);
        if (!algorithms.some(a => a !== undefined && allowed.includes(a))) {
            report(`${subject(encryption)}: rules[].applyServerSideEncryptionByDefault.sseAlgorithm is ${show(algorithms)}; ` +
                `set it to ${allowed.join(" or ")} (${truststoreBucket(bucket)})`, encryption.urn);
        }
    }
}
