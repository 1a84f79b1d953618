// The rules a bundle's certificates meet together: one key per subject, every certificate
// signed by a CA certificate of the bundle up to a self-signed root, at most four CA levels, no
// more CAs below a CA than its basicConstraints path length allows.
// Pure: no AWS, no Pulumi.
import { append, Candidates, Cert, CertIndex, KeyGroup } from "./cert-index";
import { notCaReason, pathLengthProblem } from "./cert-rules";
import { error, Finding, warning } from "./findings";
import { MAX_CA_LEVELS } from "./limits";

// Blocks named in one subject-key-conflict finding.
const LISTED_BLOCKS = 10;

/** A subject that several keys carry: API Gateway finds issuers by name, so one of them is wrong. */
export function checkSubjectKeys(index: CertIndex): Finding[] {
    const findings: Finding[] = [];
    for (const groups of index.bySubject.values()) {
        if (groups.length < 2) {
            continue;
        }
        const certs = groups.flatMap((group) => group.certs).sort((a, b) => (a.block ?? 0) - (b.block ?? 0));
        const shown = certs.slice(0, LISTED_BLOCKS).map((cert) => `#${cert.block}`).join(", ");
        const blocks = certs.length > LISTED_BLOCKS ? `${shown} and ${certs.length - LISTED_BLOCKS} more` : shown;
        findings.push(error("subject-key-conflict", certs[0].label, `${certs.length} certificates with this subject (blocks ${blocks}) carry ${groups.length} different keys; API Gateway finds issuers by subject name, so clients may be checked against the wrong key: keep only the current CA, or give each CA its own subject`));
    }
    return findings;
}

/** Issuers, signatures, CA flags and depth: every certificate must chain to a root in the bundle. */
export async function checkChains(certs: readonly Cert[], index: CertIndex): Promise<Finding[]> {
    const signers = await Promise.all(certs.map((cert) => index.signer(cert)));
    const findings: Finding[] = [];
    const signedBy = new Map<Cert, KeyGroup>();
    const roots = new Set<Cert>();
    // Per key group, the certificates in it that are not CAs and were not reported yet.
    const notCa = new Map<KeyGroup, Set<Cert>>();
    certs.forEach((cert, i) => {
        const { group, candidates } = signers[i];
        if (candidates.of === 0) {
            findings.push(error("missing-issuer", cert.label, `its issuer ${cert.issuer} is not in the bundle; add that CA certificate and every CA above it up to the root (API Gateway does not use intermediates sent by clients)`));
            return;
        }
        if (!group) {
            findings.push(error("bad-signature", cert.label, badSignature(cert, candidates, index)));
            return;
        }
        signedBy.set(cert, group);
        if (group === index.groupOf(cert)) {
            roots.add(cert);
            if (!cert.native.ca) {
                findings.push(warning("self-signed-leaf", cert.label, "is self-signed but not a CA (basicConstraints CA:TRUE with keyCertSign), so it can only admit a client that presents this very certificate; add the partner's CA certificate instead unless that is intended"));
            }
        }
        let pending = notCa.get(group);
        if (!pending) {
            pending = new Set(group.certs.filter((issuer) => !issuer.native.ca));
            notCa.set(group, pending);
        }
        for (const issuer of pending) {
            if (issuer !== cert) {
                pending.delete(issuer);
                findings.push(error("issuer-not-ca", issuer.label, `issues ${cert.label} but ${notCaReason(issuer)}; reissue it with basicConstraints CA:TRUE and keyUsage keyCertSign, or remove the certificates it issued`));
            }
        }
    });
    return findings.concat(checkDepth(certs, signedBy, roots, index), checkPathLengths(certs, signedBy, index));
}

/**
 * Every CA below a CA whose pathLenConstraint it exceeds: OpenSSL, and so most likely API
 * Gateway, refuses the clients it issues ("path length constraint exceeded"). Reported as
 * chain-too-deep, once per CA, for the nearest CA above it that it exceeds.
 */
