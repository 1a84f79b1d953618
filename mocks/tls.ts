import * as crypto from "node:crypto";
import { x509 } from "../components/x509";
import * as der from "./der";

/**
 * Faithful stand-ins for @pulumi/tls resources: keys and certificates are really generated
 * from the resource inputs, the way the provider does it, so that everything downstream
 * (the truststore bundle, its rules, a local mTLS endpoint) works on real X.509.
 */

type Inputs = Record<string, any>;

/** The subject block of tls.CertRequest / tls.SelfSignedCert inputs. */
interface TlsSubject {
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

/** A private key ready to sign with: the key, its public key (SPKI DER) and Go's signature algorithm for it. */
interface SigningKey {
    readonly privateKey: crypto.KeyObject;
    readonly spki: Buffer;
    /** Hash for `crypto.sign`; null for Ed25519. */
    readonly hash: string | null;
    /** The AlgorithmIdentifier of the signatures, DER. */
    readonly algorithm: Buffer;
}

const ecdsaWith: Record<string, { hash: string; oid: string }> = {
    secp224r1: { hash: "sha256", oid: "1.2.840.10045.4.3.2" },
    prime256v1: { hash: "sha256", oid: "1.2.840.10045.4.3.2" },
    secp384r1: { hash: "sha384", oid: "1.2.840.10045.4.3.3" },
    secp521r1: { hash: "sha512", oid: "1.2.840.10045.4.3.4" },
};

function toSigningKey(privateKey: crypto.KeyObject, spki: Buffer): SigningKey {
    switch (privateKey.asymmetricKeyType) {
        case "rsa":
            return { privateKey, spki, hash: "sha256", algorithm: der.sequence(der.oid("1.2.840.113549.1.1.11"), der.nullValue()) };
        case "ec": {
            const ecdsa = ecdsaWith[privateKey.asymmetricKeyDetails?.namedCurve ?? ""];
            if (!ecdsa) {
                throw new Error(`curve ${privateKey.asymmetricKeyDetails?.namedCurve} is not supported by the tls mocks`);
            }
            return { privateKey, spki, hash: ecdsa.hash, algorithm: der.sequence(der.oid(ecdsa.oid)) };
        }
        case "ed25519":
            return { privateKey, spki, hash: null, algorithm: der.sequence(der.oid("1.3.101.112")) };
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

/** Signs in libuv's thread pool, so that signing overlaps the SDK's work on the main thread. */
function sign(data: Buffer, key: SigningKey): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        crypto.sign(key.hash, data, key.privateKey, (error, signature) => (error ? reject(error) : resolve(signature)));
    });
}

/** A signed structure (certificate or request): the signed part, the algorithm, the signature. */
async function signed(toBeSigned: Buffer, key: SigningKey): Promise<Buffer> {
    return der.sequence(toBeSigned, key.algorithm, der.bitString(await sign(toBeSigned, key)));
}

/** tls.PrivateKey: a key pair of the requested algorithm, in the provider's PEM encodings. */
export function privateKey(inputs: Inputs): Inputs {
    const algorithm = inputs.algorithm as string;
    let pair: crypto.KeyPairKeyObjectResult;
    let privateKeyPem: string;
    if (algorithm === "RSA") {
        pair = crypto.generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048 });
        privateKeyPem = pair.privateKey.export({ type: "pkcs1", format: "pem" }) as string;
    } else if (algorithm === "ECDSA") {
        const curve = (inputs.ecdsaCurve as string | undefined) ?? "P224";
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
    return {
        ...inputs,
        privateKeyPem,
        privateKeyPemPkcs8: pair.privateKey.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }),
        publicKeyFingerprintSha256: "SHA256:" + crypto.createHash("sha256").update(spki).digest("base64").replace(/=+$/, ""),
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

