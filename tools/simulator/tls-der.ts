// The DER building blocks of the tls mocks (tools/simulator/tls.ts): signing keys, names, extensions,
// serials and the certificate itself, encoded with @peculiar/asn1-* as Go's x509 package does.
import * as crypto from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
    AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, BasicConstraints, Certificate,
    ExtendedKeyUsage, Extension, Extensions, KeyUsage, Name, RelativeDistinguishedName, SubjectKeyIdentifier,
    SubjectPublicKeyInfo, TBSCertificate, Time, Validity, Version, id_ce_basicConstraints,
    id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { CertificationRequestInfo } from "@peculiar/asn1-csr";
import { BoundedCache } from "../../core/cache";
import { isComplete, scanPem } from "../../core/x509/pem";
import type { x509 } from "../../core/x509/x509";

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
export interface SigningKey {
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

export function toSigningKey(privateKey: crypto.KeyObject, spkiDer: Buffer): SigningKey {
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
export const KEY_CACHE_LIMIT = 10_000;
const signingKeys = new BoundedCache<string, SigningKey>(KEY_CACHE_LIMIT);

/** Keeps a key made here, so that what it signs next needs no parsing. */
export function remember(privateKeyPem: string, key: SigningKey): SigningKey {
    signingKeys.set(privateKeyPem, key);
    return key;
}

export function signingKey(privateKeyPem: string): SigningKey {
    const known = signingKeys.get(privateKeyPem);
    if (known) {
        return known;
    }
    const privateKey = crypto.createPrivateKey(privateKeyPem);
    const spki = crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" });
    return remember(privateKeyPem, toSigningKey(privateKey, spki));
}

/** Signs the DER of `toBeSigned` in libuv's thread pool, so that signing overlaps the SDK's work on the main thread. */
export function sign(toBeSigned: TBSCertificate | CertificationRequestInfo, key: SigningKey): Promise<ArrayBuffer> {
    const data = Buffer.from(AsnConvert.serialize(toBeSigned));
    return new Promise((resolve, reject) => {
        crypto.sign(key.hash, data, key.privateKey, (error, signature) => (error ? reject(error) : resolve(toArrayBuffer(signature))));
    });
}

export const toArrayBuffer = (bytes: Buffer): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** PEM of DER bytes under `label`, 64 characters a line, ending in a newline. */
export function toPem(label: string, der: ArrayBuffer): string {
    const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER of the first complete PEM block with `label`. */
export function fromPem(label: string, pem: string): Buffer {
    const block = scanPem(pem).blocks.find((candidate) => candidate.label === label && isComplete(candidate));
    if (!block) {
        throw new Error(`no ${label} PEM block`);
    }
    return Buffer.from(block.body.join(""), "base64");
}

// PrintableString's alphabet, with '*' as Go's encoder allows it.
const printable = /^[A-Za-z0-9 '()+,\-./:=?*]*$/;

/** An X.509 Name from `subjectName`'s form: one RDN per entry, one value per attribute; Go's string types. */
export function toName(name: x509.JsonName): Name {
    return new Name(name.map((rdn) => new RelativeDistinguishedName(Object.entries(rdn).flatMap(([type, values]) =>
        values.map((value) => new AttributeTypeAndValue({
            type: nameOids[type],
            value: new AttributeValue(printable.test(value) ? { printableString: value } : { utf8String: value }),
        }))))));
}

export function extension(extnID: string, critical: boolean, value: object): Extension {
    return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

// Certificates share a handful of allowed_uses lists: encode each list's extensions once.
const usageExtensionsCache = new BoundedCache<string, readonly Extension[]>(1_000);

/** basicConstraints (critical), then keyUsage (critical) and extKeyUsage as `allowedUses` asks. */
export function usageExtensions(allowedUses: string[] | undefined, isCa: boolean): Extension[] {
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
export function subjectKeyIdentifier(spki: SubjectPublicKeyInfo): Extension {
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

/** A v3 certificate of `subjectKey` for `subject`, issued by `issuer` and signed with `signer`, as PEM. */
export async function certificate(fields: { issuer: Name; subject: Name; subjectKey: SubjectPublicKeyInfo; notBefore: Date; notAfter: Date; extensions: Extension[] }, signer: SigningKey): Promise<string> {
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

