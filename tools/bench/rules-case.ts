// The truststore rules over one bundle, in a process of its own: half roots, half intermediates
// they issued, so that every certificate has a chain and a signature to check.
import { hasErrors } from "../../core/truststore/findings";
import { checkTruststore } from "../../core/truststore/check";
import { certRequest, locallySignedCert, privateKey, selfSignedCert } from "../simulator/tls";
import { argument, serve, timed } from "./harness";

export interface RulesCase {
    readonly certificates: number;
    /** Key curve of every CA: P256 or P384 (the prod stack's). */
    readonly curve: "P256" | "P384";
    /** Timed runs after the first. */
    readonly warmRuns: number;
}

export interface RulesResult {
    readonly bundleBytes: number;
    /** The first check in the process: what one `pulumi up` pays. */
    readonly coldMs: number;
    /** Median of the later checks of the same bundle. */
    readonly warmMs: number;
    readonly findings: number;
    readonly errors: boolean;
}

async function bundle(spec: RulesCase): Promise<string> {
    const key = { algorithm: "ECDSA", ecdsaCurve: spec.curve };
    const roots = Math.ceil(spec.certificates / 2);
    const pems = await Promise.all(Array.from({ length: roots }, async (_, i) => {
        const subject = (role: string) => ({ commonName: `Bench partner ${i} ${role} CA`, organization: `Bench partner ${i}` });
        const rootKey = privateKey(key);
        const root = await selfSignedCert({ privateKeyPem: rootKey.privateKeyPem, subject: subject("root"), validityPeriodHours: 24 * 730, isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"] });
        if (2 * i + 1 >= spec.certificates) {
            return [root.certPem];
        }
        const issuingKey = privateKey(key);
        const request = await certRequest({ privateKeyPem: issuingKey.privateKeyPem, subject: subject("issuing") });
        const issuing = await locallySignedCert({ certRequestPem: request.certRequestPem, caPrivateKeyPem: rootKey.privateKeyPem, caCertPem: root.certPem, validityPeriodHours: 24 * 700, isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"] });
        return [root.certPem, issuing.certPem];
    }));
    return pems.flat().join("");
}

async function main(): Promise<RulesResult> {
    const spec = argument<RulesCase>();
    const pem = await bundle(spec);
    const cold = await timed(() => checkTruststore(pem));
    const warm: number[] = [];
    for (let i = 0; i < spec.warmRuns; i++) {
        warm.push((await timed(() => checkTruststore(pem))).wallMs);
    }
    warm.sort((a, b) => a - b);
    return {
        bundleBytes: Buffer.byteLength(pem),
        coldMs: cold.wallMs,
        warmMs: warm.length ? warm[Math.floor(warm.length / 2)] : cold.wallMs,
        findings: cold.value.length,
        errors: hasErrors(cold.value),
    };
}

serve(main);
