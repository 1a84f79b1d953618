// Where the stage's alarms go and when they fire: `alarmTopicArn`, `alarmEmail` and
// `alarmThresholds` as Pulumi config hands them over (strings, "" for unset), checked at config
// time so that a bad value fails before the first resource is declared.
import { projectName } from "../config/keys";
import { checkEach, checkEvery } from "../config/problems";

/** When each alarm of the stage fires. */
export interface AlarmThresholds {
    /** 5XXError answers in 5 minutes (Sum) at which the server-error alarm fires. A whole number from 1. */
    readonly serverErrors: number;
    /** Share of answers that are 4XX (4XXError Average), over 5 minutes, above which the client-error alarm fires when it holds for 3 periods in a row. Above 0, at most 1. */
    readonly clientErrorRate: number;
    /** p99 of Latency in milliseconds, over 5 minutes, above which the latency alarm fires when it holds for 3 periods in a row. */
    readonly latencyP99Ms: number;
    /** Errors of the authorizer function in 5 minutes (Sum) at which the authorizer alarm fires. A whole number from 1. */
    readonly authorizerErrors: number;
}

/** What the monitoring of a stack needs from config. */
export interface AlarmSettings {
    /** An existing SNS topic the alarms notify; undefined: the stack creates its own. */
    readonly topicArn?: string;
    /** An address subscribed (protocol email) to the alarms' topic; undefined: none. */
    readonly email?: string;
    readonly thresholds: AlarmThresholds;
}

/** The raw values as Pulumi config holds them: strings, "" or undefined for unset; `alarmThresholds` is JSON text. */
export interface RawAlarmConfig {
    readonly alarmTopicArn?: string;
    readonly alarmEmail?: string;
    readonly alarmThresholds?: string;
}

/** A value that cannot work; the one-line message names the config key, the value and the fix. */
export class AlarmConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AlarmConfigError";
    }
}

// Five in five minutes: a lone 5XX (a cold start that met a timeout, a retried deploy) is noise
// that nobody can act on; five is a pattern, and still few enough that the first partner to
// notice is not the one who tells us.
/** Default: 5 server errors in 5 minutes. */
export const defaultServerErrors = 5;
// 4XX answers are partly the partners' own (404 for a customer that does not exist), so the alarm
// watches a share, not a count: 5% for 15 minutes in a row is a partner whose certificate was
// revoked or expired (403), that runs past its limits (429) or calls a path that is gone.
/** Default: 5% of answers are 4XX, for 3 periods of 5 minutes. */
export const defaultClientErrorRate = 0.05;
// API Gateway gives up on an integration after 29 s, and the customer function after its own 10 s;
// a GET of one customer record should take well under a second. Two seconds at p99 leaves room
// for a Lambda cold start (bundling keeps it near one second) and calls out a backend that slows.
/** Default: p99 latency of 2,000 ms, for 3 periods of 5 minutes. */
export const defaultLatencyP99Ms = 2000;
// The authorizer should never fail: when it throws or times out, API Gateway answers the partner
// 500 whatever its certificate, so a single error is worth a look.
/** Default: 1 authorizer error in 5 minutes. */
export const defaultAuthorizerErrors = 1;

export const defaultAlarmThresholds: AlarmThresholds = {
    serverErrors: defaultServerErrors,
    clientErrorRate: defaultClientErrorRate,
    latencyP99Ms: defaultLatencyP99Ms,
    authorizerErrors: defaultAuthorizerErrors,
};

const thresholdFields = Object.keys(defaultAlarmThresholds) as (keyof AlarmThresholds)[];

// arn:<partition>:sns:<region>:<account>:<name>; topic names are 1 to 256 of A-Z, a-z, 0-9, - and _
// (a FIFO topic ends in .fifo).
const snsTopicArn = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
// What SNS needs to deliver: one @, a domain with a dot, no spaces. SNS itself sends the
// confirmation that proves the address.
const emailAddress = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads `alarmTopicArn`, `alarmEmail` and `alarmThresholds` from raw config values; an omitted
 * threshold takes its default (`defaultAlarmThresholds`). Throws `AlarmConfigError` listing every
 * value that cannot work, one a line.
 */
