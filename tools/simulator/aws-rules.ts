// What AWS and the AWS provider refuse or replace, for the resource types the program declares:
// the inputs they validate and the inputs whose change makes a new resource. The mocks and the
// stand-in aws provider both apply them, so that a test meets AWS's refusal where AWS would give it.
// Each rule names its source: an AWS page, or a terraform-provider-aws (TPA) file, which
// pulumi-aws 7 bridges (internal/service/<service>/<file>.go, v6 copies).
import { resourceTypes as types } from "../../core/resource-types";
import { parameterValueLimits } from "../../core/usage/keys";
import type { Props } from "./aws";

/** AWS, or the provider before it calls AWS, refuses a resource's inputs; the message says what and where. */
export class AwsRefusal extends Error {
    constructor(type: string, name: string, message: string) {
        super(`${type} ${name}: ${message}`);
        this.name = "AwsRefusal";
    }
}

/**
 * The inputs whose change replaces the resource (ForceNew in the provider's schema), by type, as
 * Pulumi names them. A type not listed is updated in place, whatever changes.
 */
export const replacementProperties: Readonly<Record<string, readonly string[]>> = {
    // account.go (v6, framework): no RequiresReplace.
    [types.apigatewayAccount]: [],
    // api_key.go: value.
    [types.apigatewayApiKey]: ["value"],
    // authorizer.go: rest_api_id (and type to or from COGNITO_USER_POOLS, which the program never uses).
    [types.apigatewayAuthorizer]: ["restApi"],
    // base_path_mapping.go: domain_name only; api_id, base_path and stage_name are PATCHed.
    [types.apigatewayBasePathMapping]: ["domainName"],
    // deployment.go: rest_api_id, triggers, variables.
    [types.apigatewayDeployment]: ["restApi", "triggers", "variables"],
    // domain_name.go (v6): domain_name and an imported certificate; the truststore URI and version are PATCHed.
    [types.apigatewayDomainName]: ["domainName", "certificateBody", "certificateChain", "certificatePrivateKey"],
    // method.go: http_method, resource_id, rest_api_id.
    [types.apigatewayMethod]: ["httpMethod", "resourceId", "restApi"],
    // method_settings.go: method_path, rest_api_id, stage_name.
    [types.apigatewayMethodSettings]: ["methodPath", "restApi", "stageName"],
    // request_validator.go: rest_api_id.
    [types.apigatewayRequestValidator]: ["restApi"],
    // resource.go: rest_api_id (parent_id and path_part are PATCHed).
    [types.apigatewayResource]: ["restApi"],
    // stage.go: rest_api_id, stage_name.
    [types.apigatewayStage]: ["restApi", "stageName"],
    // usage_plan.go: nothing; name, stages, throttle and quota are PATCHed on the same plan.
    [types.apigatewayUsagePlan]: [],
    // usage_plan_key.go: every input (it has no Update).
    [types.apigatewayUsagePlanKey]: ["keyId", "keyType", "usagePlanId"],
    // log_group.go: name, name_prefix, log_group_class.
    [types.cloudwatchLogGroup]: ["name", "namePrefix", "logGroupClass"],
    // bucket_versioning.go: bucket, expected_bucket_owner.
    [types.s3BucketVersioning]: ["bucket", "expectedBucketOwner"],
    // object.go: bucket, key.
    [types.s3BucketObjectv2]: ["bucket", "key"],
    // parameter.go: name, data_type (and tier Advanced to Standard: see `replacedBy`).
    [types.ssmParameter]: ["name", "dataType"],
};

/** The replaced-by-change inputs that differ between old outputs and new inputs, including the provider's CustomizeDiff rules. */
export function replacedBy(type: string, changed: readonly string[], olds: Props, news: Props): string[] {
    const replaces = changed.filter((key) => (replacementProperties[type] ?? []).includes(key));
    // parameter.go CustomizeDiff: ForceNewIfChange tier Advanced -> Standard ("You can't downgrade a parameter").
    if (type === types.ssmParameter && olds.tier === "Advanced" && news.tier === "Standard" && !replaces.includes("tier")) {
        replaces.push("tier");
    }
    return replaces;
}

/** Parameter Store's value limits per tier (`parameterValueLimits`); Intelligent-Tiering goes up to Advanced. */
const ssmValueLimits: Readonly<Record<string, number>> = { ...parameterValueLimits, "Intelligent-Tiering": parameterValueLimits.Advanced };

