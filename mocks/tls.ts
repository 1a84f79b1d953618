import * as crypto from "node:crypto";
import { x509 } from "../components/x509";

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

const keyUsageFlags: Record<string, x509.KeyUsageFlags> = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
    encipher_only: x509.KeyUsageFlags.encipherOnly,
    decipher_only: x509.KeyUsageFlags.decipherOnly,
};

const extendedKeyUsages: Record<string, string> = {
    any_extended: "2.5.29.37.0",
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
    email_protection: x509.ExtendedKeyUsage.emailProtection,
    timestamping: x509.ExtendedKeyUsage.timeStamping,
    ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
};

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
    return {
        ...inputs,
        privateKeyPem,
        privateKeyPemPkcs8: pair.privateKey.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }),
        publicKeyFingerprintSha256: "SHA256:" + crypto.createHash("sha256")
            .update(pair.publicKey.export({ type: "spki", format: "der" })).digest("base64").replace(/=+$/, ""),
    };
}

/** WebCrypto parameters for a key, with the hash Go's x509 signs with for it. */
function signingAlgorithm(key: crypto.KeyObject): { importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm; signParams: Algorithm | EcdsaParams } {
    const details = key.asymmetricKeyDetails ?? {};
    switch (key.asymmetricKeyType) {
        case "rsa":
            return { importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, signParams: { name: "RSASSA-PKCS1-v1_5" } };
        case "ec": {
            const curve = details.namedCurve === "prime256v1" ? "P-256" : details.namedCurve === "secp384r1" ? "P-384" : "P-521";
            const hash = curve === "P-256" ? "SHA-256" : curve === "P-384" ? "SHA-384" : "SHA-512";
            return { importParams: { name: "ECDSA", namedCurve: curve }, signParams: { name: "ECDSA", hash } as EcdsaParams };
        }
        case "ed25519":
            return { importParams: { name: "Ed25519" }, signParams: { name: "Ed25519" } };
        default:
            throw new Error(`key type ${key.asymmetricKeyType} is not supported by the tls mocks`);
    }
}

interface SigningKeys {
    readonly keys: CryptoKeyPair;
    readonly signParams: Algorithm | EcdsaParams;
}

// A CA key signs every partner certificate: parse and import each CA key once.
const caKeys = new Map<string, Promise<SigningKeys>>();

function importCaKeys(privateKeyPem: string): Promise<SigningKeys> {
    let keys = caKeys.get(privateKeyPem);
    if (!keys) {
        keys = importKeys(privateKeyPem);
        caKeys.set(privateKeyPem, keys);
    }
    return keys;
}

async function importKeys(privateKeyPem: string): Promise<SigningKeys> {
    const privateKeyObject = crypto.createPrivateKey(privateKeyPem);
    const { importParams, signParams } = signingAlgorithm(privateKeyObject);
    const subtle = crypto.webcrypto.subtle;
    const pkcs8 = privateKeyObject.export({ type: "pkcs8", format: "der" });
    const spki = crypto.createPublicKey(privateKeyObject).export({ type: "spki", format: "der" });
    const keys = {
        privateKey: await subtle.importKey("pkcs8", pkcs8, importParams, true, ["sign"]),
        publicKey: await subtle.importKey("spki", spki, importParams, true, ["verify"]),
    } as CryptoKeyPair;
    return { keys, signParams };
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

function usageExtensions(allowedUses: string[] | undefined, isCa: boolean): x509.Extension[] {
    const uses = allowedUses ?? [];
    const flags = uses.reduce((sum, use) => sum | (keyUsageFlags[use] ?? 0), 0);
    const ekus = uses.flatMap((use) => (extendedKeyUsages[use] ? [extendedKeyUsages[use]] : []));
    const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(isCa, undefined, true)];
    if (flags) {
        extensions.push(new x509.KeyUsagesExtension(flags, true));
    }
    if (ekus.length) {
        extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
    }
    return extensions;
}

function randomSerial(): string {
    const bytes = crypto.randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes.toString("hex");
}

function validity(inputs: Inputs, from: Date) {
    const notBefore = from;
    const notAfter = new Date(from.getTime() + Number(inputs.validityPeriodHours) * 3600_000);
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
export async function certRequest(inputs: Inputs): Promise<Inputs> {
    const { keys, signParams } = await importKeys(inputs.privateKeyPem);
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(inputs.subject),
        keys,
        signingAlgorithm: signParams,
    });
    return { ...inputs, certRequestPem: request.toString("pem") + "\n" };
}

/** tls.SelfSignedCert: a certificate signed by its own key. `now` is the creation time. */
export async function selfSignedCert(inputs: Inputs, now = new Date()): Promise<Inputs> {
    const { keys, signParams } = await importKeys(inputs.privateKeyPem);
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
    }
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: subjectName(inputs.subject),
        notBefore: window.notBefore,
        notAfter: window.notAfter,
        keys,
        signingAlgorithm: signParams,
        extensions,
    });
    return { ...inputs, certPem: certificate.toString("pem") + "\n", ...window.outputs };
}

/** tls.LocallySignedCert: the request's subject and key, signed by the given CA. */
export async function locallySignedCert(inputs: Inputs, now = new Date()): Promise<Inputs> {
    const request = new x509.Pkcs10CertificateRequest(inputs.certRequestPem);
    const ca = new x509.X509Certificate(inputs.caCertPem);
    const { keys, signParams } = await importCaKeys(inputs.caPrivateKeyPem);
    const isCa = inputs.isCaCertificate === true;
    const window = validity(inputs, now);
    const extensions = usageExtensions(inputs.allowedUses, isCa);
    if (isCa) {
        extensions.push(await x509.SubjectKeyIdentifierExtension.create(request.publicKey));
    }
    const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension);
    if (caKeyId) {
        extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId.keyId));
    }
    const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: request.subjectName,
        issuer: ca.subjectName,
        publicKey: request.publicKey,
        signingKey: keys.privateKey,
        notBefore: window.notBefore,
        notAfter: window.notAfter,
        signingAlgorithm: signParams,
        extensions,
    });
    return { ...inputs, certPem: certificate.toString("pem") + "\n", ...window.outputs };
}

/** The tls resource types these mocks generate, by Pulumi type token. */
export const tlsResources: Record<string, (inputs: Inputs) => Inputs | Promise<Inputs>> = {
    "tls:index/privateKey:PrivateKey": privateKey,
    "tls:index/certRequest:CertRequest": certRequest,
    "tls:index/selfSignedCert:SelfSignedCert": (inputs) => selfSignedCert(inputs),
    "tls:index/locallySignedCert:LocallySignedCert": (inputs) => locallySignedCert(inputs),
};
