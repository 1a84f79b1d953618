import * as crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, Certificate, Extension, Name, SubjectKeyIdentifier, id_ce_authorityKeyIdentifier, id_ce_subjectKeyIdentifier } from "@peculiar/asn1-x509";
import { CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { BoundedCache } from "../../core/cache";
import { resourceTypes } from "../../core/resource-types";
import { x509 } from "../../core/x509/x509";
import { openSshForms } from "./openssh";
import { certificate, extension, fromPem, KEY_CACHE_LIMIT, remember, sign, signingKey, subjectKeyIdentifier, toArrayBuffer, toName, toPem, toSigningKey, usageExtensions } from "./tls-der";

export { unsignedInteger } from "./tls-der";

/**
 * Faithful stand-ins for @pulumi/tls resources: keys and certificates are really generated
 * from the resource inputs, the way the provider does it, so that everything downstream
 * (the truststore bundle, its rules, a local mTLS endpoint) works on real X.509. The Pulumi
 * mocks (program.ts) and the stand-in tls provider for the real engine (tools/engine/providers/tls.ts)
 * both make their resources here.
 */

/** The subject block of tls.CertRequest / tls.SelfSignedCert inputs. */
export interface TlsSubject {
    commonName?: string;
    organization?: string;
    organizationalUnit?: string;
    locality?: string;
    province?: string;
    country?: string;
    postalCode?: string;
    serialNumber?: string;
    streetAddresses?: string[];
}

/** The inputs of the tls resources (plain JSON), with those the mocks read. */
export interface TlsProps {
    [property: string]: unknown;
    algorithm?: string;
    rsaBits?: number;
    ecdsaCurve?: string;
    privateKeyPem?: string;
    subject?: TlsSubject;
    validityPeriodHours?: number;
    isCaCertificate?: boolean;
    allowedUses?: string[];
    certRequestPem?: string;
    caCertPem?: string;
    caPrivateKeyPem?: string;
}

/** tls.PrivateKey's outputs. */
export interface PrivateKeyState extends TlsProps {
    privateKeyPem: string;
    privateKeyPemPkcs8: string;
    privateKeyOpenssh: string;
    publicKeyPem: string;
    publicKeyOpenssh: string;
    publicKeyFingerprintMd5: string;
    publicKeyFingerprintSha256: string;
}

/** tls.CertRequest's outputs. */
export interface CertRequestState extends TlsProps {
    certRequestPem: string;
}

/** The outputs of tls.SelfSignedCert and tls.LocallySignedCert. */
export interface CertState extends TlsProps {
    certPem: string;
    validityStartTime: string;
    validityEndTime: string;
    readyForRenewal: boolean;
}

/** An input the resource cannot do without. */
function required<K extends keyof TlsProps>(inputs: TlsProps, property: K, type: string): NonNullable<TlsProps[K]> {
    const value = inputs[property];
    if (value === undefined || value === null) {
        throw new Error(`${type} needs ${String(property)}`);
    }
    return value;
}

// Named bits of KeyUsage (RFC 5280 4.2.1.3), by the provider's names.
/** tls.PrivateKey: a key pair of the requested algorithm, in the provider's PEM encodings. */
export function privateKey(inputs: TlsProps): PrivateKeyState {
    const algorithm = inputs.algorithm;
    let pair: crypto.KeyPairKeyObjectResult;
    let privateKeyPem: string;
    if (algorithm === "RSA") {
        pair = crypto.generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048 });
        privateKeyPem = pair.privateKey.export({ type: "pkcs1", format: "pem" }) as string;
    } else if (algorithm === "ECDSA") {
        const curve = inputs.ecdsaCurve ?? "P224";
        pair = crypto.generateKeyPairSync("ec", { namedCurve: curve.replace("P", "P-") });
        privateKeyPem = pair.privateKey.export({ type: "sec1", format: "pem" }) as string;
    } else if (algorithm === "ED25519") {
        pair = crypto.generateKeyPairSync("ed25519");
        privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    } else {
        throw new Error(`tls.PrivateKey algorithm "${algorithm}" is not one of RSA, ECDSA, ED25519`);
    }
    const spki = pair.publicKey.export({ type: "spki", format: "der" });
    remember(privateKeyPem, toSigningKey(pair.privateKey, spki));
    // The provider leaves the OpenSSH outputs empty for a key SSH has no form for.
    const ssh = openSshForms(pair.privateKey);
    return {
        ...inputs,
        privateKeyPem,
        privateKeyPemPkcs8: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
        privateKeyOpenssh: ssh ? toPem("OPENSSH PRIVATE KEY", toArrayBuffer(ssh.privateKey)) : "",
        publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }) as string,
        publicKeyOpenssh: ssh?.authorizedKey ?? "",
        publicKeyFingerprintMd5: ssh?.fingerprintMd5 ?? "",
        publicKeyFingerprintSha256: ssh?.fingerprintSha256 ?? "",
    };
}

/** The provider's subject block as an X.509 name, in Go's RDN order. */
export function subjectName(subject: TlsSubject | undefined): x509.JsonName {
    const s = subject ?? {};
    const parts: [string, string | string[] | undefined][] = [
        ["C", s.country], ["O", s.organization], ["OU", s.organizationalUnit], ["L", s.locality],
        ["ST", s.province], ["street", s.streetAddresses], ["postalCode", s.postalCode],
        ["serialNumber", s.serialNumber], ["CN", s.commonName],
    ];
    return parts.flatMap(([type, value]) => {
        const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => !!v);
        return values.length ? [{ [type]: values }] : [];
    });
}

