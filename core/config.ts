import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { normaliseSerial } from "./revocation";
import { x509 } from "./x509";
import { certificateBlocks } from "./bundle";
import { CsrError, csrFix, readCertificateRequest, requestCommand } from "./csr";
import { keyRefusal, KeyShape } from "./keyrules";
import { scanPem } from "./pem";
import { readDeclaredConfig } from "./projectconfig";

/** Key algorithms API Gateway accepts in a truststore, as our config spells them. */
export const keyAlgorithms = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"] as const;
export type KeyAlgorithm = (typeof keyAlgorithms)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** A partner whose client certificate this stack issues from its own CA. */
export interface GeneratedPartner {
    readonly kind: "generated";
    readonly name: string;
    readonly commonName: string;
    readonly organization: string;
    /** Bumping it issues the partner a new key and certificate. */
    readonly generation: number;
}

/**
 * A partner that keeps its key and sends a certificate request; the stack's CA signs it, and
 * no private key of the partner is in the stack.
 */
export interface CsrPartner {
    readonly kind: "csr";
    readonly name: string;
    readonly csrFile: string;
    /** The request's PEM block, checked (`readCertificateRequest`). */
    readonly csrPem: string;
    /** Bumping it issues the partner a new certificate for the same request. */
    readonly generation: number;
}

/** A partner that brings its own CA; the stack only trusts that CA's certificate. */
export interface ExternalPartner {
    readonly kind: "external";
    readonly name: string;
    readonly caCertFile: string;
    readonly caCertPem: string;
}

export type Partner = GeneratedPartner | CsrPartner | ExternalPartner;

/** A partner whose client certificate the stack's CA issues, with our key or from its request. */
export type IssuedPartner = GeneratedPartner | CsrPartner;

/** A certificate the authorizer refuses, whoever issued it. */
export interface RevokedSerial {
    /** Normalised (`normaliseSerial`): hex, upper case, no separators or leading zeros, "-" before a negative serial. */
    readonly serial: string;
    readonly reason: string;
}

/** The CRLs of `crlFile`, as read; the program verifies them against the truststore. */
export interface CrlFile {
    readonly file: string;
    /** One PEM block per CRL. */
    readonly pems: readonly string[];
}

/** The validated configuration of one stack. */
export interface StackConfig {
    readonly region: string;
    readonly domainName: string;
    readonly hostedZoneId: string;
    readonly certificateArn?: string;
    readonly ownershipVerificationCertificateArn?: string;
    readonly dualStack: boolean;
    readonly basePath: string;
    readonly stageName: string;
    readonly organization: string;
    readonly keyAlgorithm: KeyAlgorithm;
    readonly intermediateCa: boolean;
    readonly caValidityDays: number;
    readonly partnerValidityDays: number;
    readonly partners: readonly Partner[];
    readonly retainTruststoreOnDelete: boolean;
    readonly cloudwatchRoleArn?: string;
    readonly logRetentionDays: number;
    readonly revokedSerials: readonly RevokedSerial[];
    readonly crl?: CrlFile;
    readonly authorizerCacheSeconds: number;
    readonly expiryWarningDays: number;
    readonly caGenerations: readonly number[];
    readonly activeCaGeneration: number;
}

/** Config keys as strings, the way Pulumi stores them (objects and arrays as JSON). */
export type RawConfig = Readonly<Record<string, string | undefined>>;

const declared = readDeclaredConfig();

/**
 * The project's config keys, without the `apigw-mtls:` namespace: every key Pulumi.yaml declares,
 * and activeCaGeneration, whose default (the highest generation) is no value that file can hold.
 */
export const configKeys: readonly string[] = [...Object.keys(declared.defaults), "activeCaGeneration"];

/** Each key's default, from Pulumi.yaml, as the CLI hands it over for a stack that does not set it. */
export const configDefaults: RawConfig = declared.defaults;

/** A config value that cannot work; the message names the key, the value and the fix. */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const hostedZoneId = /^Z[0-9A-Z]{1,32}$/;
const acmArn = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;
const iamRoleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const partnerName = /^[a-z0-9-]{1,48}$/;
// The CA's resources are named `<pki>-root…` and `<pki>-intermediate…`; a partner of that name would clash.
const reservedPartnerNames = ["root", "intermediate"];
// RFC 5280: a serial is at most 20 octets.
const maxSerialDigits = 40;
const maxReasonLength = 100;
const crlLabels = ["X509 CRL", "CRL"];

