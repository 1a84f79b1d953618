import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isAny, mtlsDomains, refersTo } from "../stack-links";
import { isSet, known, subject, unknown } from "../values";

/**
 * Severity: high. Enforcement: mandatory: API Gateway refuses to create or update such a
 * domain without the ownership certificate, so `pulumi up` would stop halfway; the policy
 * says so at preview, with the fix.
 *
 * Stack rule. An mTLS domain whose server certificate is an `aws.acm.Certificate` of the stack
 * that is imported (`privateKey` or `certificateBody` set) or issued by AWS Private CA
 * (`certificateAuthorityArn` set) sets `ownershipVerificationCertificateArn` (REST domains) or
 * `domainNameConfiguration.ownershipVerificationCertificateArn` (HTTP domains): a public ACM
 * certificate for the same name that proves the domain is ours. Certificates from outside the
 * stack are not judged.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const mtlsOwnershipVerification: StackValidationPolicy = {
    name: "mtls-ownership-verification",
    description: "An mTLS domain whose server certificate is imported into ACM or issued by AWS Private CA sets ownershipVerificationCertificateArn.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Set ownershipVerificationCertificateArn (domainNameConfiguration.ownershipVerificationCertificateArn on HTTP " +
        "domains) to a public ACM certificate for the same domain name.",
    validateStack: (args, report) => {
        const domains = mtlsDomains(args.resources);
        if (domains.length === 0) {
            args.notApplicable("no custom domain with mutual TLS in the stack");
        }
        const certificates = args.resources.filter(r => isAny(r, [aws.acm.Certificate]));
        const validations = args.resources.filter(r => isAny(r, [aws.acm.CertificateValidation]));
        for (const domain of domains) {
            const rest = isAny(domain, [aws.apigateway.DomainName]);
            const property = rest ? "regionalCertificateArn" : "domainNameConfiguration";
            const ownership = known(() => rest
                ? domain.props.ownershipVerificationCertificateArn
                : domain.props.domainNameConfiguration?.ownershipVerificationCertificateArn);
            if (ownership === unknown || isSet(ownership)) {
                continue;
            }
            const serving = certificates.find(c => servesDomain(domain, property, c, validations));
            const kind = serving && issuance(serving);
            if (serving && kind) {
                const fix = rest ? "ownershipVerificationCertificateArn" : "domainNameConfiguration.ownershipVerificationCertificateArn";
                report(`${subject(domain)}: its server certificate ${subject(serving)} is ${kind}, and ${fix} is omitted; ` +
                    `set ${fix} to a public ACM certificate for the same domain name (mTLS requires it for imported and private certificates)`, domain.urn);
            }
        }
    },
};

/** Whether the domain's certificate property names `certificate`, directly or through its validation. */
function servesDomain(domain: PolicyResource, property: string, certificate: PolicyResource, validations: readonly PolicyResource[]): boolean {
    const arn = known(() => property === "regionalCertificateArn"
        ? domain.props.regionalCertificateArn
        : domain.props.domainNameConfiguration?.certificateArn);
    const ofCertificate = [known(() => certificate.props.arn), known(() => certificate.props.id)];
    if (arn !== unknown && arn !== undefined) {
        return ofCertificate.includes(arn);
    }
    return refersTo(domain, property, certificate, []) ||
        validations.some(v => refersTo(domain, property, v, []) && refersTo(v, "certificateArn", certificate, ["arn", "id"]));
}

/** How the certificate was issued, when that calls for an ownership certificate. */
function issuance(certificate: PolicyResource): string | undefined {
    if (isSet(known(() => certificate.props.certificateAuthorityArn))) {
        return "issued by AWS Private CA (certificateAuthorityArn is set)";
    }
    const imported = ["privateKey", "certificateBody"].find(p => isSet(known(() => certificate.props[p])));
    return imported ? `imported into ACM (${imported} is set)` : undefined;
}