export function parseAlarmSettings(raw: RawAlarmConfig): AlarmSettings {
    const { topicArn, email, thresholds } = checkEach(AlarmConfigError, {
        topicArn: () => {
            const topicArn = given(raw.alarmTopicArn);
            if (topicArn !== undefined && !snsTopicArn.test(topicArn)) {
                throw new AlarmConfigError(`${keyOf("alarmTopicArn")} is ${show(raw.alarmTopicArn)}, not an SNS topic ARN; ` +
                    'set it to arn:<partition>:sns:<region>:<account>:<name>, such as arn:aws:sns:eu-west-1:123456789012:ops-alarms, or to "" for a topic of the stack');
            }
            return topicArn;
        },
        email: () => {
            const email = given(raw.alarmEmail);
            if (email !== undefined && !emailAddress.test(email)) {
                throw new AlarmConfigError(`${keyOf("alarmEmail")} is ${show(raw.alarmEmail)}, not an e-mail address; ` +
                    'set it to the address that gets the alarms, such as ops@example.com, or to "" for none');
            }
            return email;
        },
        thresholds: () => parseThresholds(raw.alarmThresholds),
    });
    return {
        ...(topicArn === undefined ? {} : { topicArn }),
        ...(email === undefined ? {} : { email }),
        thresholds,
    };
}

function parseThresholds(raw: string | undefined): AlarmThresholds {
    const text = given(raw);
    if (text === undefined) {
        return defaultAlarmThresholds;
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new AlarmConfigError(`${keyOf("alarmThresholds")} is ${show(text)}, not a mapping; write it in the stack file as YAML under ${keyOf("alarmThresholds")}, such as {serverErrors: 5, clientErrorRate: 0.05}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new AlarmConfigError(`${keyOf("alarmThresholds")} is ${show(value)}, not a mapping; write it as {serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors}, each optional`);
    }
    const fields = value as Record<string, unknown>;
    const stranger = Object.keys(fields).find(field => !(thresholdFields as string[]).includes(field));
    if (stranger !== undefined) {
        throw new AlarmConfigError(`${keyOf(`alarmThresholds.${stranger}`)} is not a threshold; rename it to one of ${thresholdFields.join(", ")}, or remove it`);
    }
    const set = checkEvery(AlarmConfigError, thresholdFields.filter((field) => fields[field] !== undefined), (field) => {
        const value = number(fields[field], field);
        const wrong = thresholdChecks[field](value);
        if (wrong !== undefined) {
            throw new AlarmConfigError(`${keyOf(`alarmThresholds.${field}`)} is ${show(fields[field])}, ${wrong}`);
        }
        return [field, value] as const;
    });
    return { ...defaultAlarmThresholds, ...Object.fromEntries(set) };
}

/** Whether a threshold can work: undefined when it can, else what is wrong and the fix. */
const thresholdChecks: Readonly<Record<keyof AlarmThresholds, (value: number) => string | undefined>> = {
    serverErrors: (value) => errorCount(value, defaultServerErrors),
    clientErrorRate: (value) => value > 0 && value <= 1 ? undefined
        : `not a share of answers; set it above 0 and at most 1, such as ${defaultClientErrorRate} for 5% (it is the 4XXError Average, not a percentage)`,
    latencyP99Ms: (value) => value > 0 ? undefined : `not a positive number; set it to milliseconds above 0, such as ${defaultLatencyP99Ms}`,
    authorizerErrors: (value) => errorCount(value, defaultAuthorizerErrors),
};

function errorCount(value: number, example: number): string | undefined {
    return Number.isInteger(value) && value >= 1 ? undefined
        : `not a positive whole number; set it to a count of errors in 5 minutes, 1 or more, such as ${example}`;
}

/** The value without surrounding blanks; undefined for "" (unset) and for no value. */
function given(value: string | undefined): string | undefined {
    const text = value?.trim();
    return text === undefined || text === "" ? undefined : text;
}

/** A finite number, or a string of one (Pulumi keeps `config set --path` scalars as strings). */
function number(value: unknown, field: keyof AlarmThresholds): number {
    const parsed = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof parsed !== "number" || !Number.isFinite(parsed)) {
        throw new AlarmConfigError(`${keyOf(`alarmThresholds.${field}`)} is ${show(value)}, not a number; set it to a number, such as ${defaultAlarmThresholds[field]}`);
    }
    return parsed;
}

function keyOf(key: string): string {
    return `${projectName}:${key}`;
}

function show(value: unknown): string {
    return value === undefined ? "omitted" : JSON.stringify(value);
}