/** Where a relative `caCertFile` is read from, and how; tests substitute their own. */
export interface ConfigEnvironment {
    readonly projectDir: string;
    readonly readFile: (file: string) => string;
}

const fileSystem: ConfigEnvironment = {
    projectDir: process.cwd(),
    readFile: (file) => fs.readFileSync(file, "utf8"),
};

/**
 * Validates raw stack config and returns it typed, with defaults applied. Throws a
 * `ConfigError` on the first bad value, before any resource is declared.
 */
export function parseConfig(given: RawConfig, region: string | undefined, env: ConfigEnvironment = fileSystem): StackConfig {
    const raw: RawConfig = Object.fromEntries(configKeys.map((key) => [key, given[key] ?? configDefaults[key]]));
    if (!region) {
        throw new ConfigError("aws:region is not set; run `pulumi config set aws:region eu-west-1` (or your region)");
    }
    const domainName = requireString(raw, "domainName", "api.dev.example.com").toLowerCase();
    if (!dnsName.test(domainName)) {
        throw new ConfigError(`domainName "${domainName}" is not a DNS name; set it to the partners' host name, such as api.dev.example.com`);
    }
    const zone = requireString(raw, "hostedZoneId", "Z0123456789ABCDEFGHIJ");
    if (!hostedZoneId.test(zone)) {
        throw new ConfigError(`hostedZoneId "${zone}" is not a Route 53 hosted zone id; use the id (Z followed by letters and digits) from \`aws route53 list-hosted-zones\`, not the zone name`);
    }
    const certificateArn = optionalSetting(raw, "certificateArn");
    if (certificateArn !== undefined) {
        const match = acmArn.exec(certificateArn);
        if (!match) {
            throw new ConfigError(`certificateArn "${certificateArn}" is not an ACM certificate ARN; set it to arn:aws:acm:<region>:<account>:certificate/<id>, or remove it to have the stack request one`);
        }
        if (match[1] !== region) {
            throw new ConfigError(`certificateArn "${certificateArn}" is in ${match[1]} but the stack deploys to ${region}; a Regional domain needs an ACM certificate in its own region`);
        }
    }
    const ownershipArn = optionalSetting(raw, "ownershipVerificationCertificateArn");
    if (ownershipArn !== undefined && !acmArn.test(ownershipArn)) {
        throw new ConfigError(`ownershipVerificationCertificateArn "${ownershipArn}" is not an ACM certificate ARN; set it to a public ACM certificate for ${domainName}`);
    }
    const cloudwatchRoleArn = optionalSetting(raw, "cloudwatchRoleArn");
    if (cloudwatchRoleArn !== undefined && !iamRoleArn.test(cloudwatchRoleArn)) {
        throw new ConfigError(`cloudwatchRoleArn "${cloudwatchRoleArn}" is not an IAM role ARN; set it to arn:aws:iam::<account>:role/<name>, or remove it to have the stack create the role`);
    }

    const basePath = stringSetting(raw, "basePath");
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(basePath)) {
        throw new ConfigError(`basePath "${basePath}" must be one path segment of letters, digits, '.', '_' or '-', such as c360`);
    }
    const stageName = stringSetting(raw, "stageName");
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(stageName)) {
        throw new ConfigError(`stageName "${stageName}" must be letters, digits, '_' or '-', such as v1`);
    }

    const keyAlgorithm = parseKeyAlgorithm(setting(raw, "keyAlgorithm"));
    const intermediateCa = booleanSetting(raw, "intermediateCa");
    const caValidityDays = positiveInteger(raw, "caValidityDays");
    const partnerValidityDays = positiveInteger(raw, "partnerValidityDays");
    const issuingCaDays = issuingCaValidityDays(caValidityDays, intermediateCa);
    if (issuingCaDays < 1) {
        throw new ConfigError(`caValidityDays ${caValidityDays} leaves no room for the intermediate CA, which ends a day before the root; set it to 2 or more`);
    }
    if (partnerValidityDays >= issuingCaDays) {
        throw new ConfigError(`partnerValidityDays ${partnerValidityDays} must end before the CA that issues it, which lives ${issuingCaDays} days; set it below ${issuingCaDays} or raise caValidityDays`);
    }

    const retention = positiveInteger(raw, "logRetentionDays");
    if (!logRetentionDays.includes(retention)) {
        throw new ConfigError(`logRetentionDays ${retention} is not a CloudWatch Logs retention; use one of ${logRetentionDays.join(", ")}`);
    }

    const { caGenerations, activeCaGeneration } = parseCaGenerations(raw);
    const authorizerCacheSeconds = wholeNumber(raw, "authorizerCacheSeconds");
    if (authorizerCacheSeconds > 3600) {
        throw new ConfigError(`authorizerCacheSeconds ${authorizerCacheSeconds} is too long for a revocation to wait; set it between 0 (no cache) and 3600`);
    }

    const crlFile = optionalSetting(raw, "crlFile");

    return {
        region,
        domainName,
        hostedZoneId: zone,
        certificateArn,
        ownershipVerificationCertificateArn: ownershipArn,
        dualStack: booleanSetting(raw, "dualStack"),
        basePath,
        stageName,
        organization: stringSetting(raw, "organization"),
        keyAlgorithm,
        intermediateCa,
        caValidityDays,
        partnerValidityDays,
        partners: parsePartners(setting(raw, "partners"), env),
        retainTruststoreOnDelete: booleanSetting(raw, "retainTruststoreOnDelete"),
        cloudwatchRoleArn,
        logRetentionDays: retention,
        revokedSerials: parseRevokedSerials(setting(raw, "revokedSerials")),
        crl: crlFile === undefined ? undefined : readCrlFile(crlFile, env),
        authorizerCacheSeconds,
        expiryWarningDays: positiveInteger(raw, "expiryWarningDays"),
        caGenerations,
        activeCaGeneration,
    };
}

