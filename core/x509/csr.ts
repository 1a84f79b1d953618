// A partner's PKCS #10 certificate request, checked before the stack's CA signs it: it parses,
// its self-signature verifies with its own key (so the sender holds the private key), that key is
// one API Gateway accepts, and it does not ask to be a CA. Synchronous, so that config parsing
// can refuse a request before any resource is declared. Pure: no Pulumi, no AWS.
import { constants, createPublicKey, KeyObject, verify } from "node:crypto";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { AsnConvert } from "@peculiar/asn1-schema";
import { id_ce_basicConstraints } from "@peculiar/asn1-x509";
import { blockName, isComplete, PemBlock, scanPem } from "./pem";
import { describeKey, keyRefusal, shapeOf } from "./key-rules";
import { x509 } from "./x509";

/** What is wrong with a request file. */
export type CsrProblem = "private-key" | "no-request" | "several-requests" | "unparseable" | "unaccepted-key" | "bad-signature" | "ca-request";

/** A request this stack must not sign; the message says what is wrong, `csrFix` what to do. */
export class CsrError extends Error {
    constructor(readonly problem: CsrProblem, message: string) {
        super(message);
        this.name = "CsrError";
    }
}

// The label OpenSSL writes and the tls provider reads; it refuses any other.
const REQUEST_LABEL = "CERTIFICATE REQUEST";

interface ParsedRequest {
    readonly request: x509.Pkcs10CertificateRequest;
    /** The DER of certificationRequestInfo as signed. */
    readonly signedBytes: Buffer;
    /** Whether its requested extensions hold basicConstraints CA:TRUE. */
    readonly asksToBeCa: boolean;
}

/**
 * The one certificate request in `text` (a PEM file), as a PEM block ending in a newline, once
 * it passes every check; throws a `CsrError` naming the first problem.
 */
export function readCertificateRequest(text: string): string {
    const blocks = scanPem(text).blocks;
    // `openssl req -new -keyout x.csr -out x.csr` writes both into one file; the file is committed.
    const privateKey = blocks.find((candidate) => /PRIVATE KEY/.test(candidate.label));
    if (privateKey !== undefined) {
        throw new CsrError("private-key", `holds a private key (${blockName(privateKey.label)}) besides the request: the partner's key must not be here, where it would be committed with the request`);
    }
    const [block, ...others] = blocks.filter((candidate) => candidate.label === REQUEST_LABEL && isComplete(candidate));
    if (block === undefined) {
        throw new CsrError("no-request", 'holds no PEM certificate request (a "-----BEGIN CERTIFICATE REQUEST-----" block)');
    }
    if (others.length > 0) {
        throw new CsrError("several-requests", `holds ${others.length + 1} certificate requests, not one`);
    }
    const { request, signedBytes, asksToBeCa } = parse(block);

    let publicKey: KeyObject;
    try {
        publicKey = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: "der", type: "spki" });
    } catch {
        throw new CsrError("unaccepted-key", `is for a public key that cannot be read (algorithm ${request.publicKey.algorithm.name})`);
    }
    const key = shapeOf(publicKey);
    const refusal = keyRefusal(key);
    if (refusal !== undefined) {
        throw new CsrError("unaccepted-key", `is for ${describeKey(key)}: ${refusal}`);
    }

    checkSelfSignature(request, signedBytes, publicKey);

    if (asksToBeCa) {
        throw new CsrError("ca-request", "asks to be a CA (basicConstraints CA:TRUE among its requested extensions), and a partner gets a client certificate only");
    }
    return `-----BEGIN ${REQUEST_LABEL}-----\n${block.body.join("\n")}\n-----END ${REQUEST_LABEL}-----\n`;
}

function parse(block: PemBlock): ParsedRequest {
    try {
        const der = Buffer.from(block.body.join(""), "base64");
        const signedBytes = AsnConvert.parse(der, CertificationRequest).certificationRequestInfoRaw;
        if (signedBytes === undefined) {
            throw new Error("no certificationRequestInfo");
        }
        const request = new x509.Pkcs10CertificateRequest(der);
        // Read here: a malformed extension request is a request that does not parse.
        const constraints = request.getExtension(id_ce_basicConstraints);
        return { request, signedBytes: Buffer.from(signedBytes), asksToBeCa: constraints instanceof x509.BasicConstraintsExtension && constraints.ca };
    } catch {
        throw new CsrError("unparseable", "holds a certificate request that does not parse");
    }
}

/** The request's signature must verify with the key it carries: proof that its sender holds that key. */
function checkSelfSignature(request: x509.Pkcs10CertificateRequest, signedBytes: Buffer, publicKey: KeyObject): void {
    let algorithm: x509.HashedAlgorithm & { saltLength?: number };
    try {
        algorithm = request.signatureAlgorithm;
    } catch {
        throw new CsrError("bad-signature", "is signed with an algorithm that cannot be verified");
    }
    // WebCrypto's "SHA-256" is OpenSSL's "sha256"; Ed25519 signs without a separate hash.
    const hash = algorithm.hash ? algorithm.hash.name.replace("-", "").toLowerCase() : null;
    const key = algorithm.name === "RSA-PSS"
        ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength }
        : publicKey;
    let verified: boolean;
    try {
        verified = verify(hash, signedBytes, key, Buffer.from(request.signature));
    } catch {
        verified = false;
    }
    if (!verified) {
        throw new CsrError("bad-signature", "has a signature that does not verify with its own public key, so it does not prove that its sender holds the private key (the file was altered, or signed with another key)");
    }
}

/** The command a partner makes its key and request with; the key never leaves the partner. */
export function requestCommand(partner: string): string {
    return `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${partner}.key -out ${partner}.csr -subj "/CN=${partner}.partners.example.com/O=<organization>"`;
}

/** What to do about a request with `problem`, for the partner named `partner`. */
export function csrFix(problem: CsrProblem, partner: string): string {
    const fresh = `ask the partner for a new request, made with \`${requestCommand(partner)}\` (the key stays with the partner)`;
    switch (problem) {
        case "private-key":
            return `delete the key from the file and from the repository's history, and ${fresh}: a key that was in the repository is no longer the partner's alone`;
        case "no-request":
            return `put the partner's request there in PEM (convert DER with \`openssl req -inform der -in ${partner}.der -out ${partner}.csr\`), or ${fresh}`;
        case "several-requests":
            return `keep the one request this stack signs, or ${fresh}`;
        case "ca-request":
            return `${fresh}, without basicConstraints CA:TRUE (no -addext basicConstraints=... or -reqexts v3_ca)`;
        default:
            return fresh;
    }
}
