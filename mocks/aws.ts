import * as crypto from "node:crypto";

/**
 * AWS resources under mocks: each echoes its inputs plus the outputs AWS would add (ids,
 * ARNs, auto-names, object versions), plausible in form and stable for the same inputs. The
 * stand-in aws provider for the real engine (engine/providers/aws.ts) computes them here too.
 */

type Inputs = Record<string, any>;

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

/** Pulumi's auto-name: the logical name plus a 7-character suffix. */
function autoName(name: string): string {
    return `${name}-${digest("name", name).slice(0, 7)}`;
}

export interface AwsMockContext {
    readonly region: string;
    /** The resource's outputs before this update; absent when it is created. */
    readonly previous?: Inputs;
}

/** What S3 stores as an object's body: its content, inline or from an asset (then by the asset's hash). */
function objectBody(inputs: Inputs): string {
    return inputs.content ?? inputs.contentBase64 ?? inputs.source?.hash ?? "";
}

/**
 * An object's version id, as S3 with versioning on: the same while the body stays, a new one for
 * every new body, even a body the object had before (the previous version counts in).
 */
function objectVersionId(inputs: Inputs, previous: Inputs | undefined): string {
    const body = objectBody(inputs);
    if (previous && objectBody(previous) === body) {
        return previous.versionId;
    }
    return Buffer.from(digest("version", inputs.bucket, inputs.key, body, previous?.versionId ?? null), "hex").toString("base64url").slice(0, 32);
}

/** The outputs of one AWS resource, and its id, from its type, name and inputs (and its outputs before, on an update). */
export function awsResource(type: string, name: string, inputs: Inputs, ctx: AwsMockContext): { id: string; state: Inputs } {
    const { region } = ctx;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${mockAccountId}:${resource}`;
    switch (type) {
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? autoName(name);
            return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` } };
        }
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            return {
                id: inputs.key,
                state: {
                    ...inputs,
                    versionId: objectVersionId(inputs, ctx.previous),
                    etag: crypto.createHash("md5").update(objectBody(inputs)).digest("hex"),
                    arn: `arn:aws:s3:::${inputs.bucket}/${inputs.key}`,
                },
            };
        case "aws:apigateway/restApi:RestApi": {
            const id = shortId(10, "api", name);
            return {
                id,
                state: { ...inputs, rootResourceId: shortId(10, "root", name), executionArn: arn("execute-api", id), arn: `arn:aws:apigateway:${region}::/restapis/${id}`, createdDate: "2026-01-01T00:00:00Z" },
            };
        }
        case "aws:apigateway/resource:Resource":
            return { id: shortId(6, "resource", name), state: { ...inputs } };
        case "aws:apigateway/deployment:Deployment":
            return { id: shortId(6, "deployment", name, inputs.triggers), state: { ...inputs } };
        case "aws:apigateway/stage:Stage":
            return {
                id: `ags-${inputs.restApi}-${inputs.stageName}`,
                state: { ...inputs, executionArn: arn("execute-api", `${inputs.restApi}/${inputs.stageName}`), invokeUrl: `https://${inputs.restApi}.execute-api.${region}.amazonaws.com/${inputs.stageName}` },
            };
        case "aws:apigateway/domainName:DomainName": {
            const regionalDomainName = `d-${shortId(10, "domain", inputs.domainName)}.execute-api.${region}.amazonaws.com`;
            return {
                id: inputs.domainName,
                state: { ...inputs, regionalDomainName, regionalZoneId: regionalZoneIds[region] ?? "Z1UJRXOUMOOFQ8", arn: `arn:aws:apigateway:${region}::/domainnames/${inputs.domainName}` },
            };
        }
        case "aws:lambda/function:Function": {
            const functionName = inputs.name ?? autoName(name);
            const functionArn = arn("lambda", `function:${functionName}`);
            return {
                id: functionName,
                state: { ...inputs, name: functionName, arn: functionArn, qualifiedArn: `${functionArn}:$LATEST`, version: "$LATEST", invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations` },
            };
        }
        case "aws:iam/role:Role": {
            const roleName = inputs.name ?? autoName(name);
            return { id: roleName, state: { ...inputs, name: roleName, arn: `arn:aws:iam::${mockAccountId}:role/${roleName}` } };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const groupName = inputs.name ?? autoName(name);
            return { id: groupName, state: { ...inputs, name: groupName, arn: arn("logs", `log-group:${groupName}`) } };
        }
        case "aws:acm/certificate:Certificate":
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
        case "aws:route53/record:Record":
            return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { ...inputs, fqdn: String(inputs.name).replace(/\.$/, "") } };
        default:
            return { id: `${name}-id`, state: { ...inputs } };
    }
}

/** The AWS functions (invokes) modelled here, by token: what each returns for its arguments. */
export const awsFunctions: Record<string, (args: Inputs, ctx: AwsMockContext) => Inputs> = {
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
};
