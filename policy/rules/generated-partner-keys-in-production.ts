import { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import * as tls from "@pulumi/tls";
import { isAny, refersTo } from "../stack-links";
import { known, matchesAny, settings, show, subject } from "../values";

/** Knobs of `generated-partner-keys-in-production`. */
export interface ProductionConfig {
    /** Names of the stacks that are production; a trailing `*` matches any rest. */
    productionStacks: string[];
}

const configSchema: PolicyConfigSchema = {
    properties: {
        productionStacks: {
            type: "array", items: { type: "string" }, default: ["prod", "production"],
            description: "Stacks that are production, by name; a trailing * matches any rest, such as prod-*.",
        },
    },
};

/** The stack of a URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
function stackOf(urn: string): string {
    return urn.slice("urn:pulumi:".length).split("::")[0];
}

/** A certificate that is not a CA and allows `client_auth`; unknown during preview is not one yet. */
function isClientCertificate(certificate: PolicyResource): boolean {
    const uses = known(() => certificate.props.allowedUses);
    return known(() => certificate.props.isCaCertificate === true) === false && Array.isArray(uses) && uses.includes("client_auth");
}

/** The client certificates of `key`: self-signed with it, or signed for a request it made. */
function clientCertificatesOf(key: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
    const requests = resources.filter(r => isAny(r, [tls.CertRequest]) && refersTo(r, "privateKeyPem", key, ["privateKeyPem"]));
    return resources.filter(r => isClientCertificate(r) && (
        (isAny(r, [tls.SelfSignedCert]) && refersTo(r, "privateKeyPem", key, ["privateKeyPem"])) ||
        (isAny(r, [tls.LocallySignedCert]) && requests.some(request => refersTo(r, "certRequestPem", request, ["certRequestPem"])))));
}

/**
 * Severity: medium. Enforcement: advisory: a generated partner key works, but it lives in the
 * stack's state (encrypted, readable by whoever can read the stack's secrets) and has to travel
 * to the partner. In production the partner should make its key, keep it, and send only a
 * certificate request; where a stack may still generate keys is the organization's choice, so
 * set this rule to mandatory in the policy config to enforce it.
 *
 * Stack rule. In a stack named in `productionStacks` (default `prod`, `production`), no
 * `tls.PrivateKey` is the key of a client certificate: a `tls.LocallySignedCert` with
 * `client_auth` (not a CA) signed for a `tls.CertRequest` of that key, or a
 * `tls.SelfSignedCert` with `client_auth` made with it. CA keys are not judged.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const generatedPartnerKeysInProduction: StackValidationPolicy = {
    name: "generated-partner-keys-in-production",
    description: "Production stacks generate no client (partner) private keys: partners onboard from a CSR or bring their own CA.",
    enforcementLevel: "advisory",
    severity: "medium",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Onboard the partner from a certificate request (partners entry {name, csrFile}: the partner makes its key and " +
        "sends only the request) or from its own CA ({name, caCertFile}), so that no client key is generated in the " +
        "stack.",
    configSchema,
    validateStack: (args, report) => {
        const stack = args.resources.length === 0 ? undefined : stackOf(args.resources[0].urn);
        const { productionStacks } = settings<ProductionConfig>(args, configSchema);
        if (stack === undefined || !matchesAny(stack, productionStacks)) {
            args.notApplicable(`stack ${show(stack)} is not one of productionStacks ${show(productionStacks)}`);
        }
        for (const key of args.resources.filter(r => isAny(r, [tls.PrivateKey]))) {
            const [certificate] = clientCertificatesOf(key, args.resources);
            if (certificate) {
                report(`${subject(key)}: the private key of the client certificate ${subject(certificate)} is generated in production stack "${stack}", ` +
                    "so it lives in this stack's state and must be sent to the partner; onboard from a CSR instead: the partner makes its key " +
                    "and sends a certificate request (partners entry {name, csrFile}), or brings its own CA ({name, caCertFile})", key.urn);
            }
        }
    },
};
