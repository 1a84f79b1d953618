// Every config key of the project, written once: its type, default and description, in
// Pulumi.yaml's order. Pulumi.yaml's `config:` says exactly the same (test/core/config/keys.spec.ts
// compares them key by key), and the program's defaults, the authorizer's and its component's come
// from here, as does the docs' configuration table (checked by a spec).
// Why a table in code and not Pulumi.yaml read at run time: the program, the Lambda bundle (esbuild
// packs one file; no Pulumi.yaml travels with it) and compiled copies elsewhere (the benchmark) all
// get their defaults without finding or parsing a file, nothing reads a file at import, and tsc
// checks the defaults' types. Pulumi.yaml must still declare them: the CLI fills in its defaults
// and refuses a stack that leaves out a required key before the program runs.
// Pure: the authorizer's Lambda bundle imports it.

/** The Pulumi project's name, which is also its config namespace (`apigw-mtls:domainName`). */
export const projectName = "apigw-mtls";

/** A key's declaration, as Pulumi.yaml's `config:` writes it. */
export interface KeyDeclaration {
    /** Pulumi.yaml's `type`; none for structured keys (lists and maps of objects), which the CLI would refuse typed as `object` in older versions. */
    readonly type?: "string" | "integer" | "boolean" | "array";
    /** An array's item type. */
    readonly items?: { readonly type: "integer" };
    /** Used when the stack does not set the key; none: every stack must set it. "" means unset. */
    readonly default?: unknown;
    readonly description: string;
    /** False for a key Pulumi.yaml cannot declare: its default is no value a YAML file can hold. Default: true. */
    readonly inPulumiYaml?: false;
}

