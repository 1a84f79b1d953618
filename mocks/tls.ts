import * as crypto from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
    AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, BasicConstraints, Certificate,
    ExtendedKeyUsage, Extension, Extensions, KeyUsage, Name, RelativeDistinguishedName, SubjectKeyIdentifier,
    SubjectPublicKeyInfo, TBSCertificate, Time, Validity, Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
    id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { resourceTypes } from "../core/resourcetypes";
import { x509 } from "../core/x509";
import { openSshForms } from "./openssh";

/**
 * Faithful stand-ins for @pulumi/tls resources: keys and certificates are really generated
 * from the resource inputs, the way the provider does it, so that everything downstream
 * (the truststore bundle, its rules, a local mTLS endpoint) works on real X.509. The Pulumi
 * mocks (program.ts) and the stand-in tls provider for the real engine (engine/providers/tls.ts)
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
const keyUsageBits: Record<string, number> = {
    digital_signature: 0,
    content_commitment: 1,
    key_encipherment: 2,
    data_encipherment: 3,
    key_agreement: 4,
    cert_signing: 5,
    crl_signing: 6,
    encipher_only: 7,
    decipher_only: 8,
};

const extendedKeyUsages: Record<string, string> = {
    any_extended: "2.5.29.37.0",
    server_auth: "1.3.6.1.5.5.7.3.1",
    client_auth: "1.3.6.1.5.5.7.3.2",
    code_signing: "1.3.6.1.5.5.7.3.3",
    email_protection: "1.3.6.1.5.5.7.3.4",
    timestamping: "1.3.6.1.5.5.7.3.8",
    ocsp_signing: "1.3.6.1.5.5.7.3.9",
};

const nameOids: Record<string, string> = {
    C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", L: "2.5.4.7", ST: "2.5.4.8",
    street: "2.5.4.9", postalCode: "2.5.4.17", serialNumber: "2.5.4.5", CN: "2.5.4.3",
};

/** A private key ready to sign with: the key, its public key and Go's signature algorithm for it. */
interface SigningKey {
    readonly privateKey: crypto.KeyObject;
    readonly spki: SubjectPublicKeyInfo;
    /** Hash for `crypto.sign`; null for Ed25519. */
    readonly hash: string | null;
    /** The AlgorithmIdentifier of the signatures. */
    readonly algorithm: AlgorithmIdentifier;
}

const ecdsaWith: Record<string, { hash: string; oid: string }> = {
    secp224r1: { hash: "sha256", oid: "1.2.840.10045.4.3.2" },
    prime256v1: { hash: "sha256", oid: "1.2.840.10045.4.3.2" },
    secp384r1: { hash: "sha384", oid: "1.2.840.10045.4.3.3" },
    secp521r1: { hash: "sha512", oid: "1.2.840.10045.4.3.4" },
};

function toSigningKey(privateKey: crypto.KeyObject, spkiDer: Buffer): SigningKey {
    const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
    switch (privateKey.asymmetricKeyType) {
        case "rsa":
            // sha256WithRSAEncryption carries an explicit NULL parameter (RFC 4055 5).
            return { privateKey, spki, hash: "sha256", algorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null }) };
        case "ec": {
            const ecdsa = ecdsaWith[privateKey.asymmetricKeyDetails?.namedCurve ?? ""];
            if (!ecdsa) {
                throw new Error(`curve ${privateKey.asymmetricKeyDetails?.namedCurve} is not supported by the tls mocks`);
            }
            return { privateKey, spki, hash: ecdsa.hash, algorithm: new AlgorithmIdentifier({ algorithm: ecdsa.oid }) };
        }
        case "ed25519":
            return { privateKey, spki, hash: null, algorithm: new AlgorithmIdentifier({ algorithm: "1.3.101.112" }) };
        default:
            throw new Error(`key type ${privateKey.asymmetricKeyType} is not supported by the tls mocks`);
    }
}

// Every key is made here and then signs a request and maybe certificates: keep each parsed
// once, by its PEM. Bounded, since one process may run the program many times.
const KEY_CACHE_LIMIT = 10_000;
const signingKeys = new Map<string, SigningKey>();

function remember(privateKeyPem: string, key: SigningKey): SigningKey {
    if (signingKeys.size >= KEY_CACHE_LIMIT) {
        signingKeys.delete(signingKeys.keys().next().value as string);
    }
    signingKeys.set(privateKeyPem, key);
    return key;
}

function signingKey(privateKeyPem: string): SigningKey {
    const known = signingKeys.get(privateKeyPem);
    if (known) {
        return known;
    }
    const privateKey = crypto.createPrivateKey(privateKeyPem);
    const spki = crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" });
    return remember(privateKeyPem, toSigningKey(privateKey, spki));
}

/** Signs the DER of `toBeSigned` in libuv's thread pool, so that signing overlaps the SDK's work on the main thread. */
function sign(toBeSigned: TBSCertificate | CertificationRequestInfo, key: SigningKey): Promise<ArrayBuffer> {
    const data = Buffer.from(AsnConvert.serialize(toBeSigned));
    return new Promise((resolve, reject) => {
        crypto.sign(key.hash, data, key.privateKey, (error, signature) => (error ? reject(error) : resolve(toArrayBuffer(signature))));
    });
}

