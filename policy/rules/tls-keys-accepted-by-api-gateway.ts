import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as tls from "@pulumi/tls";
import { known, settings, show, subject, unknown } from "../values";

/** Knobs of `tls-keys-accepted-by-api-gateway`. */
export interface TlsKeysConfig {
    /** Smallest RSA modulus, in bits. */
    minRsaBits: number;
    /** ECDSA curves, as `tls.PrivateKey` names them. */
    allowedEcdsaCurves: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        minRsaBits: { type: "integer", minimum: 2048, default: 2048, description: "Smallest RSA key size in bits." },
        allowedEcdsaCurves: {
            type: "array",
            items: { type: "string", enum: ["P256", "P384"] },
            minItems: 1,
            default: ["P256", "P384"],
            description: "ECDSA curves allowed for keys (API Gateway accepts P-256 and P-384 only).",
        },
    },
};

/**
 * Severity: high. Enforcement: mandatory: API Gateway only reports a CA it cannot use as a
 * truststore warning (which Pulumi does not show) and then refuses every partner of that CA
 * with 403, and a client key it does not accept fails the handshake.
 *
 * Every `tls.PrivateKey` is one API Gateway accepts: RSA of at least 2048 bits or ECDSA on
 * P-256 or P-384. Not Ed25519, not P-521, and not P-224, which is what `tls.PrivateKey` picks
 * when `ecdsaCurve` is omitted.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const tlsKeysAcceptedByApiGateway: ResourceValidationPolicy = {
    name: "tls-keys-accepted-by-api-gateway",
    description: "Keys made with @pulumi/tls are RSA >= 2048 bits or ECDSA P-256/P-384, the keys API Gateway accepts for mTLS.",
    enforcementLevel: "mandatory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Make tls.PrivateKey keys with algorithm ECDSA and ecdsaCurve P256 or P384, or algorithm RSA with rsaBits 2048 or more.",
    configSchema,
    validateResource: validateResourceOfType(tls.PrivateKey, (key, args, report) => {
        const { minRsaBits, allowedEcdsaCurves } = settings<TlsKeysConfig>(args, configSchema);
        const algorithm = known(() => key.algorithm);
        const curves = allowedEcdsaCurves.join(" or ");
        if (algorithm === "RSA") {
            const bits = known(() => key.rsaBits);
            if (bits !== unknown && (bits ?? 2048) < minRsaBits) {
                report(`${subject(args)}: rsaBits is ${bits}; set rsaBits to ${minRsaBits} or more`);
            }
        } else if (algorithm === "ECDSA") {
            const curve = known(() => key.ecdsaCurve);
            if (curve !== unknown && !allowedEcdsaCurves.includes(curve ?? "P224")) {
                const value = curve === undefined ? "omitted (tls.PrivateKey then uses P224)" : curve;
                report(`${subject(args)}: ecdsaCurve is ${value}; set ecdsaCurve to ${curves}`);
            }
        } else if (algorithm !== unknown) {
            report(`${subject(args)}: algorithm is ${show(algorithm)}, which API Gateway does not accept; ` +
                `use algorithm ECDSA with ecdsaCurve ${curves}, or RSA with rsaBits ${minRsaBits} or more`);
        }
    }),
};
