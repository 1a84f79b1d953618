import { readFile } from "node:fs/promises";
import { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { formatFinding, hasErrors } from "../../core/truststore/findings";
import { checkTruststore } from "../../core/truststore/check";
import { mtlsDomains, truststoreLocation, truststoreObjects, unique } from "../stack-links";
import { known, settings, subject, unknown, Unknown } from "../values";

/** Knobs of `truststore-content-valid`. */
export interface TruststoreContentConfig {
    /** Warn about CA certificates that expire within this many days. */
    warnDays: number;
    /** Report a bundle with warnings only (an expiring CA, a duplicate) as a violation too. */
    failOnWarnings: boolean;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        warnDays: { type: "integer", minimum: 0, default: 30, description: "Days before a CA's end of validity from which it is reported." },
        failOnWarnings: { type: "boolean", default: false, description: "Whether warnings alone (expiring or duplicate CAs) are a violation." },
    },
};

/**
 * Severity: high. Enforcement: mandatory: API Gateway accepts a truststore with certificates
 * it cannot use and only returns `truststoreWarnings`, which Pulumi does not show; the
 * partners of a CA it dropped then get 403 Forbidden.
 *
 * Stack rule. The object behind each domain's truststore URI, when it is in the stack
 * (`aws.s3.BucketObjectv2` or `aws.s3.BucketObject`, with `content`, `contentBase64` or a
 * string or file `source`), passes the truststore rules of `core/truststore/check.ts`:
 * PEM only, whole chains up to their roots, at most four CA levels, SHA-256 or stronger,
 * RSA >= 2048 or ECDSA P-256/P-384 keys, in validity. The violation lists every finding.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const truststoreContentValid: StackValidationPolicy = {
    name: "truststore-content-valid",
    description: "The truststore bundle uploaded in the stack passes API Gateway's truststore rules (PEM, full chains, key and signature algorithms, validity).",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Fix the CA certificates the bundle is built from, finding by finding (npm run truststore -- check <bundle.pem> " +
        "lists them): whole chains up to their roots, SHA-256 or stronger, RSA 2048+ or ECDSA P-256/P-384 keys, within " +
        "validity; pass the bundle as the object's content so it can be checked.",
    configSchema,
    validateStack: async (args, report) => {
        const domains = mtlsDomains(args.resources);
        if (domains.length === 0) {
            args.notApplicable("no custom domain with mutual TLS in the stack");
        }
        const { warnDays, failOnWarnings } = settings<TruststoreContentConfig>(args, configSchema);
        const objects = unique(domains.flatMap(domain => truststoreObjects(domain, args.resources).map(object => ({ urn: object.urn, object, domain }))));
        for (const { object, domain } of objects) {
            const pem = await contentOf(object);
            if (pem === unknown) {
                continue;
            }
            const location = truststoreLocation(domain);
            const uri = location === unknown || location === undefined ? "" : ` (${location.uri})`;
            const whose = `${subject(object)}, the truststore of ${subject(domain)}${uri}`;
            if (pem === undefined) {
                report(`${whose}: its content cannot be read (no content, contentBase64, or readable source); ` +
                    "pass the PEM bundle as content so that it can be checked before upload", object.urn);
                continue;
            }
            const findings = await checkTruststore(pem, { warnDays });
            if (hasErrors(findings) || (failOnWarnings && findings.length > 0)) {
                report(`${whose}: the bundle fails API Gateway's truststore rules; fix the CA certificates it is built from:\n` +
                    findings.map(f => `  - ${formatFinding(f)}`).join("\n"), object.urn);
            }
        }
    },
};

/** The object's body as text: `unknown` during preview, undefined when it cannot be read. */
async function contentOf(object: PolicyResource): Promise<string | Unknown | undefined> {
    const content = known(() => object.props.content);
    const base64 = known(() => object.props.contentBase64);
    const source = known(() => object.props.source as { text?: Promise<string>; path?: Promise<string> } | undefined);
    if (content === unknown || base64 === unknown || source === unknown) {
        return unknown;
    }
    if (typeof content === "string") {
        return content;
    }
    if (typeof base64 === "string") {
        return Buffer.from(base64, "base64").toString("utf8");
    }
    if (source?.text !== undefined) {
        return await source.text;
    }
    if (source?.path !== undefined) {
        // A file asset's path is relative to the program, and this pack may run elsewhere.
        return readFile(await source.path, "utf8").catch(() => undefined);
    }
    return undefined;
}
