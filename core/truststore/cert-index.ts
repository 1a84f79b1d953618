// Certificates as the truststore rules read them: parsed once by @peculiar/x509 and by Node,
// grouped by subject and key, with every signature checked once. A signature verifies with one
// key at most, so issuers are looked up per key, not per certificate: a thousand certificates
// that share a subject cost a thousand checks, not a million. Pure: no AWS, no Pulumi.
import { createHash, KeyObject, X509Certificate as NativeCertificate } from "node:crypto";
import { BoundedCache } from "../cache";
import { SignatureWorker } from "./signature-worker";
import { x509 } from "../x509/x509";

// Bounds the signature checks a verifier keeps: a local gateway runs for hours and meets many clients.
const CACHE_LIMIT = 50_000;
// How many keys of an issuer name are tried on one signature. A signature verifies with one key
// at most, and API Gateway takes one issuer per name, so more only serves bundles that already
// fail subject-key-conflict; the bound keeps checking linear in the number of certificates.
const MAX_KEYS_TRIED = 4;
// The usual signature algorithms by OID: SHA-256 or stronger, so they pass without asking the
// algorithm registry, and a worker thread can check them from the signed bytes.
export const COMMON_SIGNATURES = new Map<string, { digest: string; keyType: "ec" | "rsa" }>([
    ["1.2.840.10045.4.3.2", { digest: "sha256", keyType: "ec" }],
    ["1.2.840.10045.4.3.3", { digest: "sha384", keyType: "ec" }],
    ["1.2.840.10045.4.3.4", { digest: "sha512", keyType: "ec" }],
    ["1.2.840.113549.1.1.11", { digest: "sha256", keyType: "rsa" }],
    ["1.2.840.113549.1.1.12", { digest: "sha384", keyType: "rsa" }],
    ["1.2.840.113549.1.1.13", { digest: "sha512", keyType: "rsa" }],
]);

/** What a signature covers, and how `crypto.verify` checks it. */
interface SignedBytes {
    readonly tbs: Buffer;
    readonly signature: Buffer;
    readonly digest: string;
    readonly keyType: "ec" | "rsa";
}

/** @peculiar/x509's certificate, and the signed bytes its parsed ASN.1 (protected there) holds. */
class ParsedCertificate extends x509.X509Certificate {
    /** A digest of the public key as encoded: certificates with equal keyIds carry one key. */
    get keyId(): string {
        const { algorithm, subjectPublicKey } = this.asn.tbsCertificate.subjectPublicKeyInfo;
        const parameters = algorithm.parameters ? Buffer.from(algorithm.parameters) : Buffer.alloc(0);
        return createHash("sha256").update(`${algorithm.algorithm}\0`).update(parameters).update(Buffer.from(subjectPublicKey)).digest("base64");
    }

    get signatureOid(): string {
        return this.asn.signatureAlgorithm.algorithm;
    }

    /**
     * The signed part and the signature, for a common algorithm named the same inside and outside
     * the signed part (OpenSSL's X509_verify refuses a certificate where they differ); else undefined.
     */
    get signedBytes(): SignedBytes | undefined {
        const outer = this.asn.signatureAlgorithm;
        const common = COMMON_SIGNATURES.get(outer.algorithm);
        const tbs = this.asn.tbsCertificateRaw;
        if (!common || !tbs || !outer.isEqual(this.asn.tbsCertificate.signature)) {
            return undefined;
        }
        return { ...common, tbs: Buffer.from(tbs), signature: Buffer.from(this.asn.signatureValue) };
    }
}

/** Why a certificate cannot be read, in our words: a parser's own message may quote the input. */
export class Unreadable extends Error {}

/** One parsed certificate; both parsers run once per certificate, here. */
export class Cert {
    readonly parsed: ParsedCertificate;
    readonly native: NativeCertificate;
    readonly fingerprint: string;
    readonly subject: string;
    readonly issuer: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** Names the public key: certificates with one keyId verify the same signatures. */
    readonly keyId: string;
    readonly #key: KeyObject | null;
    /** Node's key type ("ec", "rsa", ...) and size or curve, read once: each read costs a native call. */
    readonly keyDetails: { readonly type?: string; readonly modulusLength?: number; readonly namedCurve?: string };
    #keyIds: { subject?: string; authority?: string } | undefined;

    /** `block` is the certificate's block number in a bundle; none for a client certificate. Throws Unreadable. */
    constructor(der: Buffer<ArrayBuffer>, readonly block?: number) {
        try {
            this.parsed = new ParsedCertificate(der);
        } catch {
            throw new Unreadable("its ASN.1 is not a certificate's");
        }
        try {
            this.native = new NativeCertificate(der);
        } catch {
            throw new Unreadable("OpenSSL cannot read it");
        }
        this.fingerprint = this.native.fingerprint256;
        this.subject = this.parsed.subject;
        this.issuer = this.parsed.issuer;
        this.notBefore = this.parsed.notBefore;
        this.notAfter = this.parsed.notAfter;
        let key: KeyObject | null;
        try {
            key = this.native.publicKey;
        } catch {
            key = null;
        }
        this.#key = key;
        this.keyDetails = { type: key?.asymmetricKeyType, ...key?.asymmetricKeyDetails };
        this.keyId = this.parsed.keyId;
    }

    /**
     * basicConstraints pathLenConstraint: how many CA certificates may follow this one below it
     * in a chain (the client certificate not counted); undefined when unlimited or unreadable.
     */
    get pathLength(): number | undefined {
        try {
            return this.parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength;
        } catch {
            return undefined;
        }
    }

    get selfIssued(): boolean {
        return this.subject === this.issuer;
    }

