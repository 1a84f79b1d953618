// Checks a truststore (a PEM bundle of CA certificates) against Amazon API Gateway's rules for
// mutual TLS before it is uploaded. API Gateway itself accepts a bad truststore and only reports
// `truststoreWarnings`, which Pulumi never shows. Pure: no AWS, no Pulumi.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
import { checkBundleShape, oversized, readCertificates } from "./bundle-shape";
import { Cert, CertIndex, Signatures } from "./cert-index";
import { isoDate, keyProblem, signatureProblem, validityProblem } from "./cert-rules";
import { checkChains, checkSubjectKeys } from "./chain-rules";
import { error, Finding, FindingCode, Severity, warning } from "./findings";
import { PemScan, scanPem } from "../x509/pem";
import { SignatureWorker } from "./signature-worker";
import { MAX_BUNDLE_BYTES } from "./limits";

export interface CheckOptions {
    /** The time to check validity at. Default: now. */
    now?: Date;
    /** Warn about certificates that expire within this many days. Default: 30. */
    warnDays?: number;
}

const DEFAULT_WARN_DAYS = 30;
const DAY_MS = 86_400_000;
// Findings of one code beyond this are counted, not listed: a hostile file can hold 30,000 blocks.
const LISTED_PER_CODE = 100;
// From this many certificates on, slow signatures are checked on a worker thread; it takes
// about 30 ms to start, which a few certificates do not repay.
const WORKER_FROM = 100;

/**
 * Checks a truststore bundle (PEM text, or its bytes as read from a file) against API Gateway's
 * rules. Returns every finding; the bundle is fit for upload when `hasErrors` is false. A bundle
 * over the size limit gets that finding without its certificates being read.
 */
export async function checkTruststore(bundle: string | Uint8Array, options: CheckOptions = {}): Promise<Finding[]> {
    const now = options.now ?? new Date();
    const warnDays = options.warnDays ?? DEFAULT_WARN_DAYS;
    const raw = typeof bundle === "string" ? bundle : Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
    const bytes = typeof raw === "string" ? Buffer.byteLength(raw, "utf8") : raw.length;
    if (bytes > MAX_BUNDLE_BYTES) {
        return oversized(raw, bytes);
    }
    const pem = raw.toString("utf8");
    const scan = scanPem(pem);
    const blocks = scan.blocks.filter((block) => block.label === "CERTIFICATE").length;
    const worker = blocks >= WORKER_FROM ? new SignatureWorker() : undefined;
    try {
        return listed(await checkScanned(pem, scan, new Signatures(worker), now, warnDays));
    } finally {
        worker?.close();
    }
}

async function checkScanned(pem: string, scan: PemScan, signatures: Signatures, now: Date, warnDays: number): Promise<Finding[]> {
    const findings = checkBundleShape(pem, scan);
    // Signatures are checked while the rest of the bundle is read: each against itself, or
    // against the first certificate read with its issuer's name. The chain check below asks for
    // the same pairs, and only waits for them.
    const firstNamed = new Map<string, Cert>();
    const read = readCertificates(scan, (cert) => {
        if (!firstNamed.has(cert.subject)) {
            firstNamed.set(cert.subject, cert);
        }
        const issuer = cert.selfIssued ? cert : firstNamed.get(cert.issuer);
        if (issuer) {
            void signatures.verifies(cert, issuer);
        }
    });
    // A loop, not push(...): a bundle of tiny blocks has more findings than a call has arguments.
    for (const finding of read.findings) {
        findings.push(finding);
    }

    const unique: Cert[] = [];
    const first = new Map<string, Cert>();
    for (const cert of read.certs) {
        const seen = first.get(cert.fingerprint);
        if (seen === undefined) {
            first.set(cert.fingerprint, cert);
            unique.push(cert);
        } else {
            findings.push(warning("duplicate-certificate", cert.label, `block #${cert.block} repeats block #${seen.block}; remove the copy (the bundle writer keeps one)`));
        }
    }

    const index = new CertIndex(unique, signatures);
    for (const finding of checkSubjectKeys(index)) {
        findings.push(finding);
    }
    for (const cert of unique) {
        for (const finding of certificateFindings(cert, now, warnDays)) {
            findings.push(finding);
        }
    }
    for (const finding of await checkChains(unique, index)) {
        findings.push(finding);
    }
    return findings;
}

/** The findings of one certificate on its own: its algorithms and its validity window. */
function certificateFindings(cert: Cert, now: Date, warnDays: number): Finding[] {
    const findings: Finding[] = [];
    for (const problem of [signatureProblem(cert), keyProblem(cert)]) {
        if (problem) {
            findings.push(error(problem.code, cert.label, problem.text));
        }
    }
    const validity = validityProblem(cert, now);
    if (validity?.code === "expired") {
        findings.push(error("expired", cert.label, `${validity.text}; API Gateway refuses every client whose chain uses it: renew it and put the new certificate in the bundle`));
    } else if (validity) {
        findings.push(error("not-yet-valid", cert.label, `${validity.text}; API Gateway refuses clients whose chain uses it until then: reissue it with notBefore in the past (check the issuing host's clock)`));
    } else {
        const daysLeft = Math.ceil((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
        if (daysLeft <= warnDays) {
            findings.push(warning("expiring-soon", cert.label, `expires on ${isoDate(cert.notAfter)}, in ${daysLeft} day(s); renew it and add the new certificate to the bundle before then`));
        }
    }
    return findings;
}

/** Lists the first LISTED_PER_CODE findings of each code, and one more that counts the others. */
function listed(findings: readonly Finding[]): Finding[] {
    const counts = new Map<FindingCode, { severity: Severity; count: number }>();
    const kept: Finding[] = [];
    for (const finding of findings) {
        const seen = counts.get(finding.code) ?? { severity: finding.severity, count: 0 };
        seen.count++;
        counts.set(finding.code, seen);
        if (seen.count <= LISTED_PER_CODE) {
            kept.push(finding);
        }
    }
    for (const [code, { severity, count }] of counts) {
        if (count > LISTED_PER_CODE) {
            kept.push({ severity, code, subject: "bundle", message: `${count - LISTED_PER_CODE} more ${code} findings like the ones above, not listed; fix those and check again` });
        }
    }
    return kept;
}
