import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildBundle } from "../core/truststore/bundle";
import { CrlFile } from "../core/config/revocation";
import { CrlRevocation, staleCrlWarning, verifyCrls } from "../core/x509/crl";
import { Finding, formatFinding, hasErrors } from "../core/truststore/findings";
import { checkTruststore } from "../core/truststore/check";
import { projectName } from "../core/config/keys";

export interface TruststoreArgs {
    /** PEM certificates of every CA whose clients may call the API (chains up to their roots). */
    readonly caCertificatePems: pulumi.Input<pulumi.Input<string>[]>;
    /** Keep the bucket and its versions when the stack is destroyed. Default: false. */
    readonly retainOnDelete?: boolean;
    /** Object key of the bundle. Default: "truststore.pem". */
    readonly key?: pulumi.Input<string>;
    /** Warn about CA certificates that expire within this many days. Default: 30. */
    readonly expiryWarningDays?: number;
    /** CRLs to verify against the bundle's CAs and upload beside it as `revocations.crl.pem`. Default: none. */
    readonly crl?: CrlFile;
}

/** A bucket policy that refuses every request not made over TLS. */
export function denyInsecureTransportPolicy(bucketArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    });
}

/** The bundle breaks API Gateway's truststore rules; AWS would accept it and warn nobody. */
export class TruststoreError extends pulumi.RunError {
    constructor(readonly findings: readonly Finding[]) {
        super(`the truststore bundle breaks API Gateway's rules; fix these before deploying:\n${findings.map((f) => `  ${formatFinding(f)}`).join("\n")}`);
        this.name = "TruststoreError";
    }
}

/**
 * Checks a bundle before upload: errors stop the deployment with every finding listed,
 * warnings are logged. Exported for testing.
 */
export async function checkedBundle(pem: string, resource?: pulumi.Resource, warnDays?: number): Promise<string> {
    const findings = await checkTruststore(pem, { warnDays });
    if (hasErrors(findings)) {
        throw new TruststoreError(findings);
    }
    for (const finding of findings) {
        await pulumi.log.warn(formatFinding(finding), resource);
    }
    return pem;
}

/**
 * The mTLS truststore: a private, versioned, encrypted bucket and the PEM bundle of every
 * trusted CA in it. `version` changes with every new bundle; pinning it on the domain is what
 * makes API Gateway load the new bundle.
 *
 * The bucket has no server access logs: its only reader is API Gateway at domain updates, and
 * each write is a stack update recorded by Pulumi; CloudTrail data events cover audits.
 */
export class Truststore extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly object: aws.s3.BucketObjectv2;
    /** The bundle as uploaded. */
    public readonly bundlePem: pulumi.Output<string>;
    /** `s3://<bucket>/<key>`, as the domain's `truststoreUri` wants it. */
    public readonly uri: pulumi.Output<string>;
    /** The object's version id, for the domain's `truststoreVersion`. */
    public readonly version: pulumi.Output<string>;
    /** Every certificate the verified CRLs revoke; empty without CRLs. */
    public readonly crlRevocations: pulumi.Output<CrlRevocation[]>;

    constructor(name: string, args: TruststoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:truststore:Truststore`, name, {}, opts);
        const retain = args.retainOnDelete ?? false;
        const child = { parent: this };

        this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: !retain }, { ...child, retainOnDelete: retain });
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
            bucket: this.bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, child);
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: this.bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }, child);
        const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: this.bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, child);
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: this.bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, child);
        new aws.s3.BucketPolicy(`${name}-tls-only`, {
            bucket: this.bucket.id,
            policy: this.bucket.arn.apply(denyInsecureTransportPolicy),
        }, { ...child, dependsOn: [publicAccess] });

        // API Gateway takes a bad bundle silently (truststoreWarnings); check it here instead.
        this.bundlePem = pulumi.output(args.caCertificatePems).apply((pems) => checkedBundle(buildBundle(pems), this, args.expiryWarningDays));
        // Versioning and encryption must be in place before the first upload, or the first
        // version id would be "null" and the object unencrypted.
        this.object = new aws.s3.BucketObjectv2(`${name}-bundle`, {
            bucket: this.bucket.id,
            key: args.key ?? "truststore.pem",
            content: this.bundlePem,
            contentType: "application/x-pem-file",
        }, { ...child, dependsOn: [versioning, encryption] });

        this.uri = pulumi.interpolate`s3://${this.bucket.bucket}/${this.object.key}`;
        this.version = this.object.versionId;

        // A CRL only counts once a CA of this truststore verified it; the upload is its record.
        const crl = args.crl;
        const verified = crl ? this.bundlePem.apply(async (bundle) => {
            const crls = await verifyCrls(crl.pems, bundle, crl.file);
            for (const stale of crls.flatMap((c) => staleCrlWarning(c, crl.file, new Date()) ?? [])) {
                await pulumi.log.warn(stale, this);
            }
            return crls;
        }) : pulumi.output([]);
        if (crl) {
            new aws.s3.BucketObjectv2(`${name}-crl`, {
                bucket: this.bucket.id,
                key: "revocations.crl.pem",
                content: verified.apply(() => crl.pems.join("")),
                contentType: "application/pkix-crl",
            }, { ...child, dependsOn: [versioning, encryption] });
        }
        this.crlRevocations = verified.apply((crls) => crls.flatMap((c) => [...c.revocations]));
        this.registerOutputs({ uri: this.uri, version: this.version, crlRevocations: this.crlRevocations });
    }
}