export const configDeclarations = {
    domainName: {
        type: "string",
        description: "Host name partners call, such as api.dev.example.com (required).",
    },
    hostedZoneId: {
        type: "string",
        description: "Route 53 hosted zone id (Z...) that holds domainName (required).",
    },
    certificateArn: {
        type: "string",
        default: "",
        description: "ACM certificate for domainName in the stack's region. Unset, the stack requests one and validates it through DNS.",
    },
    ownershipVerificationCertificateArn: {
        type: "string",
        default: "",
        description: "Public ACM certificate proving ownership of domainName; needed when certificateArn is imported into ACM or issued by AWS Private CA.",
    },
    dualStack: {
        type: "boolean",
        default: false,
        description: "Serve IPv6 too (dual-stack domain and an AAAA alias).",
    },
    basePath: {
        type: "string",
        default: "c360",
        description: "First path segment of the sample customer API on the domain, when apis is unset.",
    },
    stageName: {
        type: "string",
        default: "v1",
        description: "Name of the stage of every API the stack creates, mapped onto the domain.",
    },
    organization: {
        type: "string",
        default: projectName,
        description: "Organization (O) in the generated CA certificates.",
    },
    keyAlgorithm: {
        type: "string",
        default: "ECDSA-P256",
        description: "Key algorithm of the generated PKI, one of ECDSA-P256, ECDSA-P384, RSA-2048, RSA-3072, RSA-4096.",
    },
    intermediateCa: {
        type: "boolean",
        default: true,
        description: "Issue partner certificates from an intermediate CA below the root.",
    },
    caValidityDays: {
        type: "integer",
        default: 1825,
        description: "Life of the root CA in days; the intermediate ends one day earlier.",
    },
    partnerValidityDays: {
        type: "integer",
        default: 365,
        description: "Life of each generated partner certificate in days; shorter than the issuing CA.",
    },
    partners: {
        default: {},
        description: "Partners, a map keyed by partner name (pulumi config rm --path 'partners.<name>' offboards exactly one): {commonName?, organization?, generation?} for a generated key and certificate (bump generation to issue new ones), {csrFile, generation?} for a partner that sends a certificate request and keeps its key (PEM path relative to the project; bump generation for a new certificate), or {caCertFile} for a partner that brings its own CA (PEM path relative to the project). Any partner may set access (the names of the APIs it may call; unset, every API), and throttle and quota of its own.",
    },
    apis: {
        default: {},
        description: "REST APIs behind the domain, a map keyed by API name: {basePath, openApiFile} for an API this stack creates from an OpenAPI 3.0 file (YAML or JSON, relative to the project), or {basePath, restApiId, stageName} for an API another stack deploys in the same account and region; either with localUrl, the http(s) URL on this machine that local mode sends the API's calls to. Unset, the sample customer API (apis/customer.yaml) at basePath.",
    },
    retainTruststoreOnDelete: {
        type: "boolean",
        default: false,
        description: "Keep the truststore bucket and its versions when the stack is destroyed.",
    },
    cloudwatchRoleArn: {
        type: "string",
        default: "",
        description: "Existing IAM role API Gateway writes logs with. Unset, the stack creates one and sets it on the account.",
    },
    logRetentionDays: {
        type: "integer",
        default: 30,
        description: "Days to keep access and function logs (a CloudWatch Logs retention value).",
    },
    revokedSerials: {
        default: [],
        description: "Client certificates the authorizer denies: a list of {serial, reason}; serial in hex as a quoted string (colons, case and leading zeros do not matter; a leading - for a negative serial), reason up to 100 characters.",
    },
    crlFile: {
        type: "string",
        default: "",
        description: "PEM file of CRLs from CAs in the truststore (relative to the project); verified against the issuing CA, uploaded beside the truststore, and its serials denied.",
    },
    authorizerCacheSeconds: {
        type: "integer",
        default: 60,
        description: "Seconds the authorizer reuses a decision for the same serial in one function instance (0 to 3600; 0 turns the cache off).",
    },
    expiryWarningDays: {
        type: "integer",
        default: 30,
        description: "Warn during pulumi up when a truststore CA or a partner certificate expires within this many days.",
    },
    caGenerations: {
        type: "array",
        items: { type: "integer" },
        default: [1],
        description: "Generations of the generated CA whose chains the truststore holds; two while a CA is rotated, such as [1, 2]. Unset, [1].",
    },
    // Per-partner limits, API Gateway's usage plans: a token bucket (`throttle`) and a counter per
    // period (`quota`). The account's own limit, shared by every API of the account in the region,
    // is 10,000 requests per second with a 5,000-request bucket (2,500 and 1,250 in newer regions):
    // 50/s keeps one partner in a loop from taking what the others need (fifty partners at full rate
    // fit inside the smaller regional limit), and a burst of twice the rate lets a batch that starts
    // all at once through, not a second-long flood. The quota is a circuit breaker, not a budget:
    // about 1.2 requests a second all day, and a client stuck at 50/s meets it in some 33 minutes.
    throttle: {
        default: { rateLimit: 50, burstLimit: 100 },
        description: "Each partner's default throttle, a usage plan's throttleSettings: {rateLimit, burstLimit}, rateLimit in requests per second (fractions allowed, above 0), burstLimit in requests (a whole number, at least rateLimit). A partner's own partners.<name>.throttle replaces it.",
    },
    quota: {
        default: { limit: 100_000, period: "DAY" },
        description: "Each partner's default quota, a usage plan's quotaSettings: {limit, period}, limit in requests per period (a whole number from 1), period DAY, WEEK or MONTH; offset is not taken. A partner's own partners.<name>.quota replaces it.",
    },
    alarmTopicArn: {
        type: "string",
        default: "",
        description: "Existing SNS topic (arn:<partition>:sns:<region>:<account>:<name>) the stage's alarms notify. Unset, the stack creates one.",
    },
    alarmEmail: {
        type: "string",
        default: "",
        description: "E-mail address subscribed to the alarms' topic; nothing arrives until its owner follows SNS's confirmation link.",
    },
    alarmThresholds: {
        default: {},
        description: "Alarm thresholds {serverErrors, clientErrorRate, latencyP99Ms, authorizerErrors}, each optional: 5XX answers in 5 minutes (5), share of 4XX answers held for 15 minutes (0.05), p99 latency in ms held for 15 minutes (2000), authorizer errors in 5 minutes (1).",
    },
    activeCaGeneration: {
        type: "integer",
        description: "The CA generation that issues partner certificates; one of caGenerations. Unset, the highest.",
        // Its default, the highest of caGenerations, depends on another key.
        inPulumiYaml: false,
    },
} as const satisfies Readonly<Record<string, KeyDeclaration>>;

export type ConfigKey = keyof typeof configDeclarations;

/** Every key the program reads, without the namespace, in the table's order. */
export const configKeys = Object.keys(configDeclarations) as readonly ConfigKey[];

/** A default as the CLI hands it to the program: scalars as their text, lists and maps as JSON. */
function storedDefault(value: unknown): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/** Each key's default as the CLI hands it over for a stack that does not set it; undefined: no default. */
export const configDefaults: Readonly<Record<string, string | undefined>> = Object.fromEntries(
    Object.entries(configDeclarations).map(([key, declaration]: [string, KeyDeclaration]) => [key, storedDefault(declaration.default)]),
);
