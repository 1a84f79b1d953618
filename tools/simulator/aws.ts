import * as crypto from "node:crypto";
import { resourceTypes as types } from "../../core/resource-types";

/**
 * AWS resources under mocks: each echoes its inputs plus the outputs AWS would add (ids,
 * ARNs, auto-names, object versions), plausible in form and stable for the same inputs. The
 * stand-in aws provider for the real engine (tools/engine/providers/aws.ts) computes them here too.
 */

/** A resource's properties as the engine passes them (plain JSON), with those the mocks read. */
export interface Props {
    [property: string]: unknown;
    bucket?: string;
    key?: string;
    content?: string;
    contentBase64?: string;
    /** An asset: the SDK serializes it with its hash. */
    source?: { hash?: string };
    versionId?: string;
    name?: string;
    region?: string;
    restApi?: string;
    stageName?: string;
    domainName?: string;
    basePath?: string;
    resourceId?: string;
    httpMethod?: string;
    methodPath?: string;
    role?: string;
    statementId?: string;
    zoneId?: string;
    type?: string;
    triggers?: Record<string, string>;
}

export const mockAccountId = "123456789012";

/** Route 53 zone ids of API Gateway's Regional endpoints, by region. */
const regionalZoneIds: Record<string, string> = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "ap-southeast-2": "Z2RPCDW04V8134",
};

