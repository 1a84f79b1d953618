import * as aws from "@pulumi/aws";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { accessLogFormat } from "../core/monitoring/access-log";
import { NodeFunction } from "./node-function";
import { projectName } from "../core/config/keys";

export interface CustomerApiArgs {
    /** Name of the stage mapped onto the custom domain, such as v1. */
    readonly stageName: pulumi.Input<string>;
    /** Days to keep access and function logs. */
    readonly logRetentionDays: pulumi.Input<number>;
    /** The account-level logging setting the stage's logs need; the stage waits for it. */
    readonly gatewayAccount: pulumi.Input<pulumi.Resource>;
    /** The REQUEST Lambda authorizer every method uses: it denies revoked client certificates. */
    readonly authorizerFunction: aws.lambda.Function;
}

/** The log group API Gateway writes a stage's execution logs to: `API-Gateway-Execution-Logs_<api id>/<stage>`. */
export function executionLogGroupName(restApiId: pulumi.Input<string>, stageName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

/** A short, stable digest of values: a new digest makes a new deployment. */
export function redeploymentHash(values: unknown): string {
    return crypto.createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 16);
}

/**
 * The partner-facing REST API: `GET /customer/{customer-id}` backed by a Lambda function.
 * Regional, with the default execute-api endpoint disabled, so the mTLS domain is the only way in;
 * a Lambda authorizer refuses revoked client certificates that mutual TLS still accepts, and
 * returns the partner's API key, which every method requires: partners never hold a key, and
 * API Gateway meters each call against the partner's usage plan.
 */
export class CustomerApi extends pulumi.ComponentResource {
    public readonly api: aws.apigateway.RestApi;
    public readonly stage: aws.apigateway.Stage;
    /** The stage's access log: one JSON line per request, with the partner and its certificate. */
    public readonly accessLog: aws.cloudwatch.LogGroup;
    /** The log group API Gateway writes the stage's execution logs to, owned here so that it expires. */
    public readonly executionLog: aws.cloudwatch.LogGroup;
    public readonly function: aws.lambda.Function;
    /** The REQUEST authorizer of every method. */
    public readonly authorizer: aws.apigateway.Authorizer;

