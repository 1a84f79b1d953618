// A partner-facing REST API from a team's OpenAPI 3.0 file, with what partner access needs added
// over it. The deployed `body` is standard API Gateway OpenAPI; what the stack rewrites in it,
// exactly (core/openapi/deployed-body.ts):
// - x-amazon-apigateway-api-key-source: AUTHORIZER at the top;
// - x-amazon-apigateway-request-validators gets `apigw-mtls-parameters` (validateRequestParameters
//   true, validateRequestBody false), the API-level x-amazon-apigateway-request-validator unless
//   the file names one that validates parameters; a top-level `security` is dropped;
// - servers[].x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint: true where set;
// - components.securitySchemes gets `apigw-mtls-authorizer` (type request, authorizerUri the
//   authorizer function's invoke ARN, identitySource method.request.header.Host,
//   authorizerResultTtlInSeconds 0) and `api_key` (x-api-key header);
// - every operation's security becomes [{apigw-mtls-authorizer: [], api_key: []}];
// - an operation with `x-apigw-mtls-handler: <name>` gets x-amazon-apigateway-integration
//   {type: aws_proxy, httpMethod: POST, uri: <invoke ARN of this API's function of
//   handlers/<name>.ts>}, and the extension is removed. Each such function is a child
//   `<name>-<handler>` (NodeFunction) with a lambda.Permission for this API.
// The RestApi's own arguments say the same (REGIONAL, execute-api disabled, key source
// AUTHORIZER): after an import the provider sets the arguments over what the body says.
import * as aws from "@pulumi/aws";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";
import type { CheckedApi } from "../core/openapi/contract";
import { deployedDocument } from "../core/openapi/deployed-body";
import { isObject } from "../core/openapi/document";
import { NodeFunction } from "./node-function";

export interface OpenApiApiArgs {
    /** The API's OpenAPI file, checked (core/openapi/contract.ts). */
    readonly api: CheckedApi;
    /** Name of the stage mapped onto the custom domain, such as v1. */
    readonly stageName: pulumi.Input<string>;
    /** Days to keep access and function logs. */
    readonly logRetentionDays: pulumi.Input<number>;
    /** The account-level logging setting the stage's logs need; the stage waits for it. */
    readonly gatewayAccount: pulumi.Input<pulumi.Resource>;
    /** The REQUEST Lambda authorizer of every operation: it denies revoked certificates and returns the partner's API key. */
    readonly authorizerFunction: aws.lambda.Function;
}

/**
 * What each access-log line records: the request, the client certificate API Gateway verified,
 * and the partner the authorizer named, so that every call can be traced to a partner and its
 * certificate.
 */
export const accessLogFormat = JSON.stringify({
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    sourceIp: "$context.identity.sourceIp",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    responseLength: "$context.responseLength",
    domainName: "$context.domainName",
    clientCertSubject: "$context.identity.clientCert.subjectDN",
    clientCertIssuer: "$context.identity.clientCert.issuerDN",
    clientCertSerial: "$context.identity.clientCert.serialNumber",
    clientCertNotAfter: "$context.identity.clientCert.validity.notAfter",
    partner: "$context.authorizer.partner",
});

/** A short, stable digest of values: a new digest makes a new deployment. */
export function redeploymentHash(values: unknown): string {
    return crypto.createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 16);
}

/**
 * A REST API imported from an OpenAPI file: Regional, the execute-api endpoint disabled so that
 * the mTLS domain is the only way in, the stack's authorizer and API keys on every operation,
 * its handlers' functions, and one stage with access logs, execution logs and metrics.
 */
export class OpenApiApi extends pulumi.ComponentResource {
    public readonly api: aws.apigateway.RestApi;
    public readonly stage: aws.apigateway.Stage;
    /** The stage's access log: one JSON line per request, with the partner and its certificate. */
    public readonly accessLog: aws.cloudwatch.LogGroup;
    /** The function of each handler the file names, by handler name. */
    public readonly functions: Readonly<Record<string, aws.lambda.Function>>;
    /** The body API Gateway imports: the file with the stack's additions, as JSON. */
    public readonly body: pulumi.Output<string>;

    constructor(name: string, args: OpenApiApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:OpenApiApi`, name, {}, opts);
        const child = { parent: this };

        this.functions = Object.fromEntries(args.api.handlers.map((handler) => [handler, new NodeFunction(`${name}-${handler}`, {
            entry: require.resolve(`../handlers/${handler}`),
            timeout: 10,
            logRetentionDays: args.logRetentionDays,
        }, child).function]));
        const handlerUris = pulumi.all(Object.fromEntries(Object.entries(this.functions).map(([handler, fn]) => [handler, fn.invokeArn])));
        this.body = pulumi.all([args.authorizerFunction.invokeArn, handlerUris]).apply(([authorizerUri, uris]) =>
            JSON.stringify(deployedDocument(args.api, { authorizerUri, handlerUris: uris })));

        const info = args.api.document.info;
        const title = isObject(info) && typeof info.title === "string" ? info.title : name;
        const apiArgs = {
            description: `${title}, for partners over mutual TLS only (${args.api.file})`,
            body: this.body,
            // The file is the API: what it no longer declares is removed.
            putRestApiMode: "overwrite",
            endpointConfiguration: { types: "REGIONAL" },
            disableExecuteApiEndpoint: true,
            // The authorizer's usageIdentifierKey, not an x-api-key header: partners hold no key.
            apiKeySource: "AUTHORIZER",
        } satisfies aws.apigateway.RestApiArgs;
        this.api = new aws.apigateway.RestApi(`${name}-api`, apiArgs, child);

        // The body's authorizer is made by the import, so its id is not known here: any authorizer of this API.
        new aws.lambda.Permission(`${name}-authorize`, {
            action: "lambda:InvokeFunction",
            function: args.authorizerFunction.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${this.api.executionArn}/authorizers/*`,
        }, child);
        for (const [handler, fn] of Object.entries(this.functions)) {
            new aws.lambda.Permission(`${name}-${handler}-invoke`, {
                action: "lambda:InvokeFunction",
                function: fn.name,
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
            }, child);
        }

        // A stage serves the deployment it points at, not the API as it is now: a new body (the
        // file, or an ARN in it) or a new setting of the API makes a new deployment; the same does not.
        const deployment = new aws.apigateway.Deployment(`${name}-deployment`, {
            restApi: this.api.id,
            triggers: { redeployment: pulumi.all([this.body, apiArgs.endpointConfiguration, apiArgs.apiKeySource, apiArgs.disableExecuteApiEndpoint]).apply(redeploymentHash) },
        }, child);

        this.accessLog = new aws.cloudwatch.LogGroup(`${name}-access-log`, {
            retentionInDays: args.logRetentionDays,
        }, child);
        this.stage = new aws.apigateway.Stage(`${name}-stage`, {
            restApi: this.api.id,
            deployment: deployment.id,
            stageName: args.stageName,
            accessLogSettings: { destinationArn: this.accessLog.arn, format: accessLogFormat },
        }, { ...child, dependsOn: args.gatewayAccount });
        new aws.apigateway.MethodSettings(`${name}-execution-logs`, {
            restApi: this.api.id,
            stageName: this.stage.stageName,
            methodPath: "*/*",
            settings: { loggingLevel: "INFO", metricsEnabled: true, dataTraceEnabled: false },
        }, child);

        this.registerOutputs({ api: this.api, stage: this.stage, accessLog: this.accessLog, functions: this.functions, body: this.body });
    }
}
