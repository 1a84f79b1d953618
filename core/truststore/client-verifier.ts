// Answers, per TLS handshake, whether API Gateway would accept a client certificate with a
// truststore, by the validations API Gateway documents: X.509 syntax, validity, an unbroken chain
// of at most four CA levels to a truststore root, and supported algorithms (the rules of
// core/truststore/cert-rules.ts the bundle checks use); and, as OpenSSL does, each CA's path
// length and name constraints. Pure: no AWS, no Pulumi.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
import { createHash } from "node:crypto";
import { readCertificates } from "./bundle-shape";
import { BoundedCache } from "../cache";
import { Cert, CertIndex } from "./cert-index";
import { keyProblem, notCaReason, pathLengthProblem, signatureProblem, validityProblem } from "./cert-rules";
import { blockName, certificateDer, holdsPrivateKey, PemBlock, scanPem } from "../x509/pem";
import { MAX_CA_LEVELS } from "./limits";
import { nameConstraintsProblem } from "./name-constraints";

/** Whether API Gateway would accept a client certificate, and along which chain. */
export interface ClientVerdict {
    accepted: boolean;
    /** Why it is refused, or "chains to <root subject>". */
    reason: string;
    /** Subjects from the client certificate up to the root, as far as the chain was built. */
    chain: string[];
}

export interface ClientVerifier {
    verify(clientCertPemOrDer: string | Uint8Array, now?: Date): Promise<ClientVerdict>;
}

// Bounds the parsed client certificates a verifier keeps: a local gateway runs for hours and
// may be probed with a new certificate on every connection.
const CLIENT_CACHE_LIMIT = 50_000;

/** Why a client certificate file holds no certificate, by what its first block is. */
function notACertificate(blocks: readonly PemBlock[]): string {
    const file = "the client certificate file";
    const block = blocks[0];
    if (block === undefined) {
        return `${file} holds no PEM block; if it is DER, convert it: openssl x509 -inform der -in client.der -out client.pem`;
    }
    const name = blockName(block.label);
    if (/PRIVATE KEY/.test(block.label)) {
        return `${file} holds a private key (${name}), not a certificate: pass the partner's certificate, and keep the key private`;
    }
    if (/CERTIFICATE REQUEST/.test(block.label)) {
        return `${file} holds a certificate request (${name}), not a certificate: have a partner CA sign it, then pass the certificate`;
    }
    return `${file} holds ${name}, not a certificate: pass the partner's certificate`;
}

function looksLikePem(bytes: Uint8Array): boolean {
    return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64)).toString("latin1").trimStart().startsWith("-----BEGIN");
}

class Verifier implements ClientVerifier {
    readonly #index: CertIndex;
    readonly #clients = new BoundedCache<string, Cert>(CLIENT_CACHE_LIMIT);

    constructor(certs: readonly Cert[]) {
        const unique = new Map(certs.map((cert) => [cert.fingerprint, cert]));
        this.#index = new CertIndex([...unique.values()]);
    }

    async verify(clientCertPemOrDer: string | Uint8Array, now: Date = new Date()): Promise<ClientVerdict> {
        const client = this.#client(clientCertPemOrDer);
        if (typeof client === "string") {
            return { accepted: false, reason: client, chain: [] };
        }
        const chain = [client.label];
        const problem = validityProblem(client, now);
        if (problem) {
            return { accepted: false, reason: `certificate ${problem.text}`, chain };
        }
        const verdict = await this.#climb(client, now, chain, [client], new Map());
        // Judged on a complete chain only, so that an untrusted certificate is refused for that.
        const algorithm = verdict.accepted ? signatureProblem(client) ?? keyProblem(client) : undefined;
        return algorithm ? { accepted: false, reason: `certificate ${algorithm.text}`, chain: verdict.chain } : verdict;
    }

