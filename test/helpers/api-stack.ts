// Hand-made resources of a stack with REST APIs from OpenAPI bodies and APIs deployed elsewhere,
// as the program declares them under mocks: the mTLS domain and its truststore object, each API's
// RestApi (with `body`), deployment, stage and base-path mapping, the mappings of APIs deployed
// elsewhere, Lambda functions and their permissions, and one usage plan with a key per partner.
import * as pulumi from "@pulumi/pulumi";
import { resourceTypes } from "../../core/resource-types";
import type { CapturedResource } from "../../tools/simulator/program";

export const region = "eu-west-1";
export const account = "123456789012";
export const domainName = "api.test.example.com";

function resource(type: string, name: string, id: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): CapturedResource {
    return { type, name, urn: `urn:pulumi:test::apigw-mtls::${type}::${name}`, id, custom: true, inputs, outputs: { ...inputs, ...outputs } };
}

/** A Lambda function running `code` as index.js, with its invoke ARN. */
export function lambda(name: string, code: string, environment: Record<string, string> = {}): CapturedResource {
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    return resource(resourceTypes.lambdaFunction, name, name, {
        name,
        handler: "index.handler",
        runtime: "nodejs24.x",
        timeout: 10,
        environment: { variables: environment },
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(code) }),
    }, { arn, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations` });
}

export function executionArn(apiId: string): string {
    return `arn:aws:execute-api:${region}:${account}:${apiId}`;
}

/** A permission for API Gateway to invoke `fn` from `sourceArn`. */
export function permission(name: string, fn: CapturedResource, sourceArn: string): CapturedResource {
    return resource(resourceTypes.lambdaPermission, name, name, { action: "lambda:InvokeFunction", function: fn.outputs.name, principal: "apigateway.amazonaws.com", sourceArn });
}

/** The domain and the S3 object its truststore is, holding `truststorePem`. */
export function domain(truststorePem: string): CapturedResource[] {
    return [
        resource(resourceTypes.s3BucketObjectv2, "truststore", "truststore.pem", { bucket: "truststore-bucket", key: "truststore.pem", content: truststorePem }, { versionId: "v1" }),
        resource(resourceTypes.apigatewayDomainName, "domain", domainName, {
            domainName, securityPolicy: "TLS_1_2", mutualTlsAuthentication: { truststoreUri: "s3://truststore-bucket/truststore.pem", truststoreVersion: "v1" },
        }),
    ];
}

/** A RestApi created from `body`, deployed to `stageName` and mapped at `basePath`. */
export function bodyApi(apiId: string, basePath: string, stageName: string, body: unknown): CapturedResource[] {
    return [
        resource(resourceTypes.apigatewayRestApi, `${apiId}-api`, apiId, {
            body: JSON.stringify(body), apiKeySource: "AUTHORIZER", disableExecuteApiEndpoint: true, endpointConfiguration: { types: "REGIONAL" },
        }, { executionArn: executionArn(apiId), rootResourceId: `${apiId}-root` }),
        resource(resourceTypes.apigatewayDeployment, `${apiId}-deployment`, `${apiId}-dep`, { restApi: apiId }),
        resource(resourceTypes.apigatewayStage, `${apiId}-stage`, `${apiId}-${stageName}`, { restApi: apiId, stageName, deployment: `${apiId}-dep` }),
        mapping(apiId, basePath, stageName),
    ];
}

/** The base-path mapping of a REST API's stage onto the domain. */
export function mapping(apiId: string, basePath: string, stageName: string): CapturedResource {
    return resource(resourceTypes.apigatewayBasePathMapping, `${basePath}-mapping`, `${basePath}-mapping`, { domainName, restApi: apiId, basePath, stageName });
}

/** One usage plan on `stages`, without limits, with one API key per partner (value `key-<partner>`). */
export function usagePlan(stages: readonly { apiId: string; stage: string }[], partners: readonly string[]): CapturedResource[] {
    return [
        resource(resourceTypes.apigatewayUsagePlan, "plan", "plan-1", { name: "partners", apiStages: stages }),
        ...partners.flatMap((partner) => [
            resource(resourceTypes.apigatewayApiKey, `${partner}-key`, `key-id-${partner}`, { name: partner, enabled: true, tags: { partner } }, { value: `key-${partner}` }),
            resource(resourceTypes.apigatewayUsagePlanKey, `${partner}-plan-key`, `plan-key-${partner}`, { keyId: `key-id-${partner}`, keyType: "API_KEY", usagePlanId: "plan-1" }),
        ]),
    ];
}

/** The security scheme of the stack's REQUEST authorizer and the API key scheme, as the program writes them into a body. */
export function securitySchemes(authorizer: CapturedResource): Record<string, unknown> {
    return {
        partner: {
            type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": { type: "request", authorizerUri: authorizer.outputs.invokeArn, identitySource: "method.request.header.Host", authorizerResultTtlInSeconds: 0 },
        },
        api_key: { type: "apiKey", name: "x-api-key", in: "header" },
    };
}

/** The dev stack's customer API as the program declares it: its RestApi, body, GET operation and handler function. */
export interface CustomerApi {
    readonly api: CapturedResource;
    readonly document: { components?: { securitySchemes?: Record<string, unknown> } } & Record<string, unknown>;
    readonly operation: Record<string, unknown>;
    readonly handler: CapturedResource;
    /** Writes the (changed) document back as the RestApi's body. */
    save(): void;
}

/** Finds the customer API's `GET /customer/{customer-id}` in the captured resources; fails the test if it is not there. */
export function customerApi(resources: readonly CapturedResource[]): CustomerApi {
    for (const api of resources.filter((r) => r.type === resourceTypes.apigatewayRestApi && typeof r.inputs.body === "string")) {
        const document = JSON.parse(String(api.inputs.body)) as CustomerApi["document"];
        const operation = (document.paths as Record<string, Record<string, Record<string, unknown>>> | undefined)?.["/customer/{customer-id}"]?.get;
        const uri = (operation?.["x-amazon-apigateway-integration"] as { uri?: string } | undefined)?.uri;
        const handler = resources.find((r) => r.type === resourceTypes.lambdaFunction && r.outputs.invokeArn === uri);
        if (operation && handler) {
            return { api, document, operation, handler, save: () => { api.inputs.body = JSON.stringify(document); } };
        }
    }
    throw new Error("the stack has no REST API whose body has GET /customer/{customer-id} behind a Lambda function of the stack");
}