/** An X.509 Name (DER) from `subjectName`'s form: one RDN per entry, one value per attribute. */
function encodeName(name: x509.JsonName): Buffer {
    return der.sequence(...name.map((rdn) => der.set(...Object.entries(rdn).flatMap(([type, values]) =>
        values.map((value) => der.sequence(der.oid(nameOids[type]), der.directoryString(value)))))));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
    return der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** basicConstraints (critical), then keyUsage (critical) and extKeyUsage as `allowedUses` asks. */
function usageExtensions(allowedUses: string[] | undefined, isCa: boolean): Buffer[] {
    const uses = allowedUses ?? [];
    const bits = uses.reduce((sum, use) => (keyUsageBits[use] === undefined ? sum : sum | (1 << keyUsageBits[use])), 0);
    const ekus = uses.flatMap((use) => (extendedKeyUsages[use] ? [extendedKeyUsages[use]] : []));
    const extensions = [extension("2.5.29.19", true, der.sequence(...(isCa ? [der.boolean(true)] : [])))];
    if (bits) {
        extensions.push(extension("2.5.29.15", true, der.namedBits(bits)));
    }
    if (ekus.length) {
        extensions.push(extension("2.5.29.37", false, der.sequence(...ekus.map(der.oid))));
    }
    return extensions;
}

/** subjectKeyIdentifier: SHA-1 of the subject's public key bits (RFC 5280 4.2.1.2, method 1). */
function subjectKeyIdentifier(spki: Buffer): { keyId: Buffer; extension: Buffer } {
    const [, publicKeyBits] = der.children(spki, der.read(spki));
    // The BIT STRING's first content byte counts unused bits; the key starts after it.
    const keyId = crypto.createHash("sha1").update(der.contents(spki, publicKeyBits).subarray(1)).digest();
    return { keyId, extension: extension("2.5.29.14", false, der.octetString(keyId)) };
}

function authorityKeyIdentifier(keyId: Buffer): Buffer {
    return extension("2.5.29.35", false, der.sequence(der.implicitPrimitive(0, keyId)));
}

/** A positive 127-bit serial, as Go's provider makes them (random, 128 bits at most). */
function randomSerial(): Buffer {
    const bytes = crypto.randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes;
}

function validity(inputs: Inputs, from: Date) {
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

/** A v3 certificate of `subjectKey` (SPKI DER) for `subject`, issued by `issuer` and signed with `signer`. */
function certificate(fields: { issuer: Buffer; subject: Buffer; subjectKey: Buffer; notBefore: Date; notAfter: Date; extensions: Buffer[] }, signer: SigningKey): Promise<Buffer> {
    return signed(der.sequence(
        der.explicit(0, der.smallInteger(2)),
        der.unsignedInteger(randomSerial()),
        signer.algorithm,
        fields.issuer,
        der.sequence(der.time(fields.notBefore), der.time(fields.notAfter)),
        fields.subject,
        fields.subjectKey,
        der.explicit(3, der.sequence(...fields.extensions)),
    ), signer);
}

/** tls.CertRequest: a PKCS#10 request for the subject, signed with the given key. */
export async function certRequest(inputs: Inputs): Promise<Inputs> {
    const key = signingKey(inputs.privateKeyPem);
    // CertificationRequestInfo: version 0, subject, key, no attributes.
    const request = await signed(der.sequence(der.smallInteger(0), encodeName(subjectName(inputs.subject)), key.spki, der.explicit(0)), key);
    return { ...inputs, certRequestPem: der.toPem("CERTIFICATE REQUEST", request) };
}

/** tls.SelfSignedCert: a certificate signed by its own key. `now` is the creation time. */
export async function selfSignedCert(inputs: Inputs, now = new Date()): Promise<Inputs> {
    const key = signingKey(inputs.privateKeyPem);
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(subjectKeyIdentifier(key.spki).extension);
    }
    const name = encodeName(subjectName(inputs.subject));
    const cert = await certificate({ issuer: name, subject: name, subjectKey: key.spki, ...window, extensions }, key);
    return { ...inputs, certPem: der.toPem("CERTIFICATE", cert), ...window.outputs };
}

/** The subject (DER) and subjectKeyIdentifier of a CA certificate. */
function readCa(caCertPem: string): { subject: Buffer; keyId?: Buffer } {
    const cert = der.fromPem("CERTIFICATE", caCertPem);
    const tbs = der.children(cert, der.read(cert))[0];
    const fields = der.children(cert, tbs);
    // Without the optional [0] version, every field sits one place earlier.
    const at = fields[0].tag === 0xa0 ? 0 : -1;
    const subject = der.raw(cert, fields[5 + at]);
    const extensions = fields.find((field) => field.tag === 0xa3);
    for (const ext of extensions ? der.children(cert, der.children(cert, extensions)[0]) : []) {
        const parts = der.children(cert, ext);
        if (der.readOid(cert, parts[0]) === "2.5.29.14") {
            const value = der.contents(cert, parts[parts.length - 1]);
            return { subject, keyId: der.contents(value, der.read(value)) };
        }
    }
    return { subject };
}

/** The subject and public key (both DER) of a certificate request. */
function readRequest(certRequestPem: string): { subject: Buffer; subjectKey: Buffer } {
    const request = der.fromPem("CERTIFICATE REQUEST", certRequestPem);
    const info = der.children(request, der.read(request))[0];
    const [, subject, subjectKey] = der.children(request, info);
    return { subject: der.raw(request, subject), subjectKey: der.raw(request, subjectKey) };
}

/** tls.LocallySignedCert: the request's subject and key, signed by the given CA. */
export async function locallySignedCert(inputs: Inputs, now = new Date()): Promise<Inputs> {
    const request = readRequest(inputs.certRequestPem);
    const ca = readCa(inputs.caCertPem);
    const key = signingKey(inputs.caPrivateKeyPem);
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(subjectKeyIdentifier(request.subjectKey).extension);
    }
    if (ca.keyId) {
        extensions.push(authorityKeyIdentifier(ca.keyId));
    }
    const cert = await certificate({ issuer: ca.subject, ...request, ...window, extensions }, key);
    return { ...inputs, certPem: der.toPem("CERTIFICATE", cert), ...window.outputs };
}

/** The tls resource types these mocks generate, by Pulumi type token. */
export const tlsResources: Record<string, (inputs: Inputs) => Inputs | Promise<Inputs>> = {
    "tls:index/privateKey:PrivateKey": privateKey,
    "tls:index/certRequest:CertRequest": certRequest,
    "tls:index/selfSignedCert:SelfSignedCert": (inputs) => selfSignedCert(inputs),
    "tls:index/locallySignedCert:LocallySignedCert": (inputs) => locallySignedCert(inputs),
};