    /** Subject DN, or where the certificate is when its subject is empty. */
    get label(): string {
        return this.subject || (this.block === undefined ? "(empty subject)" : `block #${this.block}`);
    }

    /** The public key for verifying what this certificate signed; null when unusable. */
    get key(): KeyObject | null {
        return this.#key;
    }

    /** Its subject and authority key identifiers (hex), read when a name has several keys to tell apart. */
    get keyIds(): { subject?: string; authority?: string } {
        if (this.#keyIds === undefined) {
            try {
                this.#keyIds = {
                    subject: this.parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
                    authority: this.parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
                };
            } catch {
                this.#keyIds = {};
            }
        }
        return this.#keyIds;
    }
}

/** Signature checks per (certificate, signing key), each run once; on `worker` where it can. */
export class Signatures {
    readonly #checks = new BoundedCache<string, Promise<boolean>>(CACHE_LIMIT);

    constructor(readonly worker?: SignatureWorker) {}

    /** Whether `signer`'s key verifies `child`'s signature, as OpenSSL's X509_verify answers. */
    verifies(child: Cert, signer: Cert): Promise<boolean> {
        return this.#checks.getOrSet(`${child.fingerprint}>${signer.keyId}`, () => this.#check(child, signer));
    }

    #check(child: Cert, signer: Cert): Promise<boolean> {
        const key = signer.key;
        if (key === null) {
            return Promise.resolve(false);
        }
        // P-256 and RSA signatures check in under 0.1 ms, less than posting them costs; a P-384
        // one takes about 0.5 ms.
        const slow = signer.keyDetails.type === "ec" && signer.keyDetails.namedCurve !== "prime256v1";
        const signed = this.worker && slow ? child.parsed.signedBytes : undefined;
        if (this.worker && signed && signer.keyDetails.type === signed.keyType) {
            return this.worker.check({ digest: signed.digest, data: signed.tbs, key, signature: signed.signature });
        }
        try {
            return Promise.resolve(child.native.verify(key));
        } catch {
            return Promise.resolve(false);
        }
    }
}

/** Certificates with one subject and one key: a signature that one of them verifies, all do. */
export interface KeyGroup {
    readonly subject: string;
    readonly certs: Cert[];
}

/** Where to look for the issuer of a certificate, and how many places there were. */
export interface Candidates {
    /** Keys worth trying, best first, at most MAX_KEYS_TRIED. */
    readonly groups: KeyGroup[];
    /** How many keys certificates named as the issuer carry. */
    readonly of: number;
}

/** Certificates indexed by subject and key, with their signature checks. */
export class CertIndex {
    readonly bySubject = new Map<string, KeyGroup[]>();
    readonly #groups = new Map<string, KeyGroup>();
    /** Per subject with several keys, its key groups by subject key identifier; made when first needed. */
    readonly #byKeyIdentifier = new Map<string, Map<string, KeyGroup[]>>();

    constructor(certs: readonly Cert[], readonly signatures = new Signatures()) {
        for (const cert of certs) {
            const id = `${cert.keyId} ${cert.subject}`;
            let group = this.#groups.get(id);
            if (!group) {
                group = { subject: cert.subject, certs: [] };
                this.#groups.set(id, group);
                append(this.bySubject, cert.subject, group);
            }
            group.certs.push(cert);
        }
    }

    groupOf(cert: Cert): KeyGroup | undefined {
        return this.#groups.get(`${cert.keyId} ${cert.subject}`);
    }

    /**
     * The keys to try on `child`'s signature, best first: its own when it names itself as issuer,
     * then the one its authority key identifier names, then the bundle's order.
     */
    candidates(child: Cert): Candidates {
        const all = this.bySubject.get(child.issuer) ?? [];
        if (all.length <= 1) {
            return { groups: all, of: all.length };
        }
        const picked = new Set<KeyGroup>();
        const pick = (groups: readonly (KeyGroup | undefined)[]) => {
            for (const group of groups) {
                if (picked.size >= MAX_KEYS_TRIED) {
                    return;
                }
                if (group) {
                    picked.add(group);
                }
            }
        };
        if (child.selfIssued) {
            pick([this.groupOf(child)]);
        }
        const aki = child.keyIds.authority;
        if (aki !== undefined) {
            pick(this.#keyIdentifiers(child.issuer, all).get(aki) ?? []);
        }
        pick(all);
        return { groups: [...picked], of: all.length };
    }

    #keyIdentifiers(subject: string, groups: readonly KeyGroup[]): Map<string, KeyGroup[]> {
        let bySki = this.#byKeyIdentifier.get(subject);
        if (!bySki) {
            bySki = new Map();
            for (const group of groups) {
                for (const ski of new Set(group.certs.map((cert) => cert.keyIds.subject))) {
                    if (ski !== undefined) {
                        append(bySki, ski, group);
                    }
                }
            }
            this.#byKeyIdentifier.set(subject, bySki);
        }
        return bySki;
    }

    signedBy(child: Cert, group: KeyGroup): Promise<boolean> {
        return this.signatures.verifies(child, group.certs[0]);
    }

    /** The key group that signed `child`, if one of the candidates did. */
    async signer(child: Cert): Promise<{ group?: KeyGroup; candidates: Candidates }> {
        const candidates = this.candidates(child);
        for (const group of candidates.groups) {
            if (await this.signedBy(child, group)) {
                return { group, candidates };
            }
        }
        return { candidates };
    }

    async selfSigned(cert: Cert): Promise<boolean> {
        const own = this.groupOf(cert);
        if (!cert.selfIssued || own === undefined) {
            return false;
        }
        return this.signedBy(cert, own);
    }
}

export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) {
        list.push(value);
    } else {
        map.set(key, [value]);
    }
}
