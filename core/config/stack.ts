// The stack's config as one typed value: every key checked, in one place, before the first
// resource is declared. The partners and revocation keys have modules of their own.
import { closestName } from "./closest";
import { AlarmConfigError, AlarmSettings, parseAlarmSettings } from "../monitoring/alarms";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import {
    booleanSetting, ConfigEnvironment, ConfigError, optionalSetting, positiveInteger, positiveNumber, RawConfig, requireString, setting,
    stringSetting, wholeNumber,
} from "./values";
import { keyRefusal, KeyShape } from "../x509/key-rules";
import { ApiConfig, parseApis } from "./apis";
import { parsePartners, Partner } from "./partners";
import { configDefaults, configKeys } from "./keys";
import { checkEach } from "./problems";
import { CrlFile, parseRevokedSerials, readCrlFile, RevokedSerial } from "./revocation";
import { PartnerLimits, parseUsageLimits, UsageLimitError, UsageLimits } from "../usage/limits";

// The config's types and errors, where callers of parseConfig look for them.
export { ConfigError } from "./values";
export type { ConfigEnvironment, RawConfig } from "./values";
export type { CsrPartner, ExternalPartner, GeneratedPartner, IssuedPartner, Partner } from "./partners";
export type { ApiConfig, CreatedApiConfig, ExternalApiConfig } from "./apis";
export type { CrlFile, RevokedSerial } from "./revocation";

/** Key algorithms API Gateway accepts in a truststore, as our config spells them. */
export const keyAlgorithms = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"] as const;
export type KeyAlgorithm = (typeof keyAlgorithms)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The validated configuration of one stack. */
export interface StackConfig {
    readonly region: string;
    readonly domainName: string;
    readonly hostedZoneId: string;
    readonly certificateArn?: string;
    readonly ownershipVerificationCertificateArn?: string;
    readonly dualStack: boolean;
    /** Base path of the sample API when `apis` is unset. */
    readonly basePath: string;
    /** The stage of every API the stack creates. */
    readonly stageName: string;
    /** The APIs behind the domain, in config order (the sample API alone when `apis` is unset). */
    readonly apis: readonly ApiConfig[];
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
    /** The stack's `throttle` and `quota`: what a partner without its own gets. */
    readonly usageDefaults: UsageLimits;
    /** Each partner's throttle and quota (its own, or the stack's), in the order of `partners`. */
    readonly partnerLimits: readonly PartnerLimits[];
    /** Where the stage's alarms go and when they fire: `alarmTopicArn`, `alarmEmail`, `alarmThresholds`. */
    readonly alarms: AlarmSettings;
}

// The keys and their defaults are core/config/keys.ts's table, where each is written once.
export { configDefaults, configKeys } from "./keys";

const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const hostedZoneId = /^Z[0-9A-Z]{1,32}$/;
const acmArn = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;
const iamRoleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const fileSystem: ConfigEnvironment = {
    projectDir: process.cwd(),
    readFile: (file) => fs.readFileSync(file, "utf8"),
};

/**
 * Validates raw stack config and returns it typed, with defaults applied, before any resource
 * is declared. Every key is checked whatever the others hold, so that a stack file with several
 * mistakes gets them all in one run: the `ConfigError` lists each problem on a line of its own.
 * A check across keys (a partner certificate outliving its CA) runs once the keys it reads are valid.
 */
