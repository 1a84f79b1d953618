// The authorizer's decision, as a pure function, and the lists it decides with. The program
// writes the lists (components/partner-authorizer.ts) and the Lambda reads them (handlers/authorizer.ts):
// both take their shape, file name, environment, serial format and issuer ids from here.
import { createHash, X509Certificate } from "node:crypto";
import { certificateBlocks } from "../truststore/bundle";
import { projectName } from "../config/keys";
// Types only: the Lambda bundles this module, and revocationconfig and crl carry the Pulumi SDK.
import type { RevokedSerial } from "../config/revocation";
import type { CrlRevocation } from "../x509/crl";
import type { PartnerAccess } from "./access";

/** The authorizer function's environment, as components/partner-authorizer.ts sets it. */
export interface AuthorizerEnvironment {
    /** Seconds a decision is reused for the same certificate. Default: `authorizerCacheSeconds`' default (60). */
    readonly DECISION_CACHE_SECONDS?: string;
    /** Name of the first SSM parameter that holds the partners' API keys (`UsageKeys`); unset, the authorizer returns no key. */
    readonly USAGE_KEYS_PARAMETER?: string;
    /** How many usage-keys parameters there are, named after the first (`usageKeysParameterNames`); unset, one. */
    readonly USAGE_KEYS_SHARDS?: string;
    /** Name of the SSM parameter that holds each API's stage (`ApiStages`, core/authorizer/access.ts); unset, an Allow names the called method only. */
    readonly API_STAGES_PARAMETER?: string;
}

/**
 * The SSM parameter of a stack's usage keys. Known before any resource exists: the authorizer's
 * environment names it, while the parameter itself is made after the API (its keys' plans need
 * the stage, the stage the methods, the methods the authorizer).
 */
export function usageKeysParameterName(stack: string): string {
    return `/${projectName}/${stack}/partner-usage-keys`;
}

/**
 * Names one SSM GetParameters call takes: "Array Members: Minimum number of 1 item. Maximum number
 * of 10 items" (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html).
 */
export const getParametersMaxNames = 10;

/**
 * The names of a stack's `shards` usage-keys parameters: the first is `first` (the one parameter
 * stacks had before there were shards), shard i is `<first>-<i>`. A suffix, not a level: names
 * take a-zA-Z0-9_.- and "/" between levels, at most fifteen levels (PutParameter's naming
 * constraints, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 */
export function usageKeysParameterNames(first: string, shards: number): string[] {
    return Array.from({ length: shards }, (_, i) => (i === 0 ? first : `${first}-${i}`));
}

/** Each partner's API key value, by partner name: what the usage-keys parameters hold, as JSON, each some of the partners. */
export type UsageKeys = Readonly<Record<string, string>>;

/** Reads the usage keys from the parameter's JSON; throws (naming no value) when it is not `UsageKeys`. */
export function parseUsageKeys(json: string | undefined): UsageKeys {
    if (json === undefined) {
        throw new Error("the usage-keys parameter has no value");
    }
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch {
        throw new Error("the usage-keys parameter is not JSON");
    }
    if (!isStringRecord(value)) {
        throw new Error("the usage-keys parameter is not {partner: key}");
    }
    return value;
}

/** Why each serial is revoked, by normalised serial. */
export type RevokedSerials = Readonly<Record<string, string>>;

/** One CA certificate of a truststore chain, as revocations name it: by its issuer's `issuerId` and its serial. */
export interface ChainLink {
    readonly issuer: string;
    readonly serial: string;
}

/**
 * The revocations the authorizer enforces. Serials are unique per issuer only, so CRL entries
 * count for their issuer alone; serials from stack config count whatever the issuer. A revoked CA
 * certificate denies every certificate below it: API Gateway passes the client certificate alone,
 * so the chains above each issuing CA come from the truststore, known when the stack is deployed.
 */
export interface RevocationList {
    /** Serials revoked in stack config (`revokedSerials`). */
    readonly anyIssuer: RevokedSerials;
    /** Serials revoked by a CRL, by `issuerId` of the CA that signed it. */
    readonly byIssuer: Readonly<Record<string, RevokedSerials>>;
    /**
     * The truststore's CA certificates above a client certificate, by `issuerId` of the CA that
     * issues it: every certificate of the truststore with that subject and each CA above it, up to its root.
     */
    readonly issuerChains: Readonly<Record<string, readonly ChainLink[]>>;
}

/**
 * Partner names, by `issuerId` (every certificate of a partner's own CA), by `issuerId/serial`
 * (one certificate our CA issued) or by `subjectKey` (every certificate our CA issued a partner
 * under its subject, earlier ones too).
 */
export type PartnerNames = Readonly<Record<string, string>>;

/** What the authorizer answers, and why. */
export interface Decision {
    readonly effect: "Allow" | "Deny";
    readonly reason: string;
    /** The partner the certificate belongs to, when it could be read. */
    readonly partner?: string;
    /** The certificate's normalised serial, when it could be read. */
    readonly serial?: string;
}