function validity(inputs: TlsProps, from: Date) {
    // Certificates hold whole seconds.
    const notBefore = new Date(Math.floor(from.getTime() / 1000) * 1000);
    const notAfter = new Date(notBefore.getTime() + Number(inputs.validityPeriodHours) * 3600_000);
    return {
        notBefore,
        notAfter,
        outputs: {
            validityStartTime: notBefore.toISOString().replace(/\.\d{3}Z$/, "Z"),
            validityEndTime: notAfter.toISOString().replace(/\.\d{3}Z$/, "Z"),
            readyForRenewal: false,
        },
    };
}

/** tls.CertRequest: a PKCS#10 request for the subject, signed with the given key. */
export async function certRequest(inputs: TlsProps): Promise<CertRequestState> {
    const key = signingKey(required(inputs, "privateKeyPem", "tls.CertRequest"));
    // Version 0 and no attributes are the schema's defaults.
    const certificationRequestInfo = new CertificationRequestInfo({ subject: toName(subjectName(inputs.subject)), subjectPKInfo: key.spki });
    const signature = await sign(certificationRequestInfo, key);
    const request = new CertificationRequest({ certificationRequestInfo, signatureAlgorithm: key.algorithm, signature });
    return { ...inputs, certRequestPem: toPem("CERTIFICATE REQUEST", AsnConvert.serialize(request)) };
}

/** tls.SelfSignedCert: a certificate signed by its own key. `now` is the creation time. */
export async function selfSignedCert(inputs: TlsProps, now = new Date()): Promise<CertState> {
    const key = signingKey(required(inputs, "privateKeyPem", "tls.SelfSignedCert"));
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(subjectKeyIdentifier(key.spki));
    }
    const name = toName(subjectName(inputs.subject));
    const certPem = await certificate({ issuer: name, subject: name, subjectKey: key.spki, ...window, extensions }, key);
    return { ...inputs, certPem, ...window.outputs };
}

/** A CA certificate's subject, and the authorityKeyIdentifier it gives what it issues (from its subjectKeyIdentifier). */
interface CaCert {
    readonly subject: Name;
    readonly authorityKeyIdentifier?: Extension;
}

// A CA issues many certificates: parse each once, by its PEM, bounded like the keys.
const caCerts = new BoundedCache<string, CaCert>(KEY_CACHE_LIMIT);

function readCa(caCertPem: string): CaCert {
    const known = caCerts.get(caCertPem);
    if (known) {
        return known;
    }
    const { tbsCertificate } = AsnConvert.parse(fromPem("CERTIFICATE", caCertPem), Certificate);
    const ski = tbsCertificate.extensions?.find((ext) => ext.extnID === id_ce_subjectKeyIdentifier);
    const keyIdentifier = ski && AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier);
    const ca: CaCert = {
        subject: tbsCertificate.subject,
        authorityKeyIdentifier: keyIdentifier && extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier })),
    };
    caCerts.set(caCertPem, ca);
    return ca;
}

/** tls.LocallySignedCert: the request's subject and key, signed by the given CA. */
export async function locallySignedCert(inputs: TlsProps, now = new Date()): Promise<CertState> {
    const type = "tls.LocallySignedCert";
    const { subject, subjectPKInfo } = AsnConvert.parse(fromPem("CERTIFICATE REQUEST", required(inputs, "certRequestPem", type)), CertificationRequest).certificationRequestInfo;
    const ca = readCa(required(inputs, "caCertPem", type));
    const key = signingKey(required(inputs, "caPrivateKeyPem", type));
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(subjectKeyIdentifier(subjectPKInfo));
    }
    if (ca.authorityKeyIdentifier) {
        extensions.push(ca.authorityKeyIdentifier);
    }
    const certPem = await certificate({ issuer: ca.subject, subject, subjectKey: subjectPKInfo, ...window, extensions }, key);
    return { ...inputs, certPem, ...window.outputs };
}

/** The tls resource types these mocks generate, by Pulumi type token. */
export const tlsResources: Record<string, (inputs: TlsProps) => TlsProps | Promise<TlsProps>> = {
    [resourceTypes.tlsPrivateKey]: privateKey,
    [resourceTypes.tlsCertRequest]: certRequest,
    [resourceTypes.tlsSelfSignedCert]: (inputs) => selfSignedCert(inputs),
    [resourceTypes.tlsLocallySignedCert]: (inputs) => locallySignedCert(inputs),
};

/**
 * What makes a tls resource under the mocks, given its URN: `tlsResource` by default; local mode
 * gives one that reuses what its stored state holds (tools/local/pki-state.ts).
 */
export type TlsMaker = (urn: string, type: string, inputs: TlsProps) => TlsProps | Promise<TlsProps>;

/**
 * The outputs of one tls resource. A tls type these mocks do not model is an error, so that no
 * test passes on outputs nobody modelled.
 */
export function tlsResource(type: string, inputs: TlsProps): TlsProps | Promise<TlsProps> {
    const make = tlsResources[type];
    if (!make) {
        throw new Error(`the tls mocks do not model the resource type ${type}; they make ${Object.keys(tlsResources).join(", ")} (add it to tlsResources in tools/simulator/tls.ts and to core/resource-types.ts)`);
    }
    return make(inputs);
}