/** log_group.go retention_in_days IntInSlice (PutRetentionPolicy's values). */
export const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Runtimes Lambda creates functions with (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html);
 * nodejs20.x was deprecated on 2026-04-30, and a deprecated runtime's creates are blocked after.
 */
export const lambdaRuntimes = [
    "nodejs22.x", "nodejs24.x", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
    "java11", "java17", "java21", "java25", "dotnet8", "dotnet10", "ruby3.3", "ruby3.4", "provided.al2", "provided.al2023",
];

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields a metric filter pattern names (`$.partner`), for its dimensions to take values from. */
function patternFields(pattern: string): Set<string> {
    return new Set([...pattern.matchAll(/\$\.([A-Za-z0-9_.]+)/g)].map((m) => m[1]));
}

/**
 * Checks a resource's inputs as AWS or the provider would before anything is made; throws an
 * `AwsRefusal` on the first input they refuse. Inputs not yet known are not checked.
 */
export function validateInputs(type: string, name: string, inputs: Props): void {
    const refuse = (message: string): never => {
        throw new AwsRefusal(type, name, message);
    };
    const text = (value: unknown): value is string => typeof value === "string";
    switch (type) {
        case types.ssmParameter: {
            const parameterName = inputs.name;
            // PutParameter's naming constraints (docs.rs aws-sdk-ssm PutParameterInput, from AWS's API reference);
            // parameter.go: name StringLenBetween(1, 2048).
            if (text(parameterName)) {
                if (parameterName.length < 1 || parameterName.length > 2048) {
                    refuse(`name is ${parameterName.length} characters; Parameter Store takes 1 to 2048`);
                }
                if (!/^[a-zA-Z0-9_.\-/]+$/.test(parameterName)) {
                    refuse(`name ${JSON.stringify(parameterName)} has a character outside a-zA-Z0-9_.-/`);
                }
                if (/^\/?(aws|ssm)/i.test(parameterName)) {
                    refuse(`name ${JSON.stringify(parameterName)} begins with "aws" or "ssm", which Parameter Store reserves`);
                }
            }
            const tier = text(inputs.tier) ? inputs.tier : "Standard";
            const limit = ssmValueLimits[tier] ?? refuse(`tier ${JSON.stringify(tier)} is not Standard, Advanced or Intelligent-Tiering`);
            // "Standard tier parameters support a maximum parameter value of 4096 characters" (AWS's ValidationException).
            if (text(inputs.value) && inputs.value.length > limit) {
                refuse(`value is ${inputs.value.length} characters; the ${tier} tier holds at most ${limit}`);
            }
            return;
        }
        case types.apigatewayDomainName: {
            const tls = inputs.mutualTlsAuthentication;
            if (isRecord(tls)) {
                // "truststoreUri: An Amazon S3 URL that specifies the truststore ... s3://bucket-name/key-name"
                // (API Gateway's MutualTlsAuthenticationInput).
                if (text(tls.truststoreUri) && !/^s3:\/\/[^/]+\/.+$/.test(tls.truststoreUri)) {
                    refuse(`mutualTlsAuthentication.truststoreUri ${JSON.stringify(tls.truststoreUri)} is not s3://<bucket>/<key>`);
                }
                // domain_name.go sends truststoreVersion only when non-empty: "" would leave the domain on
                // whatever version is latest, and the bundle would no longer be pinned.
                if (tls.truststoreVersion !== undefined && (!text(tls.truststoreVersion) || tls.truststoreVersion === "")) {
                    refuse("mutualTlsAuthentication.truststoreVersion is empty; pin a version id of the truststore object");
                }
            }
            return;
        }
        case types.cloudwatchLogGroup: {
            // log_group.go: retention_in_days IntInSlice, name validLogGroupName (1-512 of [.-_/#A-Za-z0-9]).
            if (typeof inputs.retentionInDays === "number" && inputs.retentionInDays !== 0 && !logRetentionDays.includes(inputs.retentionInDays)) {
                refuse(`retentionInDays ${inputs.retentionInDays} is not one of ${logRetentionDays.join(", ")}`);
            }
            if (text(inputs.name) && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(inputs.name)) {
                refuse(`name ${JSON.stringify(inputs.name)} is not 1 to 512 of . - _ / # letters and digits`);
            }
            return;
        }
        case types.cloudwatchMetricAlarm: {
            // metric_alarm.go: period IntInSlice(10, 30) or IntDivisibleBy(60).
            const period = inputs.period;
            if (typeof period === "number" && period !== 10 && period !== 30 && period % 60 !== 0) {
                refuse(`period ${period} is not 10, 30 or a multiple of 60 seconds`);
            }
            if (text(inputs.name) && (inputs.name.length < 1 || inputs.name.length > 255)) {
                refuse(`name is ${inputs.name.length} characters; an alarm name has 1 to 255`);
            }
            return;
        }
        case types.cloudwatchLogMetricFilter: {
            // CloudWatch Logs, "Publishing dimensions with metrics from values in JSON or space-delimited log
            // events": up to three dimensions, each from a field the pattern names, and no default value with them.
            const transformation = inputs.metricTransformation;
            if (isRecord(transformation) && isRecord(transformation.dimensions)) {
                const dimensions = Object.entries(transformation.dimensions);
                if (dimensions.length > 3) {
                    refuse(`metricTransformation has ${dimensions.length} dimensions; a metric filter takes at most 3`);
                }
                const fields = patternFields(text(inputs.pattern) ? inputs.pattern : "");
                for (const [dimension, value] of dimensions) {
                    const field = text(value) ? /^\$\.(.+)$/.exec(value)?.[1] : undefined;
                    if (field === undefined || !fields.has(field)) {
                        refuse(`dimension ${dimension} takes ${JSON.stringify(value)}, not a $.field the pattern names`);
                    }
                }
                if (transformation.defaultValue !== undefined && dimensions.length > 0) {
                    refuse("metricTransformation sets defaultValue and dimensions; CloudWatch Logs takes one or the other");
                }
            }
            return;
        }
        case types.cloudwatchDashboard: {
            // PutDashboard: DashboardName up to 255 of A-Z a-z 0-9 - _; DashboardBody a JSON object whose
            // `widgets` is a list of {type, properties} ("Dashboard Body Structure and Syntax").
            if (text(inputs.dashboardName) && !/^[A-Za-z0-9_-]{1,255}$/.test(inputs.dashboardName)) {
                refuse(`dashboardName ${JSON.stringify(inputs.dashboardName)} is not 1 to 255 of letters, digits, - and _`);
            }
            if (text(inputs.dashboardBody)) {
                let body: unknown;
                try {
                    body = JSON.parse(inputs.dashboardBody);
                } catch {
                    refuse("dashboardBody is not JSON");
                }
                const widgets = isRecord(body) ? body.widgets : undefined;
                if (!Array.isArray(widgets) || !widgets.every((w) => isRecord(w) && text(w.type) && isRecord(w.properties))) {
                    refuse("dashboardBody has no widgets list of {type, properties}");
                }
            }
            return;
        }
        case types.lambdaFunction:
            if (text(inputs.runtime) && !lambdaRuntimes.includes(inputs.runtime)) {
                refuse(`runtime ${inputs.runtime} is not one Lambda creates functions with (${lambdaRuntimes.filter((r) => r.startsWith("nodejs")).join(", ")} for Node.js)`);
            }
            return;
        case types.apigatewayApiKey:
            // api-gateway-api-usage-plans.html: "The name cannot exceed 1024 characters. The value is an
            // alphanumeric string between 20 and 128 characters"; api_key.go value StringLenBetween(20, 128).
            if (text(inputs.name) && inputs.name.length > 1024) {
                refuse(`name is ${inputs.name.length} characters; an API key name has at most 1024`);
            }
            if (text(inputs.value) && !/^[A-Za-z0-9]{20,128}$/.test(inputs.value)) {
                refuse("value is not 20 to 128 letters and digits");
            }
            return;
        case types.apigatewayAuthorizer:
            // authorizer.go: authorizer_result_ttl_in_seconds IntBetween(0, 3600).
            if (typeof inputs.authorizerResultTtlInSeconds === "number" && (inputs.authorizerResultTtlInSeconds < 0 || inputs.authorizerResultTtlInSeconds > 3600)) {
                refuse(`authorizerResultTtlInSeconds ${inputs.authorizerResultTtlInSeconds} is not 0 to 3600`);
            }
            return;
        case types.iamRole:
            // IAM quotas: role names up to 64 characters of letters, digits and +=,.@_-.
            if (text(inputs.name) && !/^[\w+=,.@-]{1,64}$/.test(inputs.name)) {
                refuse(`name ${JSON.stringify(inputs.name)} is not 1 to 64 of letters, digits and +=,.@_-`);
            }
            return;
        default:
            return;
    }
}
