// What the truststore rules report: one finding per problem, with a code from a fixed list (the
// table in docs/truststore.md), and how a finding prints. Pure: no AWS, no Pulumi.

/** Every finding code, in the order docs/truststore.md's table lists them. */
export const FINDING_CODES = [
    "not-pem",
    "stray-text",
    "private-key-block",
    "unexpected-block",
    "malformed-block",
    "corrupt-base64",
    "corrupt-certificate",
    "bundle-too-large",
    "too-many-certificates",
    "weak-signature-hash",
    "unsupported-signature",
    "weak-key",
    "unsupported-key",
    "expired",
    "not-yet-valid",
    "expiring-soon",
    "missing-issuer",
    "bad-signature",
    "issuer-not-ca",
    "chain-too-deep",
    "duplicate-certificate",
    "subject-key-conflict",
    "self-signed-leaf",
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = "error" | "warning";

/** One problem in a bundle. `subject` is the certificate's subject DN, or `bundle` / `block #N`. */
export interface Finding {
    severity: Severity;
    code: FindingCode;
    subject: string;
    message: string;
}

export function error(code: FindingCode, subject: string, message: string): Finding {
    return { severity: "error", code, subject, message };
}

export function warning(code: FindingCode, subject: string, message: string): Finding {
    return { severity: "warning", code, subject, message };
}

export function hasErrors(findings: readonly Finding[]): boolean {
    return findings.some((finding) => finding.severity === "error");
}

/** Text as one printable line: control characters (a newline, a terminal escape) in a subject become \\uXXXX. */
export function oneLine(text: string): string {
    return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** "<severity> <code> <subject>: <message>", on one line whatever the subject holds. */
export function formatFinding(f: Finding): string {
    return oneLine(`${f.severity} ${f.code} ${f.subject}: ${f.message}`);
}