export function parseConfig(given: RawConfig, region: string | undefined, env: ConfigEnvironment = fileSystem): StackConfig {
    const raw: RawConfig = Object.fromEntries(configKeys.map((key) => [key, given[key] ?? configDefaults[key]]));
    const checked = checkEach(ConfigError, {
        region: () => {
            if (!region) {
                throw new ConfigError("aws:region is not set; run `pulumi config set aws:region eu-west-1` (or your region)");
            }
            return region;
        },
        domainName: () => parseDomainName(raw),
        hostedZoneId: () => {
            const zone = requireString(raw, "hostedZoneId", "Z0123456789ABCDEFGHIJ");
            if (!hostedZoneId.test(zone)) {
                throw new ConfigError(`hostedZoneId "${zone}" is not a Route 53 hosted zone id; use the id (Z followed by letters and digits) from \`aws route53 list-hosted-zones\`, not the zone name`);
            }
            return zone;
        },
        certificateArn: () => parseCertificateArn(raw, region),
        ownershipVerificationCertificateArn: () => {
            const ownershipArn = optionalSetting(raw, "ownershipVerificationCertificateArn");
            if (ownershipArn !== undefined && !acmArn.test(ownershipArn)) {
                const domainName = raw.domainName?.trim().toLowerCase() || "domainName";
                throw new ConfigError(`ownershipVerificationCertificateArn "${ownershipArn}" is not an ACM certificate ARN; set it to a public ACM certificate for ${domainName}`);
            }
            return ownershipArn;
        },
        cloudwatchRoleArn: () => {
            const cloudwatchRoleArn = optionalSetting(raw, "cloudwatchRoleArn");
            if (cloudwatchRoleArn !== undefined && !iamRoleArn.test(cloudwatchRoleArn)) {
                throw new ConfigError(`cloudwatchRoleArn "${cloudwatchRoleArn}" is not an IAM role ARN; set it to arn:aws:iam::<account>:role/<name>, or remove it to have the stack create the role`);
            }
            return cloudwatchRoleArn;
        },
        dualStack: () => booleanSetting(raw, "dualStack"),
        basePath: () => {
            const basePath = stringSetting(raw, "basePath");
            if (!/^[A-Za-z0-9._-]{1,128}$/.test(basePath)) {
                throw new ConfigError(`basePath "${basePath}" must be one path segment of letters, digits, '.', '_' or '-', such as c360`);
            }
            return basePath;
        },
        stageName: () => {
            const stageName = stringSetting(raw, "stageName");
            if (!/^[A-Za-z0-9_-]{1,128}$/.test(stageName)) {
                throw new ConfigError(`stageName "${stageName}" must be letters, digits, '_' or '-', such as v1`);
            }
            return stageName;
        },
        organization: () => stringSetting(raw, "organization"),
        keyAlgorithm: () => parseKeyAlgorithm(setting(raw, "keyAlgorithm")),
        validity: () => parseValidity(raw),
        partners: () => parseApisAndPartners(raw, env),
        retainTruststoreOnDelete: () => booleanSetting(raw, "retainTruststoreOnDelete"),
        logRetentionDays: () => {
            const retention = positiveInteger(raw, "logRetentionDays");
            if (!logRetentionDays.includes(retention)) {
                throw new ConfigError(`logRetentionDays ${retention} is not a CloudWatch Logs retention; use one of ${logRetentionDays.join(", ")}`);
            }
            return retention;
        },
        revokedSerials: () => parseRevokedSerials(setting(raw, "revokedSerials")),
        crl: () => {
            const crlFile = optionalSetting(raw, "crlFile");
            return crlFile === undefined ? undefined : readCrlFile(crlFile, env);
        },
        authorizerCacheSeconds: () => {
            const seconds = wholeNumber(raw, "authorizerCacheSeconds");
            if (seconds > 3600) {
                throw new ConfigError(`authorizerCacheSeconds ${seconds} is too long for a revocation to wait; set it between 0 (no cache) and 3600`);
            }
            return seconds;
        },
        expiryWarningDays: () => positiveInteger(raw, "expiryWarningDays"),
        generations: () => parseCaGenerations(raw),
        alarms: () => parseAlarms(raw),
    });
    const { validity, generations, partners, ...settings } = checked;
    return { ...settings, ...validity, ...generations, ...partners };
}

function parseDomainName(raw: RawConfig): string {
    const domainName = requireString(raw, "domainName", "api.dev.example.com").toLowerCase();
    if (!dnsName.test(domainName)) {
        throw new ConfigError(`domainName "${domainName}" is not a DNS name; set it to the partners' host name, such as api.dev.example.com`);
    }
    return domainName;
}

/** `certificateArn`; its region is compared with the stack's when that is set. */
function parseCertificateArn(raw: RawConfig, region: string | undefined): string | undefined {
    const certificateArn = optionalSetting(raw, "certificateArn");
    if (certificateArn === undefined) {
        return undefined;
    }
    const match = acmArn.exec(certificateArn);
    if (!match) {
        throw new ConfigError(`certificateArn "${certificateArn}" is not an ACM certificate ARN; set it to arn:aws:acm:<region>:<account>:certificate/<id>, or remove it to have the stack request one`);
    }
    if (region && match[1] !== region) {
        throw new ConfigError(`certificateArn "${certificateArn}" is in ${match[1]} but the stack deploys to ${region}; a Regional domain needs an ACM certificate in its own region`);
    }
    return certificateArn;
}

