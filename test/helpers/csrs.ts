// Real PKCS #10 certificate requests for tests, made in memory with @peculiar/x509: what a
// partner sends, good and bad. The keys stay in memory.
import { x509 } from "../../core/x509/x509";
import { Key, makeKey } from "./certs";

export interface RequestOptions {
    /** Subject key. Default: a fresh P-256 key. */
    readonly key?: Key;
    /** Ask to be a CA: basicConstraints CA:TRUE among the requested extensions. Default: false. */
    readonly asksToBeCa?: boolean;
}

/** A request and the key it is for, which a partner would keep. */
export interface Request {
    /** One PEM block, labelled as OpenSSL labels it, ending in a newline. */
    readonly pem: string;
    readonly key: Key;
}

function signingAlgorithm(key: Key): Algorithm | EcdsaParams | RsaHashedImportParams {
    if (key.kind === "ed25519") {
        return { name: "Ed25519" };
    }
    return key.kind.startsWith("rsa") ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", hash: "SHA-256" };
}

/** A request for `subject` ("CN=hooli.partners.example.com, O=Hooli"), signed with its own key. */
export async function makeRequest(subject: string, options: RequestOptions = {}): Promise<Request> {
    const key = options.key ?? (await makeKey("p256"));
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subject,
        keys: key.pair,
        signingAlgorithm: signingAlgorithm(key),
        extensions: options.asksToBeCa ? [new x509.BasicConstraintsExtension(true, undefined, true)] : [],
    });
    return { pem: request.toString("pem") + "\n", key };
}

/** The request with the last bit of its signature flipped: it still parses, and no longer verifies. */
export function withBrokenSignature(pem: string): string {
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ""), "base64");
    der[der.length - 1] ^= 0x01;
    const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join("\n")}\n-----END CERTIFICATE REQUEST-----\n`;
}