const toArrayBuffer = (bytes: Buffer): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** PEM of DER bytes under `label`, 64 characters a line, ending in a newline. */
function toPem(label: string, der: ArrayBuffer): string {
    const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER of the first PEM block with `label`. */
function fromPem(label: string, pem: string): Buffer {
    const begin = `-----BEGIN ${label}-----`;
    const start = pem.indexOf(begin);
    const end = pem.indexOf(`-----END ${label}-----`, start);
    if (start < 0 || end < 0) {
        throw new Error(`no ${label} PEM block`);
    }
    return Buffer.from(pem.slice(start + begin.length, end).replace(/\s+/g, ""), "base64");
}

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

// PrintableString's alphabet, with '*' as Go's encoder allows it.
const printable = /^[A-Za-z0-9 '()+,\-./:=?*]*$/;

/** An X.509 Name from `subjectName`'s form: one RDN per entry, one value per attribute; Go's string types. */
function toName(name: x509.JsonName): Name {
    return new Name(name.map((rdn) => new RelativeDistinguishedName(Object.entries(rdn).flatMap(([type, values]) =>
        values.map((value) => new AttributeTypeAndValue({
            type: nameOids[type],
            value: new AttributeValue(printable.test(value) ? { printableString: value } : { utf8String: value }),
        }))))));
}

function extension(extnID: string, critical: boolean, value: object): Extension {
    return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

// Certificates share a handful of allowed_uses lists: encode each list's extensions once.
const usageExtensionsCache = new Map<string, readonly Extension[]>();

/** basicConstraints (critical), then keyUsage (critical) and extKeyUsage as `allowedUses` asks. */
function usageExtensions(allowedUses: string[] | undefined, isCa: boolean): Extension[] {
    const uses = allowedUses ?? [];
    const cacheKey = `${isCa} ${uses.join(",")}`;
    let extensions = usageExtensionsCache.get(cacheKey);
    if (!extensions) {
        const bits = uses.reduce((sum, use) => (keyUsageBits[use] === undefined ? sum : sum | (1 << keyUsageBits[use])), 0);
        const ekus = uses.flatMap((use) => (extendedKeyUsages[use] ? [extendedKeyUsages[use]] : []));
        extensions = [
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: isCa })),
            ...(bits ? [extension(id_ce_keyUsage, true, new KeyUsage(bits))] : []),
            ...(ekus.length ? [extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(ekus))] : []),
        ];
        usageExtensionsCache.set(cacheKey, extensions);
    }
    return [...extensions];
}

/** subjectKeyIdentifier: SHA-1 of the subject's public key bits (RFC 5280 4.2.1.2, method 1). */
function subjectKeyIdentifier(spki: SubjectPublicKeyInfo): Extension {
    const keyId = crypto.createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
    return extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
}

/**
 * The contents of a DER INTEGER for a non-negative big-endian magnitude, minimal as DER demands
 * (the schema writes integer bytes as given). Exported for testing.
 */
export function unsignedInteger(magnitude: Buffer): ArrayBuffer {
    let first = 0;
    while (first < magnitude.length && magnitude[first] === 0) {
        first++;
    }
    const trimmed = magnitude.subarray(first);
    return toArrayBuffer(trimmed.length === 0 || trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** A positive 127-bit serial, as Go's provider makes them (random, 128 bits at most). */
function randomSerial(): ArrayBuffer {
    const bytes = crypto.randomBytes(16);
    bytes[0] &= 0x7f;
    return unsignedInteger(bytes);
}

/** A certificate time: UTCTime for 1950 through 2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
function time(date: Date): Time {
    const year = date.getUTCFullYear();
    return year >= 1950 && year < 2050 ? new Time({ utcTime: date }) : new Time({ generalTime: date });
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

/** A v3 certificate of `subjectKey` for `subject`, issued by `issuer` and signed with `signer`, as PEM. */
async function certificate(fields: { issuer: Name; subject: Name; subjectKey: SubjectPublicKeyInfo; notBefore: Date; notAfter: Date; extensions: Extension[] }, signer: SigningKey): Promise<string> {
    const validity = new Validity();
    validity.notBefore = time(fields.notBefore);
    validity.notAfter = time(fields.notAfter);
    const tbsCertificate = new TBSCertificate({
        version: Version.v3,
        serialNumber: randomSerial(),
        signature: signer.algorithm,
        issuer: fields.issuer,
        validity,
        subject: fields.subject,
        subjectPublicKeyInfo: fields.subjectKey,
        extensions: new Extensions(fields.extensions),
    });
    const signatureValue = await sign(tbsCertificate, signer);
    return toPem("CERTIFICATE", AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: signer.algorithm, signatureValue })));
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
const caCerts = new Map<string, CaCert>();

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
    if (caCerts.size >= KEY_CACHE_LIMIT) {
        caCerts.delete(caCerts.keys().next().value as string);
    }
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
 * The outputs of one tls resource. A tls type these mocks do not model is an error, so that no
 * test passes on outputs nobody modelled.
 */
export function tlsResource(type: string, inputs: TlsProps): TlsProps | Promise<TlsProps> {
    const make = tlsResources[type];
    if (!make) {
        throw new Error(`the tls mocks do not model the resource type ${type}; they make ${Object.keys(tlsResources).join(", ")} (add it to tlsResources in mocks/tls.ts and to core/resourcetypes.ts)`);
    }
    return make(inputs);
}