/** The CA's and the partners' lives, each checked, then one against the other. */
function parseValidity(raw: RawConfig): { intermediateCa: boolean; caValidityDays: number; partnerValidityDays: number } {
    const { intermediateCa, caValidityDays, partnerValidityDays } = checkEach(ConfigError, {
        intermediateCa: () => booleanSetting(raw, "intermediateCa"),
        caValidityDays: () => positiveInteger(raw, "caValidityDays"),
        partnerValidityDays: () => positiveInteger(raw, "partnerValidityDays"),
    });
    const issuingCaDays = issuingCaValidityDays(caValidityDays, intermediateCa);
    if (issuingCaDays < 1) {
        throw new ConfigError(`caValidityDays ${caValidityDays} leaves no room for the intermediate CA, which ends a day before the root; set it to 2 or more`);
    }
    if (partnerValidityDays >= issuingCaDays) {
        throw new ConfigError(`partnerValidityDays ${partnerValidityDays} must end before the CA that issues it, which lives ${issuingCaDays} days; set it below ${issuingCaDays} or raise caValidityDays`);
    }
    return { intermediateCa, caValidityDays, partnerValidityDays };
}

/** The alarms' topic, e-mail and thresholds. */
function parseAlarms(raw: RawConfig): AlarmSettings {
    try {
        return parseAlarmSettings({ alarmTopicArn: setting(raw, "alarmTopicArn"), alarmEmail: setting(raw, "alarmEmail"), alarmThresholds: setting(raw, "alarmThresholds") });
    } catch (error) {
        throw error instanceof AlarmConfigError ? new ConfigError(error.message) : error;
    }
}

/**
 * The partners, the stack's `throttle` and `quota`, and every partner's, its own over the stack's.
 * A partner's own limits are read once every partner is valid: a partner list that parsePartners
 * refuses would otherwise be refused again, in other words, by the limits' parser.
 */
function parseApisAndPartners(raw: RawConfig, env: ConfigEnvironment): { apis: ApiConfig[]; partners: Partner[]; usageDefaults: UsageLimits; partnerLimits: PartnerLimits[] } {
    // The sample API's base path is checked as basePath; partners' access names the APIs.
    const apis = parseApis(setting(raw, "apis"), stringSetting(raw, "basePath"), env);
    const { partners } = checkEach(ConfigError, {
        partners: () => parsePartners(setting(raw, "partners"), env, apis.map((api) => api.name)),
        defaults: () => parseStackLimits(raw, "{}"),
    });
    const usage = parseStackLimits(raw, setting(raw, "partners"));
    return { apis, partners, usageDefaults: usage.defaults, partnerLimits: usage.partners };
}

/** The stack's `throttle` and `quota`, and the limits of each of `partners` (JSON). */
function parseStackLimits(raw: RawConfig, partners: string): { defaults: UsageLimits; partners: PartnerLimits[] } {
    try {
        return parseUsageLimits({ throttle: setting(raw, "throttle"), quota: setting(raw, "quota"), partners });
    } catch (error) {
        throw error instanceof UsageLimitError ? new ConfigError(error.message) : error;
    }
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

/**
 * The stack's config from Pulumi (`pulumi.Config()` of the project), checked by `parseConfig`:
 * keys the program does not read and values that cannot work, all in one `ConfigError`.
 */
export function readStackConfig(config: pulumi.Config, region: string | undefined, env: ConfigEnvironment = fileSystem): StackConfig {
    return checkEach(ConfigError, {
        known: () => refuseUnknownKeys(config),
        stack: () => parseConfig(rawConfigOf(config), region, env),
    }).stack;
}

/**
 * Reads the project's keys from Pulumi config as raw strings, for `parseConfig`. A key of the
 * project's namespace that the program does not read (a typo, say) is a `ConfigError`: ignored,
 * it would leave its key at the default.
 */
export function readRawConfig(config: pulumi.Config): RawConfig {
    refuseUnknownKeys(config);
    return rawConfigOf(config);
}

function rawConfigOf(config: pulumi.Config): RawConfig {
    return Object.fromEntries(configKeys.map((key) => [key, config.get(key)]));
}

/** Refuses every key of the project's namespace that the program does not read, one a line. */
function refuseUnknownKeys(config: pulumi.Config): void {
    const prefix = `${config.name}:`;
    const known: readonly string[] = configKeys;
    const unknown = Object.keys(pulumi.runtime.allConfig())
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort()
        .filter((key) => !known.includes(key));
    if (unknown.length > 0) {
        throw new ConfigError(unknown.map((key) =>
            `${prefix}${key} is not a key this program reads (the closest is ${closestName(key, configKeys)}); rename it in Pulumi.${pulumi.getStack()}.yaml, or remove it with \`pulumi config rm ${key}\``).join("\n"));
    }
}
