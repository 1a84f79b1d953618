import * as crypto from "node:crypto";

/**
 * The OpenSSH forms of a key pair that tls.PrivateKey returns beside its PEMs: the
 * authorized_keys line, the openssh-key-v1 private key and the key's SSH fingerprints. Go's
 * x/crypto/ssh, which the provider uses, has no form for P-224 keys: for those the provider
 * leaves these outputs empty.
 */

/** SSH's name of each curve it knows, by Node's curve name. */
const sshCurves: Record<string, string> = { prime256v1: "nistp256", secp384r1: "nistp384", secp521r1: "nistp521" };

/** A byte string in SSH's wire format (RFC 4251 5): its length, then the bytes. */
function sshString(bytes: Buffer | string): Buffer {
    const data = Buffer.from(bytes);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
}

/** An mpint (RFC 4251 5) from a JWK's big-endian magnitude: minimal, with a 0 byte where the top bit is set. */
function mpint(base64url: string): Buffer {
    const magnitude = Buffer.from(base64url, "base64url");
    const first = magnitude.findIndex((byte) => byte !== 0);
    const trimmed = first < 0 ? Buffer.alloc(0) : magnitude.subarray(first);
    return sshString(trimmed.length && trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** A key's SSH algorithm name, public key blob fields and private fields, from its JWK; undefined where SSH has no form. */
function sshFields(privateKey: crypto.KeyObject): { algorithm: string; publicFields: Buffer[]; privateFields: Buffer[] } | undefined {
    switch (privateKey.asymmetricKeyType) {
        case "rsa": {
            const { n, e, d, p, q, qi } = privateKey.export({ format: "jwk" }) as Record<string, string>;
            return { algorithm: "ssh-rsa", publicFields: [mpint(e), mpint(n)], privateFields: [mpint(n), mpint(e), mpint(d), mpint(qi), mpint(p), mpint(q)] };
        }
        case "ec": {
            const curve = sshCurves[privateKey.asymmetricKeyDetails?.namedCurve ?? ""];
            if (!curve) {
                return undefined;
            }
            const { x, y, d } = privateKey.export({ format: "jwk" }) as Record<string, string>;
            const point = sshString(Buffer.concat([Buffer.from([4]), Buffer.from(x, "base64url"), Buffer.from(y, "base64url")]));
            return { algorithm: `ecdsa-sha2-${curve}`, publicFields: [sshString(curve), point], privateFields: [sshString(curve), point, mpint(d)] };
        }
        case "ed25519": {
            const { x, d } = privateKey.export({ format: "jwk" }) as Record<string, string>;
            const publicKey = Buffer.from(x, "base64url");
            return { algorithm: "ssh-ed25519", publicFields: [sshString(publicKey)], privateFields: [sshString(publicKey), sshString(Buffer.concat([Buffer.from(d, "base64url"), publicKey]))] };
        }
        default:
            return undefined;
    }
}

/** A key pair in OpenSSH's forms. */
export interface OpenSshForms {
    /** The unencrypted openssh-key-v1 private key: the bytes of a PEM block "OPENSSH PRIVATE KEY". */
    readonly privateKey: Buffer;
    /** The public key as an authorized_keys line, ending in a newline. */
    readonly authorizedKey: string;
    /** MD5 of the public key blob, in colon-separated hex. */
    readonly fingerprintMd5: string;
    /** "SHA256:" and the unpadded base64 of the public key blob's SHA-256. */
    readonly fingerprintSha256: string;
}

/** A private key and its public key as ssh.MarshalPrivateKey and ssh.MarshalAuthorizedKey write them; undefined for a key SSH has no form for. */
export function openSshForms(privateKey: crypto.KeyObject): OpenSshForms | undefined {
    const fields = sshFields(privateKey);
    if (!fields) {
        return undefined;
    }
    const blob = Buffer.concat([sshString(fields.algorithm), ...fields.publicFields]);
    // openssh-key-v1 (OpenSSH's PROTOCOL.key): no cipher, no KDF, one key; the private part
    // opens with a random check number twice and ends with an empty comment and padding.
    const check = crypto.randomBytes(4);
    const unpadded = Buffer.concat([check, check, sshString(fields.algorithm), ...fields.privateFields, sshString("")]);
    const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
    const keyCount = Buffer.alloc(4);
    keyCount.writeUInt32BE(1);
    return {
        privateKey: Buffer.concat([
            Buffer.from("openssh-key-v1\0"), sshString("none"), sshString("none"), sshString(""), keyCount,
            sshString(blob), sshString(Buffer.concat([unpadded, padding])),
        ]),
        authorizedKey: `${fields.algorithm} ${blob.toString("base64")}\n`,
        fingerprintMd5: (crypto.createHash("md5").update(blob).digest("hex").match(/../g) ?? []).join(":"),
        fingerprintSha256: "SHA256:" + crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, ""),
    };
}