/**
 * A serial in its one canonical form, the value of its DER INTEGER: hex digits, upper case,
 * without separators or leading zeros, and "-" before a negative one. "0a:1B" and "A1B" are the
 * same serial; "-0A1B2C" (as OpenSSL and Node.js print a serial whose DER has the high bit set) is
 * another. API Gateway, OpenSSL and config spell serials differently. Undefined when it is not hex.
 */
export function normaliseSerial(serial: string): string | undefined {
    const trimmed = serial.trim();
    const negative = trimmed.startsWith("-");
    const hex = trimmed.slice(negative ? 1 : 0).replace(/^0x/i, "").replace(/[\s:]/g, "").toUpperCase();
    if (!/^[0-9A-F]+$/.test(hex)) {
        return undefined;
    }
    const digits = hex.replace(/^0+(?=.)/, "");
    return negative && digits !== "0" ? `-${digits}` : digits;
}

/**
 * The canonical serial of a DER INTEGER's content octets, as a certificate or CRL holds them:
 * two's complement, so F5 E4 D4 is -0A1B2C and 00 F5 E4 D4 is F5E4D4.
 */
export function serialFromDer(octets: Uint8Array): string {
    const hex = Buffer.from(octets).toString("hex") || "0";
    const unsigned = BigInt(`0x${hex}`);
    const value = octets.length > 0 && octets[0] >= 0x80 ? unsigned - (1n << BigInt(octets.length * 8)) : unsigned;
    return value < 0n ? `-${(-value).toString(16).toUpperCase()}` : value.toString(16).toUpperCase();
}

/** A certificate's serial, normalised. */
export function certificateSerial(certificate: X509Certificate): string {
    return normaliseSerial(certificate.serialNumber) ?? certificate.serialNumber;
}

/** Each certificate's normalised serial, by the same key: what `revokedSerials` takes. */
export function certificateSerials(certificates: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(certificates).map(([name, pem]) => [name, certificateSerial(new X509Certificate(pem))]));
}

/**
 * A short id of an issuer's distinguished name as Node.js prints it (`X509Certificate.issuer` of
 * a client certificate, `.subject` of its CA): both sides print the same DER the same way.
 */
export function issuerId(distinguishedName: string): string {
    return createHash("sha256").update(distinguishedName).digest("hex").slice(0, 16);
}

/** The key of one certificate in `PartnerNames`. */
export function certificateKey(issuer: string, serial: string): string {
    return `${issuer}/${serial}`;
}

/**
 * The key of a subject our CA issued to in `PartnerNames`: a partner's earlier certificate (before
 * a generation bump, valid until revoked) has another serial but the same issuer and subject.
 */
export function subjectKey(issuer: string, subject: string): string {
    return `${issuer}/subject:${issuerId(subject)}`;
}

/**
 * The key of a subject our CA issued to, whatever generation of our CA issued it, in
 * `PartnerNames`: after a CA rotation a partner's certificate from the previous CA, still trusted
 * while that CA is in the truststore, keeps the partner's name (and its usage key). Looked up after
 * an own CA's issuer, so a partner's own CA never lends its certificates our partners' names.
 */
export function issuedSubjectKey(subject: string): string {
    return `subject:${issuerId(subject)}`;
}

/**
 * The revocation list from config entries (any issuer), verified CRL entries (their issuer only)
 * and the truststore's chains above each issuing CA (`issuerChains` of core/truststore/issuer-chains.ts).
 */
export function revocationList(configured: readonly RevokedSerial[], crl: readonly CrlRevocation[],
    issuerChains: Readonly<Record<string, readonly ChainLink[]>> = {}): RevocationList {
    const byIssuer: Record<string, Record<string, string>> = {};
    for (const entry of crl) {
        (byIssuer[entry.issuerId] ??= {})[entry.serial] = entry.reason;
    }
    return { anyIssuer: Object.fromEntries(configured.map((e) => [e.serial, e.reason])), byIssuer, issuerChains };
}

/** Why the certificate `serial` of `issuer` is revoked, or undefined. */
function revocationOf(list: RevocationList, issuer: string, serial: string): string | undefined {
    return list.byIssuer[issuer]?.[serial] ?? list.anyIssuer[serial];
}

/**
 * Partner names: each certificate we issued by issuer and serial, by issuer and subject (so
 * that a partner's earlier certificates from our CA are still its own), and by subject alone (so
 * that its certificates from an earlier generation of our CA are too); every certificate of a
 * partner's own CA by that CA (each CA of its file, so an intermediate counts too). A subject that
 * two partners share names neither of them.
 */