/** The intermediate CA ends a day before the root, so nothing it signs can outlive the root. */
export function issuingCaValidityDays(caValidityDays: number, intermediateCa: boolean): number {
    return intermediateCa ? caValidityDays - 1 : caValidityDays;
}

function parseKeyAlgorithm(value: string): KeyAlgorithm {
    const known = keyAlgorithms.find((k) => k === value.toUpperCase());
    if (known) {
        return known;
    }
    const valid = `set it to one of ${keyAlgorithms.join(", ")}`;
    // "RSA2048", "ecdsa_p384": a known algorithm, spelt another way.
    const compact = (spelling: string) => spelling.toUpperCase().replace(/[^A-Z0-9]/g, "");
    const meant = keyAlgorithms.find((k) => compact(k) === compact(value));
    if (meant) {
        throw new ConfigError(`keyAlgorithm "${value}" is not a spelling this program knows (did you mean ${meant}?); ${valid}`);
    }
    const rsaBits = /^RSA-?(\d+)$/i.exec(value.trim())?.[1];
    const meantKey: KeyShape | undefined = /ED25519/i.test(value) ? { type: "other", name: "Ed25519" }
        : /P-?521/i.test(value) ? { type: "ec", curve: "P-521" }
        : rsaBits !== undefined ? { type: "rsa", bits: Number(rsaBits) }
        : undefined;
    const why = meantKey && keyRefusal(meantKey);
    throw new ConfigError(why === undefined ? `keyAlgorithm "${value}" is not a spelling this program knows; ${valid}` : `keyAlgorithm "${value}" cannot be used: ${why}; ${valid}`);
}

interface RawPartner {
    readonly name?: unknown;
    readonly commonName?: unknown;
    readonly organization?: unknown;
    readonly caCertFile?: unknown;
    readonly csrFile?: unknown;
    readonly generation?: unknown;
}

/**
 * A structured config value that must be a list (Pulumi hands it over as JSON).
 * Entries are as written: `T` has only `unknown` fields, for the caller to check.
 */
function parseList<T>(key: string, value: string, shape: string): T[] {
    let list: unknown;
    try {
        list = JSON.parse(value);
    } catch {
        list = value;
    }
    if (!Array.isArray(list)) {
        throw new ConfigError(`${key} is ${JSON.stringify(list)}, not a list; set it in the stack file as a YAML list of ${shape}`);
    }
    return list as T[];
}