    constructor(name: string, args: CustomerApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:CustomerApi`, name, {}, opts);
        const child = { parent: this };

        this.function = new NodeFunction(`${name}-handler`, {
            entry: require.resolve("../handlers/customer"),
            timeout: 10,
            logRetentionDays: args.logRetentionDays,
        }, child).function;

        const apiArgs: aws.apigateway.RestApiArgs = {
            description: "Customer data for B2B partners, over mutual TLS only",
            endpointConfiguration: { types: "REGIONAL" },
            disableExecuteApiEndpoint: true,
            // The authorizer's usageIdentifierKey, not an x-api-key header: partners hold no key.
            apiKeySource: "AUTHORIZER",
        };
        this.api = new aws.apigateway.RestApi(`${name}-api`, apiArgs, child);
        const customer = new aws.apigateway.Resource(`${name}-customer`, {
            restApi: this.api.id,
            parentId: this.api.rootResourceId,
            pathPart: "customer",
        }, child);
        const customerById = new aws.apigateway.Resource(`${name}-customer-id`, {
            restApi: this.api.id,
            parentId: customer.id,
            pathPart: "{customer-id}",
        }, child);
        // API Gateway's own result cache keys on identity sources, and none of them surely tells
        // client certificates apart: partners would share a decision. So it is off, and the function
        // caches per serial. Off, the identity source only gates the call; the provider cannot leave
        // it empty (it would default to the Authorization header, which partners do not send), and
        // every HTTP/1.1 request carries Host.
        const authorizerArgs: aws.apigateway.AuthorizerArgs = {
            restApi: this.api.id,
            type: "REQUEST",
            authorizerUri: args.authorizerFunction.invokeArn,
            authorizerResultTtlInSeconds: 0,
            identitySource: "method.request.header.Host",
        };
        this.authorizer = new aws.apigateway.Authorizer(`${name}-authorizer`, authorizerArgs, child);
        new aws.lambda.Permission(`${name}-authorize`, {
            action: "lambda:InvokeFunction",
            function: args.authorizerFunction.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${this.api.executionArn}/authorizers/${this.authorizer.id}`,
        }, child);
        const validatorArgs: aws.apigateway.RequestValidatorArgs = {
            restApi: this.api.id,
            validateRequestParameters: true,
            validateRequestBody: false,
        };
        const validator = new aws.apigateway.RequestValidator(`${name}-validator`, validatorArgs, child);
        const methodArgs: aws.apigateway.MethodArgs = {
            restApi: this.api.id,
            resourceId: customerById.id,
            httpMethod: "GET",
            // Mutual TLS on the custom domain authenticates callers; the authorizer checks revocation.
            authorization: "CUSTOM",
            authorizerId: this.authorizer.id,
            requestValidatorId: validator.id,
            requestParameters: { "method.request.path.customer-id": true },
            // Metered by the partner's usage plan; a call without a key in a plan is refused (403).
            apiKeyRequired: true,
        };
        const getCustomer = new aws.apigateway.Method(`${name}-get-customer`, methodArgs, child);
        const integrationArgs: aws.apigateway.IntegrationArgs = {
            restApi: this.api.id,
            resourceId: customerById.id,
            httpMethod: getCustomer.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: this.function.invokeArn,
        };
        const integration = new aws.apigateway.Integration(`${name}-get-customer`, integrationArgs, child);
        new aws.lambda.Permission(`${name}-invoke`, {
            action: "lambda:InvokeFunction",
            function: this.function.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${this.api.executionArn}/*/GET/customer/*`,
        }, child);

        // A stage serves the deployment it points at, not the API as it is now: any change of a
        // resource (a new id) or of a definition updated in place (same id) needs a new deployment.
        const definition = {
            ids: [customer.id, customerById.id, validator.id, this.authorizer.id, getCustomer.id, integration.id],
            apiKeySource: apiArgs.apiKeySource,
            validator: validatorArgs,
            authorizer: authorizerArgs,
            method: methodArgs,
            integration: integrationArgs,
        };
        const deployment = new aws.apigateway.Deployment(`${name}-deployment`, {
            restApi: this.api.id,
            triggers: { redeployment: pulumi.output(definition).apply(redeploymentHash) },
        }, { ...child, dependsOn: [getCustomer, integration] });

        this.accessLog = new aws.cloudwatch.LogGroup(`${name}-access-log`, {
            retentionInDays: args.logRetentionDays,
        }, child);
        // API Gateway writes execution logs to a group of this name, and makes the group itself,
        // with no expiry and outside the stack, unless it exists already ("API Gateway manages the
        // log group name", https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-execution-logging.html).
        this.executionLog = new aws.cloudwatch.LogGroup(`${name}-execution-log`, {
            name: executionLogGroupName(this.api.id, args.stageName),
            retentionInDays: args.logRetentionDays,
        }, child);
        this.stage = new aws.apigateway.Stage(`${name}-stage`, {
            restApi: this.api.id,
            deployment: deployment.id,
            stageName: args.stageName,
            accessLogSettings: { destinationArn: this.accessLog.arn, format: accessLogFormat },
        }, { ...child, dependsOn: [args.gatewayAccount, this.executionLog] });
        new aws.apigateway.MethodSettings(`${name}-execution-logs`, {
            restApi: this.api.id,
            stageName: this.stage.stageName,
            methodPath: "*/*",
            settings: { loggingLevel: "INFO", metricsEnabled: true, dataTraceEnabled: false },
        }, child);

        this.registerOutputs({ api: this.api, stage: this.stage, accessLog: this.accessLog, executionLog: this.executionLog, function: this.function, authorizer: this.authorizer });
    }
}