export function partnerNames(issued: Readonly<Record<string, string>>, ownCas: readonly { name: string; caCertPem: string }[]): PartnerNames {
    const names: Record<string, string> = {};
    for (const { name, caCertPem } of ownCas) {
        for (const pem of certificateBlocks(caCertPem)) {
            names[issuerId(new X509Certificate(pem).subject)] = name;
        }
    }
    const bySubject = new Map<string, string | undefined>();
    for (const [name, pem] of Object.entries(issued)) {
        const certificate = new X509Certificate(pem);
        const issuer = issuerId(certificate.issuer);
        names[certificateKey(issuer, certificateSerial(certificate))] = name;
        for (const key of [subjectKey(issuer, certificate.subject), issuedSubjectKey(certificate.subject)]) {
            bySubject.set(key, bySubject.has(key) ? undefined : name);
        }
    }
    for (const [key, name] of bySubject) {
        if (name !== undefined) {
            names[key] = name;
        }
    }
    return names;
}

/**
 * Allows a client certificate of a partner unless it or a CA certificate above it is revoked;
 * fails closed otherwise: no certificate, a PEM that does not parse, no readable list (`list`
 * undefined), a certificate outside its validity or one issued to no partner (its subject alone,
 * such as `CN=acme-bank`, names nobody) is a Deny.
 */
export function decide(clientCertPem: string | null | undefined, list: RevocationList | undefined, names: PartnerNames, now: Date): Decision {
    if (!clientCertPem) {
        return { effect: "Deny", reason: "no client certificate" };
    }
    let certificate: X509Certificate;
    try {
        certificate = new X509Certificate(clientCertPem);
    } catch {
        return { effect: "Deny", reason: "the client certificate does not parse" };
    }
    const serial = certificateSerial(certificate);
    const issuer = issuerId(certificate.issuer);
    const partner = names[certificateKey(issuer, serial)] ?? names[subjectKey(issuer, certificate.subject)] ?? names[issuer]
        ?? names[issuedSubjectKey(certificate.subject)];
    const known = partner === undefined ? { serial } : { partner, serial };
    if (list === undefined) {
        return { effect: "Deny", reason: "the revocation list is missing or unreadable", ...known };
    }
    if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
        return { effect: "Deny", reason: `the certificate is valid from ${certificate.validFrom} to ${certificate.validTo} only`, ...known };
    }
    const revoked = revocationOf(list, issuer, serial);
    if (revoked !== undefined) {
        return { effect: "Deny", reason: `revoked: ${revoked}`, ...known };
    }
    for (const link of list.issuerChains[issuer] ?? []) {
        const reason = revocationOf(list, link.issuer, link.serial);
        if (reason !== undefined) {
            return { effect: "Deny", reason: `revoked: ${reason}, on CA certificate ${link.serial} above it`, ...known };
        }
    }
    if (partner === undefined) {
        return { effect: "Deny", reason: "the certificate was not issued to a partner of this stack", ...known };
    }
    return { effect: "Allow", reason: "not revoked", ...known };
}

function isStringRecord(value: unknown): value is Record<string, string> {
    return isRecordOf(value, (v): v is string => typeof v === "string");
}

function isRecordOf<T>(value: unknown, isItem: (item: unknown) => item is T): value is Record<string, T> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(isItem);
}

function isChain(value: unknown): value is ChainLink[] {
    return Array.isArray(value) && value.every((link: Partial<Record<keyof ChainLink, unknown>> | null) =>
        typeof link?.issuer === "string" && typeof link.serial === "string");
}

/** The file, beside the authorizer's code in its package, that holds its `AuthorizerLists`. */
export const authorizerListsFile = "lists.json";

/** What the authorizer decides with: the program writes it, the function reads it once per instance. */
export interface AuthorizerLists {
    readonly revocations: RevocationList;
    readonly partnerNames: PartnerNames;
    /** The APIs each partner may call, by API name; a partner not in it may call none. */
    readonly access?: PartnerAccess;
}

/** Reads the lists from their JSON; throws when they are missing or not `AuthorizerLists`, so the authorizer fails closed. */
export function parseAuthorizerLists(json: string | undefined): AuthorizerLists {
    if (json === undefined) {
        throw new Error("no revocation list is set");
    }
    const value = JSON.parse(json) as Partial<Record<keyof AuthorizerLists, unknown>> | null;
    const list = value?.revocations as Partial<RevocationList> | null | undefined;
    const byIssuer = list?.byIssuer as unknown;
    const chains = list?.issuerChains as unknown;
    if (!isStringRecord(list?.anyIssuer) || !isRecordOf(byIssuer, isStringRecord) || !isRecordOf(chains, isChain)) {
        throw new Error("the revocation list is not {anyIssuer: {serial: reason}, byIssuer: {issuer: {serial: reason}}, issuerChains: {issuer: [{issuer, serial}]}}");
    }
    if (!isStringRecord(value?.partnerNames)) {
        throw new Error("partner names are not {key: name}");
    }
    const access = value.access;
    if (access !== undefined && (typeof access !== "object" || access === null || !Object.values(access).every((apis) => Array.isArray(apis) && apis.every((api) => typeof api === "string")))) {
        throw new Error("partners' access is not {partner: [api]}");
    }
    return { revocations: list as RevocationList, partnerNames: value.partnerNames, ...(access === undefined ? {} : { access: access as PartnerAccess }) };
}