    /** The client certificate, parsed once per distinct certificate; or why it cannot be read. */
    #client(input: string | Uint8Array): Cert | string {
        let der: Buffer<ArrayBuffer>;
        const text = typeof input === "string" ? input : looksLikePem(input) ? Buffer.from(input).toString("utf8") : undefined;
        if (text === undefined) {
            der = Buffer.from(input as Uint8Array);
        } else {
            const blocks = scanPem(text).blocks;
            const block = blocks.find((candidate) => candidate.label === "CERTIFICATE");
            if (!block) {
                return notACertificate(blocks);
            }
            const decoded = certificateDer(block);
            if ("code" in decoded) {
                return `the client certificate file's ${decoded.message}`;
            }
            der = decoded.der;
        }
        const digest = createHash("sha256").update(der).digest("hex");
        let cert = this.#clients.get(digest);
        if (!cert) {
            try {
                cert = new Cert(der);
            } catch {
                return holdsPrivateKey(der)
                    ? "the client certificate holds a private key, not a certificate: pass the partner's certificate, and keep the key private"
                    : "client certificate is not a readable X.509 certificate";
            }
            this.#clients.set(digest, cert);
        }
        return cert;
    }

    /**
     * Walks up from `child` through its issuer candidates; the first complete chain wins. `below`
     * is the chain so far, client first, `child` last. `refused` remembers the certificates a chain
     * could not be completed from, per CA level (name constraints aside, the level is all that
     * differs between the ways up to one certificate).
     */
    async #climb(child: Cert, now: Date, chain: string[], below: readonly Cert[], refused: Map<string, ClientVerdict>): Promise<ClientVerdict> {
        const caLevels = below.length - 1;
        const { groups } = this.#index.candidates(child);
        if (groups.length === 0) {
            return { accepted: false, reason: `issuer ${child.issuer} is not in the truststore`, chain };
        }
        let refusal: ClientVerdict = { accepted: false, reason: `signature of ${child.label} does not verify with the key of ${child.issuer} in the truststore`, chain };
        for (const group of groups) {
            if (!(await this.#index.signedBy(child, group))) {
                continue;
            }
            for (const issuer of group.certs) {
                // A self-signed client certificate that is itself in the truststore is trusted as is.
                if (issuer.fingerprint === child.fingerprint) {
                    return { accepted: true, reason: `chains to ${issuer.label}`, chain };
                }
                const path = [...chain, issuer.label];
                const problem = validityProblem(issuer, now)?.text
                    ?? (issuer.native.ca ? undefined : `is not a CA (${notCaReason(issuer)})`)
                    ?? pathLengthProblem(issuer, caLevels)
                    // RFC 5280 6.1.3 (b): self-issued CAs below are not judged, the client always is.
                    ?? below.filter((cert, i) => i === 0 || !cert.selfIssued).map((cert) => nameConstraintsProblem(issuer, cert)).find((p) => p !== undefined);
                if (problem) {
                    refusal = { accepted: false, reason: `issuer ${issuer.label} ${problem}`, chain: path };
                    continue;
                }
                if (caLevels + 1 > MAX_CA_LEVELS) {
                    refusal = { accepted: false, reason: `chain has more than ${MAX_CA_LEVELS} CA levels`, chain: path };
                    continue;
                }
                if (await this.#index.selfSigned(issuer)) {
                    return { accepted: true, reason: `chains to ${issuer.label}`, chain: path };
                }
                const seen = `${issuer.fingerprint} ${caLevels + 1}`;
                const above = refused.get(seen) ?? await this.#climb(issuer, now, path, [...below, issuer], refused);
                if (above.accepted) {
                    return above;
                }
                refused.set(seen, above);
                refusal = above;
            }
        }
        return refusal;
    }
}

/**
 * Parses a truststore once and returns a verifier that answers, per TLS handshake, whether API
 * Gateway would accept a client certificate: a chain by subject name to a self-signed root in
 * the bundle, at most four CA levels, every signature verifying, every link valid at `now`, and
 * the client certificate's signature and key of algorithms API Gateway supports.
 * Blocks that are not readable certificates are skipped, as API Gateway skips them.
 */
export async function createClientVerifier(bundlePem: string): Promise<ClientVerifier> {
    return new Verifier(readCertificates(scanPem(bundlePem)).certs);
}

/** One-shot form of `createClientVerifier(bundlePem).verify(clientPem, now)`. */
export async function acceptsClient(bundlePem: string, clientPem: string, now?: Date): Promise<ClientVerdict> {
    return (await createClientVerifier(bundlePem)).verify(clientPem, now);
}
