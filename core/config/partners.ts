// The `partners` key of stack config: each entry's kind (generated, from a certificate request,
// own CA) and the files it names, read and checked. Its `throttle` and `quota` are
// core/usage/limits.ts's to read.
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import { certificateBlocks } from "../truststore/bundle";
import { closestName } from "./closest";
import { ConfigEnvironment, ConfigError, parseList } from "./values";
import { checkEvery } from "./problems";
import { CsrError, csrFix, readCertificateRequest, requestCommand } from "../x509/csr";

interface PartnerBase {
    readonly name: string;
}

/** A partner whose client certificate this stack issues from its own CA. */
export interface GeneratedPartner extends PartnerBase {
    readonly kind: "generated";
    readonly commonName: string;
    readonly organization: string;
    /** Bumping it issues the partner a new key and certificate. */
    readonly generation: number;
}

/**
 * A partner that keeps its key and sends a certificate request; the stack's CA signs it, and
 * no private key of the partner is in the stack.
 */
export interface CsrPartner extends PartnerBase {
    readonly kind: "csr";
    readonly csrFile: string;
    /** The request's PEM block, checked (`readCertificateRequest`). */
    readonly csrPem: string;
    /** Bumping it issues the partner a new certificate for the same request. */
    readonly generation: number;
}

/** A partner that brings its own CA; the stack only trusts that CA's certificate. */
export interface ExternalPartner extends PartnerBase {
    readonly kind: "external";
    readonly caCertFile: string;
    readonly caCertPem: string;
}

export type Partner = GeneratedPartner | CsrPartner | ExternalPartner;

/** A partner whose client certificate the stack's CA issues, with our key or from its request. */
export type IssuedPartner = GeneratedPartner | CsrPartner;

const partnerFields = ["name", "commonName", "organization", "caCertFile", "csrFile", "generation", "throttle", "quota"] as const;

type RawPartner = Readonly<Partial<Record<(typeof partnerFields)[number], unknown>>>;

const partnerName = /^[a-z0-9-]{1,48}$/;
// The CA's resources are named `<pki>-root…` and `<pki>-intermediate…`; a partner of that name would clash.
const reservedPartnerNames = ["root", "intermediate"];

/** Reads `partners` (JSON text), each entry checked, its files read. */
export function parsePartners(value: string, env: ConfigEnvironment): Partner[] {
    const list = parseList<RawPartner>("partners", value, "{name, commonName?, organization?, generation?}, {name, csrFile, generation?} or {name, caCertFile}");
    const seen = new Set<string>();
    return checkEvery(ConfigError, list, (entry: RawPartner, index): Partner => {
        const name = entry?.name;
        if (typeof name !== "string" || !partnerName.test(name)) {
            throw new ConfigError(`partners[${index}].name ${JSON.stringify(name)} must be 1 to 48 characters of a-z, 0-9 and '-', such as acme-bank`);
        }
        if (seen.has(name)) {
            throw new ConfigError(`partners[${index}].name "${name}" is used twice; give each partner its own name`);
        }
        if (reservedPartnerNames.includes(name)) {
            throw new ConfigError(`partners[${index}].name "${name}" is reserved for the CA's own resources; give the partner another name, such as ${name}-partner`);
        }
        seen.add(name);
        // Ignored, a misspelt field would leave the partner with defaults it was meant to override.
        const stranger = Object.keys(entry).find((field) => !(partnerFields as readonly string[]).includes(field));
        if (stranger !== undefined) {
            throw new ConfigError(`partners[${index}].${stranger} of "${name}" is not a field of a partner (the closest is ${closestName(stranger, partnerFields)}); rename it, or remove it (the fields are ${partnerFields.join(", ")})`);
        }
        for (const field of ["commonName", "organization", "caCertFile", "csrFile"] as const) {
            if (entry[field] !== undefined && (typeof entry[field] !== "string" || entry[field] === "")) {
                throw new ConfigError(`partners[${index}].${field} of "${name}" is ${JSON.stringify(entry[field])}; set it to a non-empty string or remove it`);
            }
        }
        const generation = typeof entry.generation === "string" && /^\d+$/.test(entry.generation) ? Number(entry.generation) : entry.generation ?? 1;
        if (typeof generation !== "number" || !Number.isInteger(generation) || generation < 1) {
            throw new ConfigError(`partners[${index}].generation of "${name}" is ${JSON.stringify(entry.generation)}; set it to a whole number from 1, one more than the current to issue a new key and certificate`);
        }
        if (typeof entry.caCertFile === "string") {
            if (entry.csrFile !== undefined) {
                throw new ConfigError(`partners[${index}] "${name}" sets both caCertFile and csrFile; keep caCertFile if the partner issues its own certificates, csrFile if our CA signs its request`);
            }
            if (entry.generation !== undefined) {
                throw new ConfigError(`partners[${index}].generation of "${name}" has no effect: the partner brings its own CA (caCertFile) and issues its own certificates; remove generation`);
            }
            return { kind: "external", name, caCertFile: entry.caCertFile, caCertPem: readCaCertificate(name, index, entry.caCertFile, env) };
        }
        if (typeof entry.csrFile === "string") {
            const ignored = (["commonName", "organization"] as const).find((field) => entry[field] !== undefined);
            if (ignored !== undefined) {
                throw new ConfigError(`partners[${index}].${ignored} of "${name}" has no effect: the certificate's subject is the one of its request (csrFile); remove ${ignored}`);
            }
            return { kind: "csr", name, csrFile: entry.csrFile, csrPem: readRequest(name, index, entry.csrFile, env), generation };
        }
        return {
            kind: "generated",
            name,
            commonName: (entry.commonName as string | undefined) ?? name,
            organization: (entry.organization as string | undefined) ?? name,
            generation,
        };
    });
}

function readRequest(name: string, index: number, file: string, env: ConfigEnvironment): string {
    const key = `partners[${index}].csrFile "${file}" of partner "${name}"`;
    let text: string;
    try {
        text = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`${key} cannot be read; put the partner's certificate request (PEM) at that path, relative to the project directory (the partner makes it with \`${requestCommand(name)}\`)`);
    }
    try {
        return readCertificateRequest(text);
    } catch (error) {
        if (error instanceof CsrError) {
            throw new ConfigError(`${key} ${error.message}; ${csrFix(error.problem, name)}`);
        }
        throw error;
    }
}

function readCaCertificate(name: string, index: number, file: string, env: ConfigEnvironment): string {
    const key = `partners[${index}].caCertFile`;
    let text: string;
    try {
        text = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`${key} "${file}" of partner "${name}" cannot be read; put the partner's CA certificate (PEM) at that path, relative to the project directory`);
    }
    const blocks = certificateBlocks(text);
    if (blocks.length === 0) {
        throw new ConfigError(`${key} "${file}" of partner "${name}" holds no PEM certificate; it must contain "-----BEGIN CERTIFICATE-----" blocks (convert DER with \`openssl x509 -inform der -in ca.der -out ca.pem\`)`);
    }
    for (const block of blocks) {
        try {
            new X509Certificate(block);
        } catch {
            throw new ConfigError(`${key} "${file}" of partner "${name}" holds a certificate block that does not parse; ask the partner for its CA certificate again`);
        }
    }
    return blocks.join("\n") + "\n";
}
