// X.509 name constraints (RFC 5280 4.2.1.10) as OpenSSL applies them to the certificates below a
// CA: directoryName subtrees on the subject, dNSName subtrees on the subjectAltName DNS names
// (or, without any, on a common name that looks like a host name, as OpenSSL does). Other name
// forms are not judged. Pure: no AWS, no Pulumi.
import { AsnConvert } from "@peculiar/asn1-schema";
import { GeneralSubtrees, id_ce_nameConstraints, Name, NameConstraints } from "@peculiar/asn1-x509";
import { Cert } from "./cert-index";
import { x509 } from "../x509/x509";

const commonNameOid = "2.5.4.3";

/** One RDN as a comparable string: its attributes' types and values, case and spaces folded, in order. */
function rdnKey(rdn: Name[number]): string {
    return rdn.map((attribute) => `${attribute.type}=${attribute.value.toString().trim().replace(/\s+/g, " ").toLowerCase()}`).sort().join("+");
}

/** Whether `subject` lies in the subtree `base`: its RDNs begin with the base's. */
function withinDirectory(subject: Name, base: Name): boolean {
    return base.length <= subject.length && base.every((rdn, i) => rdnKey(rdn) === rdnKey(subject[i]));
}

/** Whether a host name lies in a dNSName subtree: equal to it or below it (a leading "." only below). */
function withinDns(name: string, base: string): boolean {
    const [host, subtree] = [name.toLowerCase(), base.toLowerCase()];
    if (subtree === "") {
        return true;
    }
    return subtree.startsWith(".") ? host.endsWith(subtree) : host === subtree || host.endsWith(`.${subtree}`);
}

function subtrees(list: GeneralSubtrees | undefined): { directories: Name[]; dns: string[] } {
    const bases = (list ?? []).map((subtree) => subtree.base);
    return {
        directories: bases.flatMap((base) => (base.directoryName ? [base.directoryName] : [])),
        dns: bases.flatMap((base) => (base.dNSName !== undefined ? [base.dNSName] : [])),
    };
}

/** The DNS names a constraint judges: the subjectAltName's, else a common name that looks like a host name. */
function dnsNames(cert: Cert, subject: Name): string[] {
    const alternative = cert.parsed.getExtension(x509.SubjectAlternativeNameExtension);
    const names = alternative?.names.items.filter((name) => name.type === "dns").map((name) => name.value) ?? [];
    if (names.length > 0 || alternative?.names.items.length) {
        return names;
    }
    return subject.flatMap((rdn) => rdn.filter((a) => a.type === commonNameOid).map((a) => a.value.toString()))
        .filter((cn) => /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(cn));
}

/** Why `cert` breaks the name constraints of `ca`, or undefined (also when `ca` has none). */
export function nameConstraintsProblem(ca: Cert, cert: Cert): string | undefined {
    const extension = ca.parsed.getExtension(id_ce_nameConstraints);
    if (!extension) {
        return undefined;
    }
    let constraints: NameConstraints;
    let subject: Name;
    try {
        constraints = AsnConvert.parse(extension.value, NameConstraints);
        subject = AsnConvert.parse(cert.parsed.subjectName.toArrayBuffer(), Name);
    } catch {
        return "has name constraints that cannot be read";
    }
    const permitted = subtrees(constraints.permittedSubtrees);
    const excluded = subtrees(constraints.excludedSubtrees);
    const hosts = dnsNames(cert, subject);
    const outside = subject.length > 0 && permitted.directories.length > 0 && !permitted.directories.some((base) => withinDirectory(subject, base))
        ? `subject ${cert.label}`
        : hosts.find((host) => permitted.dns.length > 0 && !permitted.dns.some((base) => withinDns(host, base)));
    if (outside !== undefined) {
        return `permits no ${outside.startsWith("subject ") ? outside : `DNS name ${outside}`} (name constraints: permitted subtree violation)`;
    }
    const barred = subject.length > 0 && excluded.directories.some((base) => withinDirectory(subject, base))
        ? `subject ${cert.label}`
        : hosts.find((host) => excluded.dns.some((base) => withinDns(host, base)));
    return barred === undefined ? undefined
        : `excludes ${barred.startsWith("subject ") ? barred : `DNS name ${barred}`} (name constraints: excluded subtree violation)`;
}
