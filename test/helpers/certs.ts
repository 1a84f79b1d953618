// Real X.509 certificates for tests, made in memory with @peculiar/x509 and WebCrypto: no key
// ever touches the disk or the repository.
import { createPrivateKey, webcrypto } from "node:crypto";
import { x509 } from "../../core/x509/x509";

/** Key algorithms the tests need, including the ones API Gateway refuses. */
export type KeyKind = "p256" | "p384" | "p521" | "rsa1024" | "rsa2048" | "ed25519";

/** Signature hashes; SHA-1 exists to make certificates API Gateway refuses. */
export type Hash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** A generated key pair and what it is. */
export interface Key {
    readonly kind: KeyKind;
    readonly pair: CryptoKeyPair;
}

/** A certificate with the key that certifies it, so it can issue further certificates. */
export interface Issued {
    readonly cert: x509.X509Certificate;
    readonly key: Key;
    /** The certificate as one PEM block ending in a newline. */
    readonly pem: string;
}

/** How to make a certificate; every field but `subject` has a default. */
export interface CertOptions {
    /** Subject DN, e.g. "CN=Partner Root CA, O=Acme". */
    readonly subject: string;
    /** Subject key. Default: a fresh P-256 key. */
    readonly key?: Key;
    /** Issuing certificate. Default: self-signed with `key`. */
    readonly issuer?: Issued;
    /** Signature hash. Default: SHA-256. Ignored for Ed25519 issuers. */
    readonly hash?: Hash;
    /** Start of validity. Default: one day ago. */
    readonly notBefore?: Date;
    /** End of validity. Default: one year after `notBefore`. */
    readonly notAfter?: Date;
    /** basicConstraints cA. Default: true. */
    readonly ca?: boolean;
    /** keyUsage bits, or null for no keyUsage extension. Default: keyCertSign|cRLSign for a
     *  CA, digitalSignature for a leaf. */
    readonly keyUsage?: x509.KeyUsageFlags | null;
    /** Further extensions, e.g. a large opaque one to make a big certificate. Default: none. */
    readonly extensions?: readonly x509.Extension[];
}

const DAY = 86_400_000;
const subtle = webcrypto.subtle as SubtleCrypto;

const generateParams: Record<KeyKind, EcKeyGenParams | RsaHashedKeyGenParams | Algorithm> = {
    p256: { name: "ECDSA", namedCurve: "P-256" },
    p384: { name: "ECDSA", namedCurve: "P-384" },
    p521: { name: "ECDSA", namedCurve: "P-521" },
    rsa1024: { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    rsa2048: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    ed25519: { name: "Ed25519" },
};

/** Generates a new key pair. RSA takes tens of milliseconds: prefer `sharedKey` for RSA. */
export async function makeKey(kind: KeyKind = "p256"): Promise<Key> {
    const pair = (await subtle.generateKey(generateParams[kind], true, ["sign", "verify"])) as CryptoKeyPair;
    return { kind, pair };
}

const shared = new Map<KeyKind, Promise<Key>>();

/** One key per kind for the whole test run, for tests where keys need not differ. */
export function sharedKey(kind: KeyKind): Promise<Key> {
    let key = shared.get(kind);
    if (!key) {
        key = makeKey(kind);
        shared.set(kind, key);
    }
    return key;
}

// WebCrypto binds the hash into an RSA key, so signing with another hash needs the private
// key imported again with that hash.
const rsaSigningKeys = new WeakMap<CryptoKey, Map<Hash, Promise<CryptoKey>>>();

async function signingKey(key: Key, hash: Hash): Promise<CryptoKey> {
    const privateKey = key.pair.privateKey;
    if (!key.kind.startsWith("rsa")) {
        return privateKey;
    }
    let byHash = rsaSigningKeys.get(privateKey);
    if (!byHash) {
        byHash = new Map();
        rsaSigningKeys.set(privateKey, byHash);
    }
    let imported = byHash.get(hash);
    if (!imported) {
        imported = subtle
            .exportKey("pkcs8", privateKey)
            .then((pkcs8) => subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["sign"]));
        byHash.set(hash, imported);
    }
    return imported;
}

function signingAlgorithm(key: Key, hash: Hash): Algorithm | EcdsaParams {
    if (key.kind === "ed25519") {
        return { name: "Ed25519" };
    }
    return key.kind.startsWith("rsa") ? { name: "RSASSA-PKCS1-v1_5", hash } : { name: "ECDSA", hash };
}

/** Makes a certificate: self-signed unless `issuer` is given. */
export async function makeCert(options: CertOptions): Promise<Issued> {
    const key = options.key ?? (await makeKey("p256"));
    const issuerKey = options.issuer?.key ?? key;
    const hash = options.hash ?? "SHA-256";
    const ca = options.ca ?? true;
    const notBefore = options.notBefore ?? new Date(Date.now() - DAY);
    const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY);
    const usages = options.keyUsage === undefined
        ? (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature)
        : options.keyUsage;
    const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(ca, undefined, true), ...(options.extensions ?? [])];
    if (usages !== null) {
        extensions.push(new x509.KeyUsagesExtension(usages, true));
    }
    const cert = await x509.X509CertificateGenerator.create({
        subject: options.subject,
        issuer: options.issuer?.cert.subject ?? options.subject,
        publicKey: key.pair.publicKey,
        signingKey: await signingKey(issuerKey, hash),
        signingAlgorithm: signingAlgorithm(issuerKey, hash),
        notBefore,
        notAfter,
        extensions,
    });
    return { cert, key, pem: cert.toString("pem") + "\n" };
}

/** Makes a self-signed CA certificate. */
export function makeCa(subject: string, options: Omit<CertOptions, "subject"> = {}): Promise<Issued> {
    return makeCert({ ...options, subject });
}

/** Makes a client (leaf, non-CA) certificate issued by `issuer`. */
export function makeLeaf(subject: string, issuer: Issued, options: Omit<CertOptions, "subject" | "issuer"> = {}): Promise<Issued> {
    return makeCert({ ca: false, ...options, subject, issuer });
}

/**
 * Makes a chain of `levels` CA certificates, root first: "CN=<prefix> 1" is the self-signed
 * root and each next one is issued by the one before. `options` apply to every certificate.
 */
export async function makeCaChain(levels: number, prefix = "Level", options: Omit<CertOptions, "subject" | "issuer"> = {}): Promise<Issued[]> {
    const chain: Issued[] = [];
    for (let level = 1; level <= levels; level++) {
        chain.push(await makeCert({ ...options, subject: `CN=${prefix} ${level}, O=Test`, issuer: chain[level - 2] }));
    }
    return chain;
}

/** Concatenates certificates into a PEM bundle. */
export function toBundle(certs: readonly Issued[]): string {
    return certs.map((issued) => issued.pem).join("");
}

/** A date `days` days from `from` (negative for the past). */
export function daysFrom(from: Date, days: number): Date {
    return new Date(from.getTime() + days * DAY);
}

/** The private key of a test certificate as PEM, for a client. */
export async function keyPem(issued: Issued): Promise<string> {
    const pkcs8 = await subtle.exportKey("pkcs8", issued.key.pair.privateKey);
    return createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "pem" }).toString();
}
