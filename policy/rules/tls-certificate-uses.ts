import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as tls from "@pulumi/tls";
import { known, settings, show, subject, unknown } from "../values";

/** Knobs of `tls-certificate-uses`. */
export interface CertificateUsesConfig {
    /** Uses every CA certificate includes. */
    requiredCaUses: string[];
    /** Uses every leaf (client) certificate includes. */
    requiredLeafUses: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        requiredCaUses: {
            type: "array", items: { type: "string" }, default: ["cert_signing"],
            description: "allowedUses every CA certificate (isCaCertificate: true) must include.",
        },
        requiredLeafUses: {
            type: "array", items: { type: "string" }, default: ["client_auth"],
            description: "allowedUses every leaf certificate must include.",
        },
    },
};

interface CertificateProps {
    allowedUses: string[];
    isCaCertificate?: boolean;
}

/**
 * Severity: medium. Enforcement: mandatory: a CA certificate without `cert_signing` (key usage
 * keyCertSign) cannot anchor a chain, so its partners get 403 at their first call; a client
 * certificate without `client_auth` (extended key usage clientAuth) is refused by verifiers
 * that check the purpose. Both are found only when a partner first calls.
 *
 * `tls.SelfSignedCert` and `tls.LocallySignedCert`: CA certificates (`isCaCertificate: true`)
 * include `cert_signing` in `allowedUses`, leaf certificates include `client_auth`.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const tlsCertificateUses: ResourceValidationPolicy = {
    name: "tls-certificate-uses",
    description: "Certificates made with @pulumi/tls have the uses mTLS needs: cert_signing on CAs, client_auth on client certificates.",
    enforcementLevel: "mandatory",
    severity: "medium",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Add cert_signing to allowedUses of CA certificates (isCaCertificate: true) and client_auth to allowedUses of " +
        "client certificates.",
    configSchema,
    validateResource: [
        validateResourceOfType(tls.SelfSignedCert, (cert, args, report) => check(() => cert, args, report)),
        validateResourceOfType(tls.LocallySignedCert, (cert, args, report) => check(() => cert, args, report)),
    ],
};

function check(cert: () => CertificateProps, args: ResourceValidationArgs, report: ReportViolation): void {
    const isCa = known(() => cert().isCaCertificate === true);
    const uses = known(() => cert().allowedUses);
    if (isCa === unknown || uses === unknown) {
        return;
    }
    const config = settings<CertificateUsesConfig>(args, configSchema);
    const required = isCa ? config.requiredCaUses : config.requiredLeafUses;
    const missing = required.filter(use => !(uses ?? []).includes(use));
    if (missing.length > 0) {
        const kind = isCa ? "a CA certificate" : "a client certificate";
        report(`${subject(args)}: allowedUses is ${show(uses)}, which lacks ${missing.join(", ")} for ${kind}; ` +
            `add ${missing.map(use => `"${use}"`).join(", ")} to allowedUses`);
    }
}