function parsePartners(value: string, env: ConfigEnvironment): Partner[] {
    const list = parseList<RawPartner>("partners", value, "{name, commonName?, organization?, generation?}, {name, csrFile, generation?} or {name, caCertFile}");
    const seen = new Set<string>();
    return list.map((entry: RawPartner, index): Partner => {
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

interface RawRevokedSerial {
    readonly serial?: unknown;
    readonly reason?: unknown;
}

function parseRevokedSerials(value: string): RevokedSerial[] {
    const list = parseList<RawRevokedSerial>("revokedSerials", value, "{serial, reason}");
    const seen = new Map<string, number>();
    return list.map((entry: RawRevokedSerial, index): RevokedSerial => {
        const key = `revokedSerials[${index}]`;
        const raw = entry?.serial;
        // The number says nothing of how the serial was written: 0x1001, 4097 and 1001 all could be it.
        if (typeof raw === "number") {
            throw new ConfigError(`${key}.serial is the number ${raw}, not the serial as written: YAML reads an unquoted 0x1001 as 4097 and 1e5 as 100000; quote it in the stack file, such as serial: "0A:1B:2C" (from the shell: \`pulumi config set --path --type string '${key}.serial' <serial>\`)`);
        }
        if (typeof raw !== "string") {
            throw new ConfigError(`${key}.serial is ${JSON.stringify(raw)}; write the certificate's serial as a quoted hex string, such as "0A:1B:2C" (from \`pulumi stack output partnerCertificateSerials\` or \`openssl x509 -noout -serial\`)`);
        }
        const serial = normaliseSerial(raw);
        if (serial === undefined || serial.replace("-", "").length > maxSerialDigits) {
            throw new ConfigError(`${key}.serial "${raw}" is not a certificate serial; use up to 20 bytes of hex, with or without colons, such as "0A:1B:2C"`);
        }
        const reason = entry.reason;
        if (typeof reason !== "string" || reason.trim() === "" || reason.length > maxReasonLength) {
            throw new ConfigError(`${key}.reason of serial ${serial} is ${JSON.stringify(reason)}; say in 1 to ${maxReasonLength} characters why it is revoked, such as "key leaked, ticket SEC-123"`);
        }
        const earlier = seen.get(serial);
        if (earlier !== undefined) {
            throw new ConfigError(`${key}.serial "${raw}" is revokedSerials[${earlier}] again (both are ${serial}); remove one of them`);
        }
        seen.set(serial, index);
        return { serial, reason: reason.trim() };
    });
}

function readCrlFile(file: string, env: ConfigEnvironment): CrlFile {
    let text: string;
    try {
        text = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`crlFile "${file}" cannot be read; put the CRL (PEM) at that path, relative to the project directory, or remove crlFile`);
    }
    // OpenSSL labels CRLs "X509 CRL", some tools just "CRL".
    const pems = scanPem(text).blocks
        .filter((block) => crlLabels.includes(block.label) && block.endLabel === block.label)
        .map((block) => `-----BEGIN ${block.label}-----\n${block.body.join("\n")}\n-----END ${block.label}-----\n`);
    if (pems.length === 0) {
        throw new ConfigError(`crlFile "${file}" holds no PEM CRL; it must contain "-----BEGIN X509 CRL-----" blocks (convert DER with \`openssl crl -inform der -in ca.crl -out ca.crl.pem\`)`);
    }
    pems.forEach((pem, index) => {
        try {
            new x509.X509Crl(pem);
        } catch {
            throw new ConfigError(`crlFile "${file}" holds a CRL (block ${index + 1}) that does not parse; fetch it again from its CA`);
        }
    });
    return { file, pems };
}

function parseCaGenerations(raw: RawConfig): { caGenerations: number[]; activeCaGeneration: number } {
    const value = setting(raw, "caGenerations");
    let list: unknown;
    try {
        list = JSON.parse(value);
    } catch {
        list = value;
    }
    const valid = Array.isArray(list) && list.length > 0 && list.every((g) => Number.isInteger(g) && g >= 1);
    if (!valid) {
        throw new ConfigError(`caGenerations ${JSON.stringify(list)} must be a non-empty list of whole numbers from 1, such as [1, 2] while two CAs overlap`);
    }
    const caGenerations = list as number[];
    const twice = caGenerations.find((g, i) => caGenerations.indexOf(g) !== i);
    if (twice !== undefined) {
        throw new ConfigError(`caGenerations lists generation ${twice} twice; list each CA generation once`);
    }
    // Not declared in Pulumi.yaml: its default, the highest generation, depends on caGenerations.
    const active = raw.activeCaGeneration;
    const activeCaGeneration = active === undefined ? Math.max(...caGenerations) : positiveNumber("activeCaGeneration", active, "naming one of caGenerations");
    if (!caGenerations.includes(activeCaGeneration)) {
        throw new ConfigError(`activeCaGeneration ${activeCaGeneration} is not one of caGenerations [${caGenerations.join(", ")}]; set it to one of them, or add it to caGenerations`);
    }
    return { caGenerations, activeCaGeneration };
}

function requireString(raw: RawConfig, key: string, example: string): string {
    const value = raw[key];
    if (value === undefined || value.trim() === "") {
        // Local mode reads the stack file without the CLI: say how to write it there too.
        throw new ConfigError(`${key} is not set; run \`pulumi config set ${key} ${example}\`, or add \`apigw-mtls:${key}: ${example}\` under \`config:\` in Pulumi.<stack>.yaml`);
    }
    return value.trim();
}

/** A key's value, the stack's or Pulumi.yaml's default; only a key declared without a default can be missing. */
function setting(raw: RawConfig, key: string): string {
    const value = raw[key];
    if (value === undefined) {
        throw new ConfigError(`${key} is not set and Pulumi.yaml gives it no default; set it in Pulumi.<stack>.yaml, or declare a default for it`);
    }
    return value;
}

/** A key whose default is "" in Pulumi.yaml, which means unset. */
function optionalSetting(raw: RawConfig, key: string): string | undefined {
    const value = raw[key];
    return value === "" ? undefined : value;
}

function stringSetting(raw: RawConfig, key: string): string {
    return setting(raw, key).trim();
}

function booleanSetting(raw: RawConfig, key: string): boolean {
    const value = setting(raw, key);
    if (value !== "true" && value !== "false") {
        throw new ConfigError(`${key} "${value}" is not a boolean; set it to true or false`);
    }
    return value === "true";
}

function positiveNumber(key: string, value: string, what: string): number {
    if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) {
        throw new ConfigError(`${key} "${value}" must be a positive whole number ${what}`);
    }
    return Number(value);
}

function positiveInteger(raw: RawConfig, key: string): number {
    return positiveNumber(key, setting(raw, key), "of days");
}

function wholeNumber(raw: RawConfig, key: string): number {
    const value = setting(raw, key);
    if (!/^\d+$/.test(value.trim())) {
        throw new ConfigError(`${key} "${value}" must be a whole number of seconds, 0 or more`);
    }
    return Number(value);
}

/** Edits (insert, delete, replace a character) from `a` to `b`, case aside. */
function editDistance(a: string, b: string): number {
    const [from, to] = [a.toLowerCase(), b.toLowerCase()];
    let previous = Array.from({ length: to.length + 1 }, (_, j) => j);
    for (let i = 1; i <= from.length; i++) {
        const current = [i];
        for (let j = 1; j <= to.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (from[i - 1] === to[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[to.length];
}

/** The key of `configKeys` nearest to `key`. */
function closestKey(key: string): string {
    return configKeys.reduce((best, known) => (editDistance(key, known) < editDistance(key, best) ? known : best));
}

/**
 * Reads the project's keys from Pulumi config as raw strings, for `parseConfig`. A key of the
 * project's namespace that the program does not read (a typo, say) is a `ConfigError`: ignored,
 * it would leave its key at the default.
 */
export function readRawConfig(config: pulumi.Config): RawConfig {
    const prefix = `${config.name}:`;
    const unknown = Object.keys(pulumi.runtime.allConfig())
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort()
        .find((key) => !configKeys.includes(key));
    if (unknown !== undefined) {
        throw new ConfigError(`${prefix}${unknown} is not a key this program reads (the closest is ${closestKey(unknown)}); rename it in Pulumi.${pulumi.getStack()}.yaml, or remove it with \`pulumi config rm ${unknown}\``);
    }
    return Object.fromEntries(configKeys.map((key) => [key, config.get(key)]));
}