function checkPathLengths(certs: readonly Cert[], signedBy: ReadonlyMap<Cert, KeyGroup>, index: CertIndex): Finding[] {
    const findings: Finding[] = [];
    for (const cert of certs.filter((c) => c.native.ca)) {
        const visited = new Set<KeyGroup>();
        let frontier = [cert];
        // A CA `above` levels up has `above` CAs below it down to this one, which issues the clients.
        for (let above = 1; frontier.length > 0 && above <= MAX_CA_LEVELS; above++) {
            const next: Cert[] = [];
            for (const child of frontier) {
                const group = signedBy.get(child);
                if (!group || group === index.groupOf(child) || visited.has(group)) {
                    continue;
                }
                visited.add(group);
                next.push(...group.certs);
            }
            const exceeded = next.map((issuer) => ({ issuer, problem: pathLengthProblem(issuer, above) })).find((e) => e.problem !== undefined);
            if (exceeded) {
                findings.push(error("chain-too-deep", cert.label, `is a CA below ${exceeded.issuer.label}, which ${exceeded.problem}; OpenSSL refuses the certificates this CA issues ("path length constraint exceeded"), and API Gateway most likely does too: reissue ${exceeded.issuer.label} with a larger pathlen (or none), or issue this CA from a CA that allows it`));
                break;
            }
            frontier = next;
        }
    }
    return findings;
}

function badSignature(cert: Cert, candidates: Candidates, index: CertIndex): string {
    if (candidates.groups.length < candidates.of) {
        return `its signature does not verify with the first ${candidates.groups.length} of the ${candidates.of} keys that certificates named ${cert.issuer} carry in the bundle; API Gateway takes one issuer per name: give each CA its own subject, or name the issuer's key in an authority key identifier`;
    }
    return cert.selfIssued && candidates.of === 1 && index.groupOf(cert)?.certs.length === 1
        ? "its self-signature does not verify: the certificate is damaged or altered; copy it again from its source"
        : `its signature does not verify with the key of ${cert.issuer} in the bundle; add the CA certificate that really issued it (or copy a damaged certificate again)`;
}

/** CA level of each certificate (root = 1) along its shortest chain; errors past MAX_CA_LEVELS. */
function checkDepth(certs: readonly Cert[], signedBy: ReadonlyMap<Cert, KeyGroup>, roots: ReadonlySet<Cert>, index: CertIndex): Finding[] {
    const issued = new Map<KeyGroup, Cert[]>();
    for (const [cert, group] of signedBy) {
        if (!roots.has(cert)) {
            append(issued, group, cert);
        }
    }
    // Breadth first from the roots: the first level a certificate is reached at is its lowest.
    const positions = new Map<Cert, { level: number; root: Cert }>();
    const visited = new Set<KeyGroup>();
    let frontier = [...roots];
    frontier.forEach((root) => positions.set(root, { level: 1, root }));
    for (let level = 1; frontier.length > 0; level++) {
        const next: Cert[] = [];
        for (const cert of frontier) {
            const group = index.groupOf(cert);
            if (!group || visited.has(group)) {
                continue;
            }
            visited.add(group);
            const root = positions.get(cert)?.root ?? cert;
            for (const child of issued.get(group) ?? []) {
                if (!positions.has(child)) {
                    positions.set(child, { level: level + 1, root });
                    next.push(child);
                }
            }
        }
        frontier = next;
    }
    const findings: Finding[] = [];
    for (const cert of certs) {
        const position = positions.get(cert);
        if (position && position.level > MAX_CA_LEVELS && cert.native.ca) {
            findings.push(error("chain-too-deep", cert.label, `is CA level ${position.level} under root ${position.root.label} (the root is level 1); API Gateway accepts at most ${MAX_CA_LEVELS} CA levels: issue this CA from a CA nearer the root, or remove it`));
        }
    }
    return findings;
}
