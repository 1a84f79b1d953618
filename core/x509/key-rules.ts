// The public keys API Gateway accepts, in a truststore and in a client certificate: RSA of 2048
// bits or more, ECDSA on P-256 or P-384; no Ed25519, no P-521. Pure: config's keyAlgorithm and
// partners' certificate requests are judged by this one rule.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
import { KeyObject } from "node:crypto";

/** A public key as far as API Gateway's rule goes: its family and its size or curve. */
export type KeyShape =
    | { readonly type: "rsa"; readonly bits: number }
    /** `curve` as NIST names it ("P-256"), or as OpenSSL does when NIST has no name for it. */
    | { readonly type: "ec"; readonly curve: string }
    /** Any other family, by its usual name ("Ed25519", "DSA"). */
    | { readonly type: "other"; readonly name: string };

const ACCEPTED_CURVES: readonly string[] = ["P-256", "P-384"];
const MIN_RSA_BITS = 2048;

// OpenSSL's curve names, as Node.js reports them, by their NIST names.
const NIST_CURVES: Readonly<Record<string, string>> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521", secp224r1: "P-224", prime192v1: "P-192" };
const FAMILY_NAMES: Readonly<Record<string, string>> = { ed25519: "Ed25519", ed448: "Ed448", x25519: "X25519", x448: "X448", dsa: "DSA", dh: "DH" };

/** Why API Gateway refuses a key of this shape; undefined when it accepts it. */
export function keyRefusal(key: KeyShape): string | undefined {
    switch (key.type) {
        case "rsa":
            return key.bits >= MIN_RSA_BITS ? undefined : `API Gateway needs RSA keys of at least ${MIN_RSA_BITS} bits`;
        case "ec":
            return ACCEPTED_CURVES.includes(key.curve) ? undefined : "API Gateway accepts only the P-256 and P-384 curves";
        default:
            return `API Gateway does not accept ${key.name} keys`;
    }
}

/** The shape of a Node.js public (or private) key. */
export function shapeOf(key: KeyObject): KeyShape {
    return shapeFromDetails(key.asymmetricKeyType, key.asymmetricKeyDetails ?? {});
}

/**
 * The shape of a key from Node's `asymmetricKeyType` and `asymmetricKeyDetails`, for callers
 * that read them once and keep them (each read is a native call).
 */
export function shapeFromDetails(keyType: string | undefined, details: { readonly modulusLength?: number; readonly namedCurve?: string }): KeyShape {
    const type = keyType ?? "unknown";
    if (type === "rsa" || type === "rsa-pss") {
        return { type: "rsa", bits: details.modulusLength ?? 0 };
    }
    if (type === "ec") {
        const curve = details.namedCurve ?? "an unnamed curve";
        return { type: "ec", curve: NIST_CURVES[curve] ?? curve };
    }
    return { type: "other", name: FAMILY_NAMES[type] ?? type.toUpperCase() };
}

/** How a message names a key: "an RSA key of 1024 bits", "an ECDSA key on P-521", "an Ed25519 key". */
export function describeKey(key: KeyShape): string {
    switch (key.type) {
        case "rsa":
            return `an RSA key of ${key.bits} bits`;
        case "ec":
            return `an ECDSA key on ${key.curve}`;
        default:
            return `${/^[AEIOU]/.test(key.name) ? "an" : "a"} ${key.name} key`;
    }
}
