// The `partners` key of stack config: each entry's kind (generated, from a certificate request,
// own CA) and the files it names, read and checked. Its `throttle` and `quota` are
// core/usage/limits.ts's to read.
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import { certificateBlocks } from "../truststore/bundle";
import { closestName } from "./closest";
import { ConfigEnvironment, ConfigError, parseNamedMap } from "./values";
import { checkEvery } from "./problems";
import { CsrError, csrFix, readCertificateRequest, requestCommand } from "../x509/csr";

interface PartnerBase {
    /** The key in `partners`. */
    readonly name: string;
    /** Names of the APIs (keys of `apis`) the partner may call: its `access`, or every API when it sets none. */
    readonly access: readonly string[];
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

const partnerFields = ["commonName", "organization", "caCertFile", "csrFile", "generation", "throttle", "quota", "access"] as const;

type RawPartner = Readonly<Partial<Record<(typeof partnerFields)[number], unknown>>>;

const partnerName = /^[a-z0-9-]{1,48}$/;
// The CA's resources are named `<pki>-root…` and `<pki>-intermediate…`; a partner of that name would clash.
const reservedPartnerNames = ["root", "intermediate"];

const example = "{acme-bank: {commonName: acme-bank.partners.example.com, access: [orders]}, globex: {caCertFile: partners/globex-ca.pem}}";

/**
 * Reads `partners` (JSON text of a map keyed by partner name), each entry checked, its files
 * read; `apiNames` are the stack's APIs, which `access` may name.
 */
export function parsePartners(value: string, env: ConfigEnvironment, apiNames: readonly string[]): Partner[] {
    // `acme-bank:` with nothing after it (YAML null) is a generated partner with defaults, as `{}` is.
    return checkEvery(ConfigError, parseNamedMap<RawPartner | null>("partners", value, example), ([name, given]): Partner => {
        const entry = given ?? {};
        const key = `partners.${name}`;
        if (!partnerName.test(name)) {
            throw new ConfigError(`${key}: the partner name ${JSON.stringify(name)} must be 1 to 48 characters of a-z, 0-9 and '-', such as acme-bank`);
        }
        if (reservedPartnerNames.includes(name)) {
            throw new ConfigError(`${key}: the partner name "${name}" is reserved for the CA's own resources; give the partner another name, such as ${name}-partner`);
        }
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw new ConfigError(`${key} is ${JSON.stringify(entry)}, not a map; write it as {commonName: ${name}.partners.example.com}, {csrFile: partners/${name}.csr} or {caCertFile: partners/${name}-ca.pem} ({} for a generated certificate with defaults)`);
        }
        // Ignored, a misspelt field would leave the partner with defaults it was meant to override.
        const stranger = Object.keys(entry).find((field) => !(partnerFields as readonly string[]).includes(field));
        if (stranger !== undefined) {
            throw new ConfigError(`${key}.${stranger} is not a field of a partner (the closest is ${closestName(stranger, partnerFields)}); rename it, or remove it (the fields are ${partnerFields.join(", ")})`);
        }
        for (const field of ["commonName", "organization", "caCertFile", "csrFile"] as const) {
            if (entry[field] !== undefined && (typeof entry[field] !== "string" || entry[field] === "")) {
                throw new ConfigError(`${key}.${field} is ${JSON.stringify(entry[field])}; set it to a non-empty string or remove it`);
            }
        }
        const access = parseAccess(key, entry.access, apiNames);
        const generation = typeof entry.generation === "string" && /^\d+$/.test(entry.generation) ? Number(entry.generation) : entry.generation ?? 1;
        if (typeof generation !== "number" || !Number.isInteger(generation) || generation < 1) {
            throw new ConfigError(`${key}.generation is ${JSON.stringify(entry.generation)}; set it to a whole number from 1, one more than the current to issue a new key and certificate`);
        }
        if (typeof entry.caCertFile === "string") {
            if (entry.csrFile !== undefined) {
                throw new ConfigError(`${key} sets both caCertFile and csrFile; keep caCertFile if the partner issues its own certificates, csrFile if our CA signs its request`);
            }
            if (entry.generation !== undefined) {
                throw new ConfigError(`${key}.generation has no effect: the partner brings its own CA (caCertFile) and issues its own certificates; remove generation`);
            }
            return { kind: "external", name, access, caCertFile: entry.caCertFile, caCertPem: readCaCertificate(name, entry.caCertFile, env) };
        }
        if (typeof entry.csrFile === "string") {
            const ignored = (["commonName", "organization"] as const).find((field) => entry[field] !== undefined);
            if (ignored !== undefined) {
                throw new ConfigError(`${key}.${ignored} has no effect: the certificate's subject is the one of its request (csrFile); remove ${ignored}`);
            }
            return { kind: "csr", name, access, csrFile: entry.csrFile, csrPem: readRequest(name, entry.csrFile, env), generation };
        }
        return {
            kind: "generated",
            name,
            access,
            commonName: (entry.commonName as string | undefined) ?? name,
            organization: (entry.organization as string | undefined) ?? name,
            generation,
        };
    });
}

/** A partner's `access`: a list of the stack's API names; absent, every API. */
function parseAccess(key: string, value: unknown, apiNames: readonly string[]): readonly string[] {
    if (value === undefined) {
        return apiNames;
    }
    if (!Array.isArray(value) || !value.every((name) => typeof name === "string")) {
        throw new ConfigError(`${key}.access is ${JSON.stringify(value)}; set it to a list of API names (keys of apis), such as [${apiNames.join(", ")}], or remove it to allow every API`);
    }
    const unknown = value.find((name: string) => !apiNames.includes(name));
    if (unknown !== undefined) {
        throw new ConfigError(`${key}.access names the API "${unknown}", which apis does not declare (the closest is ${closestName(unknown, apiNames)}); use one of ${apiNames.join(", ")}, or add "${unknown}" to apis`);
    }
    return [...new Set(value)];
}

function readRequest(name: string, file: string, env: ConfigEnvironment): string {
    const key = `partners.${name}.csrFile "${file}"`;
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

function readCaCertificate(name: string, file: string, env: ConfigEnvironment): string {
    const key = `partners.${name}.caCertFile`;
    let text: string;
    try {
        text = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`${key} "${file}" cannot be read; put the partner's CA certificate (PEM) at that path, relative to the project directory`);
    }
    const blocks = certificateBlocks(text);
    if (blocks.length === 0) {
        throw new ConfigError(`${key} "${file}" holds no PEM certificate; it must contain "-----BEGIN CERTIFICATE-----" blocks (convert DER with \`openssl x509 -inform der -in ca.der -out ca.pem\`)`);
    }
    for (const block of blocks) {
        try {
            new X509Certificate(block);
        } catch {
            throw new ConfigError(`${key} "${file}" holds a certificate block that does not parse; ask the partner for its CA certificate again`);
        }
    }
    return blocks.join("\n") + "\n";
}
