// What API Gateway refuses in one certificate on its own: outside its validity window, a signature
// hash below SHA-256 or an algorithm other than RSA and ECDSA, a key that core/x509/key-rules.ts refuses,
// and an issuer that is not a CA. The bundle checks turn these into findings; the client verifier
// into the reason a client certificate is refused. Pure: no AWS, no Pulumi.
import { Cert, COMMON_SIGNATURES } from "./cert-index";
import { FindingCode } from "./findings";
import { describeKey, keyRefusal, KeyShape, shapeFromDetails } from "../x509/key-rules";
import { x509 } from "../x509/x509";

/** What is wrong with a certificate: its finding code, and a sentence that starts after its name. */
export interface CertProblem {
    readonly code: FindingCode;
    /** "has an RSA key of 1024 bits; API Gateway requires at least 2048: reissue ...". */
    readonly text: string;
}

const STRONG_HASHES = new Set(["SHA-256", "SHA-384", "SHA-512"]);
const SIGNING_ALGORITHMS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA"]);
const RSA_KEYS = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"]);
const EC_KEYS = new Set(["ECDSA", "ECDH"]);
// Algorithms @peculiar/x509 has no WebCrypto name for; it reports them by OID.
const OID_NAMES: Readonly<Record<string, string>> = {
    "1.2.840.113549.1.1.2": "MD2 with RSA",
    "1.2.840.113549.1.1.3": "MD4 with RSA",
    "1.2.840.113549.1.1.4": "MD5 with RSA",
    "1.3.14.3.2.29": "SHA-1 with RSA",
    "1.2.840.10040.4.3": "SHA-1 with DSA",
    "1.2.840.10040.4.1": "DSA",
    "2.16.840.1.101.3.4.3.2": "SHA-256 with DSA",
};
const WEAK_SIGNATURE_OIDS = new Set([
    "1.2.840.113549.1.1.2",
    "1.2.840.113549.1.1.3",
    "1.2.840.113549.1.1.4",
    "1.3.14.3.2.29",
    "1.2.840.10040.4.3",
]);
const KEY_FIX = "reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 or P-384 key";

function oidName(name: string): string {
    return OID_NAMES[name] ?? name;
}

/** A date as findings print it: "2026-12-04T00:15:07Z". */
export function isoDate(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Why a certificate is outside its validity window at `now` ("expired on <date>"), or undefined. */
export function validityProblem(cert: Cert, now: Date): CertProblem | undefined {
    if (now.getTime() > cert.notAfter.getTime()) {
        return { code: "expired", text: `expired on ${isoDate(cert.notAfter)}` };
    }
    if (now.getTime() < cert.notBefore.getTime()) {
        return { code: "not-yet-valid", text: `is not valid until ${isoDate(cert.notBefore)}` };
    }
    return undefined;
}

/** Why API Gateway refuses the algorithm the certificate is signed with, or undefined. */
export function signatureProblem(cert: Cert): CertProblem | undefined {
    if (COMMON_SIGNATURES.has(cert.parsed.signatureOid)) {
        return undefined;
    }
    let algorithm: { name: string; hash?: { name: string } };
    try {
        algorithm = cert.parsed.signatureAlgorithm;
    } catch {
        return { code: "unsupported-signature", text: "its signature algorithm cannot be read; reissue it signed with RSA or ECDSA and SHA-256 or stronger" };
    }
    const hash = algorithm.hash?.name;
    if (SIGNING_ALGORITHMS.has(algorithm.name) && hash !== undefined && STRONG_HASHES.has(hash)) {
        return undefined;
    }
    if (WEAK_SIGNATURE_OIDS.has(algorithm.name) || (hash !== undefined && !STRONG_HASHES.has(hash))) {
        const used = hash ? `${hash} (${algorithm.name})` : oidName(algorithm.name);
        const fix = cert.selfIssued ? "create this root again" : `have ${cert.issuer} sign it again`;
        return { code: "weak-signature-hash", text: `is signed with ${used}; API Gateway requires SHA-256 or stronger: ${fix} with SHA-256, SHA-384 or SHA-512` };
    }
    return { code: "unsupported-signature", text: `is signed with ${oidName(algorithm.name)}; API Gateway accepts RSA or ECDSA signatures with SHA-256 or stronger: reissue it from an RSA or ECDSA CA` };
}

/** The certificate's key as core/x509/key-rules.ts judges keys; undefined when no parser can read it. */
function keyShape(cert: Cert): KeyShape | undefined {
    if (cert.key !== null) {
        return shapeFromDetails(cert.keyDetails.type, cert.keyDetails);
    }
    // OpenSSL cannot load the key; @peculiar/x509 may still name its algorithm.
    let algorithm: { name: string; modulusLength?: number; namedCurve?: string };
    try {
        algorithm = cert.parsed.publicKey.algorithm;
    } catch {
        return undefined;
    }
    if (RSA_KEYS.has(algorithm.name)) {
        return { type: "rsa", bits: algorithm.modulusLength ?? 0 };
    }
    if (EC_KEYS.has(algorithm.name)) {
        return { type: "ec", curve: oidName(algorithm.namedCurve ?? "an unnamed curve") };
    }
    return { type: "other", name: oidName(algorithm.name) };
}

/** Why API Gateway refuses the certificate's public key (core/x509/key-rules.ts's rule), or undefined. */
export function keyProblem(cert: Cert): CertProblem | undefined {
    const shape = keyShape(cert);
    if (shape === undefined) {
        return { code: "unsupported-key", text: `its public key cannot be read; ${KEY_FIX}` };
    }
    if (keyRefusal(shape) === undefined) {
        return undefined;
    }
    switch (shape.type) {
        case "rsa":
            return { code: "weak-key", text: `has ${describeKey(shape)}; API Gateway requires at least 2048: ${KEY_FIX}` };
        case "ec":
            return { code: "unsupported-key", text: `has ${describeKey(shape)}; API Gateway accepts only P-256 and P-384: ${KEY_FIX}` };
        default:
            return { code: "unsupported-key", text: `has ${describeKey(shape)}; API Gateway accepts only RSA and ECDSA P-256/P-384 keys: ${KEY_FIX}` };
    }
}

/**
 * Why `issuer` may not have `casBelow` CA certificates below it in a chain (the client certificate
 * not counted), or undefined: RFC 5280 6.1.4 (m), which OpenSSL enforces on every CA of the chain,
 * the root too ("path length constraint exceeded").
 */
export function pathLengthProblem(issuer: Cert, casBelow: number): string | undefined {
    const allowed = issuer.pathLength;
    return allowed !== undefined && casBelow > allowed
        ? `allows ${allowed} CA certificate${allowed === 1 ? "" : "s"} below it (basicConstraints pathlen:${allowed}) but has ${casBelow}`
        : undefined;
}

/** Why an issuer cannot sign certificates, in OpenSSL's terms (basicConstraints, keyUsage). */
export function notCaReason(cert: Cert): string {
    const parsed = cert.parsed;
    const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
    if (!constraints) {
        return "has no basicConstraints extension";
    }
    if (!constraints.ca) {
        return "has basicConstraints CA:FALSE";
    }
    const usages = parsed.getExtension(x509.KeyUsagesExtension);
    return usages && !(usages.usages & x509.KeyUsageFlags.keyCertSign)
        ? "has a keyUsage without keyCertSign"
        : "is not usable as a CA";
}
