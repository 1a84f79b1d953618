import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as tls from "@pulumi/tls";
import { known, settings, subject, unknown } from "../values";

/** Knobs of `tls-leaf-validity-limited`. */
export interface LeafValidityConfig {
    /** Longest life of a leaf certificate, in days. */
    maxLeafValidityDays: number;
}

const configSchema: PolicyConfigSchema = {
    properties: {
        maxLeafValidityDays: {
            type: "integer", minimum: 1, default: 397,
            description: "Longest validity of a leaf (client) certificate in days.",
        },
    },
};

interface CertificateProps {
    validityPeriodHours: number;
    isCaCertificate?: boolean;
}

/**
 * Severity: medium. Enforcement: advisory: nothing breaks with a long-lived client
 * certificate, but API Gateway never checks revocation (no CRL, no OCSP), so validity is the
 * only limit on a leaked key until a revocation authorizer exists. The maximum is an
 * organization's choice; set this rule to mandatory in the policy config to enforce it.
 *
 * Leaf certificates (`tls.SelfSignedCert`, `tls.LocallySignedCert` without
 * `isCaCertificate: true`) have `validityPeriodHours` of at most `maxLeafValidityDays` days
 * (default 397, the longest a public TLS certificate may live).
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const tlsLeafValidityLimited: ResourceValidationPolicy = {
    name: "tls-leaf-validity-limited",
    description: "Client certificates made with @pulumi/tls live at most maxLeafValidityDays (default 397): API Gateway does not check revocation.",
    enforcementLevel: "advisory",
    severity: "medium",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Set validityPeriodHours of client certificates to at most maxLeafValidityDays x 24, and renew them before they " +
        "end (bump the partner's generation).",
    configSchema,
    validateResource: [
        validateResourceOfType(tls.SelfSignedCert, (cert, args, report) => check(() => cert, args, report)),
        validateResourceOfType(tls.LocallySignedCert, (cert, args, report) => check(() => cert, args, report)),
    ],
};

function check(cert: () => CertificateProps, args: ResourceValidationArgs, report: ReportViolation): void {
    const isCa = known(() => cert().isCaCertificate === true);
    const hours = known(() => cert().validityPeriodHours);
    const { maxLeafValidityDays } = settings<LeafValidityConfig>(args, configSchema);
    if (isCa !== false || hours === unknown || typeof hours !== "number" || hours <= maxLeafValidityDays * 24) {
        return;
    }
    report(`${subject(args)}: validityPeriodHours is ${hours} (${Math.ceil(hours / 24)} days); ` +
        `set it to ${maxLeafValidityDays * 24} (${maxLeafValidityDays} days) or less and renew the certificate before it ends`);
}