function digest(...parts: unknown[]): string {
    return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** A lower-case id of `length` characters derived from the parts, like API Gateway's ids. */
function shortId(length: number, ...parts: unknown[]): string {
    return BigInt("0x" + digest(...parts)).toString(36).slice(0, length);
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The value AWS generates for an API key: 40 letters and digits, here derived from the key's id. */
function apiKeyValue(id: string): string {
    let n = BigInt("0x" + digest("api-key-value", id));
    let value = "";
    while (value.length < 40) {
        value += base62[Number(n % 62n)];
        n /= 62n;
    }
    return value;
}

/**
 * The API keys created in this process, by id: a usage plan key's outputs name its key and
 * carry its value, as API Gateway's GetUsagePlanKey answers. The mocks hold no cloud; a key made
 * by another process is known by its derived value only.
 */
const apiKeys = new Map<string, { name?: string; value: string }>();

/** Pulumi's auto-name: the logical name plus a 7-character suffix. */
function autoName(name: string): string {
    return `${name}-${digest("name", name).slice(0, 7)}`;
}

export interface AwsMockContext {
    readonly region: string;
    /** The resource's outputs before this update; absent when it is created. */
    readonly previous?: Props;
}

/** What S3 stores as an object's body: its content, inline or from an asset (then by the asset's hash). */
function objectBody(inputs: Props): string {
    return inputs.content ?? inputs.contentBase64 ?? inputs.source?.hash ?? "";
}

/**
 * An object's version id, as S3 with versioning on: the same while the body stays, a new one for
 * every new body, even a body the object had before (the previous version counts in).
 */
function objectVersionId(inputs: Props, previous: Props | undefined): string {
    const body = objectBody(inputs);
    if (previous?.versionId !== undefined && objectBody(previous) === body) {
        return previous.versionId;
    }
    return Buffer.from(digest("version", inputs.bucket, inputs.key, body, previous?.versionId ?? null), "hex").toString("base64url").slice(0, 32);
}

/**
 * The outputs of one AWS resource, and its id, from its type, name and inputs (and its outputs
 * before, on an update). Components and providers are no cloud resources: they keep their
 * inputs. A cloud resource type these mocks do not model is an error, so that no test passes
 * on outputs nobody modelled.
 */
export function awsResource(type: string, name: string, inputs: Props, ctx: AwsMockContext): { id: string; state: Props } {
    const { region } = ctx;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${mockAccountId}:${resource}`;
    switch (type) {
        case types.s3Bucket: {
            const bucket = inputs.bucket ?? autoName(name);
            return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` } };
        }
        case types.s3BucketObjectv2:
            return {
                id: String(inputs.key),
                state: {
                    ...inputs,
                    versionId: objectVersionId(inputs, ctx.previous),
                    etag: crypto.createHash("md5").update(objectBody(inputs)).digest("hex"),
                    arn: `arn:aws:s3:::${inputs.bucket}/${inputs.key}`,
                },
            };
        case types.apigatewayRestApi: {
            const id = shortId(10, "api", name);
            return {
                id,
                // The provider auto-names an API; its name is the ApiName dimension of its CloudWatch metrics.
                state: { ...inputs, name: inputs.name ?? autoName(name), rootResourceId: shortId(10, "root", name), executionArn: arn("execute-api", id), arn: `arn:aws:apigateway:${region}::/restapis/${id}`, createdDate: "2026-01-01T00:00:00Z" },
            };
        }
        case types.apigatewayResource:
            return { id: shortId(6, "resource", name), state: { ...inputs } };
        case types.apigatewayDeployment:
            return { id: shortId(6, "deployment", name, inputs.triggers), state: { ...inputs } };
        case types.apigatewayStage:
            return {
                id: `ags-${inputs.restApi}-${inputs.stageName}`,
                state: { ...inputs, executionArn: arn("execute-api", `${inputs.restApi}/${inputs.stageName}`), invokeUrl: `https://${inputs.restApi}.execute-api.${region}.amazonaws.com/${inputs.stageName}` },
            };
        case types.apigatewayDomainName: {
            const regionalDomainName = `d-${shortId(10, "domain", inputs.domainName)}.execute-api.${region}.amazonaws.com`;
            return {
                id: String(inputs.domainName),
                state: { ...inputs, regionalDomainName, regionalZoneId: regionalZoneIds[region] ?? "Z1UJRXOUMOOFQ8", arn: `arn:aws:apigateway:${region}::/domainnames/${inputs.domainName}` },
            };
        }
        case types.lambdaFunction: {
            const functionName = inputs.name ?? autoName(name);
            const functionArn = arn("lambda", `function:${functionName}`);
            return {
                id: functionName,
                state: { ...inputs, name: functionName, arn: functionArn, qualifiedArn: `${functionArn}:$LATEST`, version: "$LATEST", invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations` },
            };
        }
        case types.iamRole: {
            const roleName = inputs.name ?? autoName(name);
            return { id: roleName, state: { ...inputs, name: roleName, arn: `arn:aws:iam::${mockAccountId}:role/${roleName}` } };
        }
        case types.cloudwatchLogGroup: {
            const groupName = inputs.name ?? autoName(name);
            return { id: groupName, state: { ...inputs, name: groupName, arn: arn("logs", `log-group:${groupName}`) } };
        }
        case types.acmCertificate:
            return {
                id: arn("acm", `certificate/${digest("cert", name).slice(0, 36)}`),
                state: {
                    ...inputs,
                    arn: arn("acm", `certificate/${digest("cert", name).slice(0, 36)}`),
                    domainValidationOptions: [{
                        domainName: inputs.domainName,
                        resourceRecordName: `_${digest("record", inputs.domainName).slice(0, 32)}.${inputs.domainName}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${digest("value", inputs.domainName).slice(0, 32)}.acm-validations.aws.`,
                    }],
                },
            };
        case types.acmCertificateValidation:
            // The provider's id is the time ACM issued the certificate.
            return { id: "2026-01-01 00:00:00 +0000 UTC", state: { ...inputs } };
        case types.route53Record:
            return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...inputs, fqdn: String(inputs.name).replace(/\.$/, "") } };
        // The bucket's settings are named by the bucket.
        case types.s3BucketVersioning:
        case types.s3BucketServerSideEncryptionConfiguration:
        case types.s3BucketPublicAccessBlock:
        case types.s3BucketOwnershipControls:
        case types.s3BucketPolicy:
            return { id: String(inputs.bucket), state: { ...inputs } };
        case types.apigatewayAccount:
            return { id: "api-gateway-account", state: { ...inputs, throttleSettings: [{ burstLimit: 5000, rateLimit: 10000 }] } };
        case types.apigatewayAuthorizer: {
            const id = shortId(6, "authorizer", name);
            return { id, state: { ...inputs, arn: `arn:aws:apigateway:${region}::/restapis/${inputs.restApi}/authorizers/${id}` } };
        }
        case types.apigatewayApiKey: {
            const id = shortId(10, "apikey", name);
            const value = typeof inputs.value === "string" ? inputs.value : apiKeyValue(id);
            apiKeys.set(id, { name: inputs.name ?? autoName(name), value });
            return {
                id,
                state: {
                    ...inputs,
                    name: inputs.name ?? autoName(name),
                    enabled: inputs.enabled ?? true,
                    value,
                    arn: `arn:aws:apigateway:${region}::/apikeys/${id}`,
                    createdDate: ctx.previous?.createdDate ?? "2026-01-01T00:00:00Z",
                    lastUpdatedDate: "2026-01-01T00:00:00Z",
                },
            };
        }
        case types.apigatewayUsagePlan: {
            const id = shortId(6, "usageplan", name);
            return { id, state: { ...inputs, name: inputs.name ?? autoName(name), arn: `arn:aws:apigateway:${region}::/usageplans/${id}` } };
        }
        case types.apigatewayUsagePlanKey: {
            // The provider's id is the key's id; GetUsagePlanKey answers the key's name and value.
            const keyId = String(inputs.keyId);
            const key = apiKeys.get(keyId) ?? { name: ctx.previous?.name, value: apiKeyValue(keyId) };
            return { id: keyId, state: { ...inputs, ...(key.name === undefined ? {} : { name: key.name }), value: key.value } };
        }
        case types.ssmParameter: {
            // A parameter's id is its name; a path name (from "/") follows "parameter" in its ARN without another slash.
            const parameterName = inputs.name ?? autoName(name);
            const previous = ctx.previous;
            const version = previous === undefined ? 1 : Number(previous.version) + (previous.value === inputs.value ? 0 : 1);
            return {
                id: parameterName,
                state: {
                    ...inputs,
                    name: parameterName,
                    arn: arn("ssm", `parameter${parameterName.startsWith("/") ? "" : "/"}${parameterName}`),
                    version,
                    tier: inputs.tier ?? "Standard",
                    dataType: inputs.dataType ?? "text",
                    ...(inputs.type === "SecureString" ? { keyId: inputs.keyId ?? "alias/aws/ssm" } : {}),
                },
            };
        }
        case types.apigatewayRequestValidator:
            return { id: shortId(6, "validator", name), state: { ...inputs } };
        case types.apigatewayMethod:
            return { id: `agm-${inputs.restApi}-${inputs.resourceId}-${inputs.httpMethod}`, state: { ...inputs } };
        case types.apigatewayIntegration:
            return { id: `agi-${inputs.restApi}-${inputs.resourceId}-${inputs.httpMethod}`, state: { ...inputs } };
        case types.apigatewayMethodSettings:
            return { id: `${inputs.restApi}-${inputs.stageName}-${inputs.methodPath}`, state: { ...inputs } };
        case types.apigatewayBasePathMapping:
            return { id: `${inputs.domainName}/${inputs.basePath ?? ""}`, state: { ...inputs } };
        case types.iamRolePolicy: {
            // The provider's id: the role's name and the policy's, joined by a colon.
            const policyName = inputs.name ?? autoName(name);
            return { id: `${inputs.role}:${policyName}`, state: { ...inputs, name: policyName } };
        }
        case types.iamRolePolicyAttachment:
            // The provider's id: the role's name, a dash and a unique suffix.
            return { id: `${inputs.role}-${digest("attachment", name).slice(0, 26)}`, state: { ...inputs } };
        case types.lambdaPermission: {
            // The provider's default statement id: "terraform-" and a unique suffix.
            const statementId = inputs.statementId ?? `terraform-${digest("statement", name).slice(0, 26)}`;
            return { id: statementId, state: { ...inputs, statementId } };
        }
        case types.snsTopic: {
            // A topic's id is its ARN.
            const topicName = inputs.name ?? autoName(name);
            const topicArn = arn("sns", topicName);
            return { id: topicArn, state: { ...inputs, name: topicName, arn: topicArn, owner: mockAccountId } };
        }
        case types.snsTopicSubscription: {
            // The provider asks SNS for the ARN at once; e-mail and HTTP endpoints stay pending until their owner confirms.
            const subscriptionArn = `${String(inputs.topic)}:${digest("subscription", name).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5")}`;
            const pendingConfirmation = ["email", "email-json", "http", "https"].includes(String(inputs.protocol));
            return { id: subscriptionArn, state: { ...inputs, arn: subscriptionArn, ownerId: mockAccountId, pendingConfirmation, confirmationWasAuthenticated: false } };
        }
        case types.cloudwatchMetricAlarm: {
            // An alarm's id is its name.
            const alarmName = inputs.name ?? autoName(name);
            return { id: alarmName, state: { ...inputs, name: alarmName, arn: arn("cloudwatch", `alarm:${alarmName}`) } };
        }
        case types.cloudwatchLogMetricFilter: {
            const filterName = inputs.name ?? autoName(name);
            return { id: filterName, state: { ...inputs, name: filterName } };
        }
        case types.cloudwatchDashboard: {
            // Dashboards are global: their ARN has no region.
            const dashboardName = String(inputs.dashboardName);
            return { id: dashboardName, state: { ...inputs, dashboardArn: `arn:aws:cloudwatch::${mockAccountId}:dashboard/${dashboardName}` } };
        }
        default:
            if (/^(aws|tls):/.test(type)) {
                throw new Error(`the aws mocks do not model the resource type ${type}; model it in awsResource (tools/simulator/aws.ts)${type.startsWith("tls:") ? " or tlsResources (tools/simulator/tls.ts)" : ""} and add it to core/resource-types.ts`);
            }
            return { id: `${name}-id`, state: { ...inputs } };
    }
}

/** The AWS functions (invokes) modelled here, by token: what each returns for its arguments. */
export const awsFunctions: Record<string, (args: Props, ctx: AwsMockContext) => Props> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: mockAccountId,
        arn: `arn:aws:iam::${mockAccountId}:user/stand-in`,
        id: mockAccountId,
        userId: "AIDASTANDIN0000000000",
    }),
    "aws:index/getRegion:getRegion": (args, { region }) => {
        const name = args.region ?? args.name ?? region;
        return { id: name, name, region: name, endpoint: `ec2.${name}.amazonaws.com`, description: name };
    },
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    // A stage of an API no stack here made: an export that names it and shows no operation.
    "aws:apigateway/getExport:getExport": (args, { region }) => {
        const [api, stage] = [String(args.restApiId), String(args.stageName)];
        return {
            ...args,
            id: `${api}-${stage}-${String(args.exportType)}`,
            region,
            body: JSON.stringify({ openapi: "3.0.1", info: { title: `api-${api}`, version: "1" }, paths: {} }),
            contentType: "application/json",
            contentDisposition: `attachment; filename="${api}-${stage}.json"`,
        };
    },
};
