// The body a REST API is imported from: the team's OpenAPI file with what partner access needs
// added over it. What is rewritten, exactly (local mode reads the result, so it stays standard
// API Gateway OpenAPI):
// - top level: x-amazon-apigateway-api-key-source AUTHORIZER; the request validator
//   `apigw-mtls-parameters` (parameters, not the body) added to x-amazon-apigateway-request-validators
//   and made the API's x-amazon-apigateway-request-validator unless the file names one (which
//   the contract made validate parameters); a top-level `security` is dropped (each operation gets its own);
// - each servers[] entry that has x-amazon-apigateway-endpoint-configuration: disableExecuteApiEndpoint true;
// - components.securitySchemes: `apigw-mtls-authorizer` (the stack's REQUEST authorizer, its
//   result not cached by API Gateway) and `api_key` (API keys; the authorizer returns the partner's);
// - every operation: security [{apigw-mtls-authorizer: [], api_key: []}]; an operation with
//   x-apigw-mtls-handler: <name> gets x-amazon-apigateway-integration {type: aws_proxy,
//   httpMethod: POST, uri: <invoke ARN of the function of handlers/<name>.ts>} (other fields of
//   an integration it had are kept), and loses x-apigw-mtls-handler.
import { apiKeyScheme, authorizerScheme, CheckedApi, handlerExtension } from "./contract";
import { Json, JsonObject, operationsOf } from "./document";

/** The request validator the stack adds: the declared parameters (API Gateway checks the required ones). */
export const parametersValidator = "apigw-mtls-parameters";

/**
 * The authorizer's identity source. API Gateway's result cache is off (TTL 0), so it only gates
 * the call; every HTTP/1.1 request carries Host (the provider cannot leave it empty).
 */
export const authorizerIdentitySource = "method.request.header.Host";

export interface DeployedBodyArgs {
    /** The authorizer function's invoke ARN (`aws.lambda.Function.invokeArn`). */
    readonly authorizerUri: string;
    /** The invoke ARN of each handler's function, by handler name. */
    readonly handlerUris: Readonly<Record<string, string>>;
}

/** The document API Gateway imports, as an object: the file's, with the stack's additions. */
export function deployedDocument(api: CheckedApi, args: DeployedBodyArgs): JsonObject {
    const document = structuredClone(api.document);
    document["x-amazon-apigateway-api-key-source"] = "AUTHORIZER";
    const validators = (document["x-amazon-apigateway-request-validators"] ?? {}) as JsonObject;
    document["x-amazon-apigateway-request-validators"] = { ...validators, [parametersValidator]: { validateRequestParameters: true, validateRequestBody: false } };
    document["x-amazon-apigateway-request-validator"] ??= parametersValidator;
    delete document.security;
    for (const server of Array.isArray(document.servers) ? document.servers : []) {
        const configuration = (server as JsonObject)["x-amazon-apigateway-endpoint-configuration"];
        if (typeof configuration === "object" && configuration !== null && !Array.isArray(configuration)) {
            configuration.disableExecuteApiEndpoint = true;
        }
    }
    const components = (document.components ?? {}) as JsonObject;
    document.components = {
        ...components,
        securitySchemes: {
            ...((components.securitySchemes ?? {}) as JsonObject),
            [authorizerScheme]: {
                type: "apiKey",
                // API Gateway's word for an identity source that is not the Authorization header.
                name: "Unused",
                in: "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {
                    type: "request",
                    authorizerUri: args.authorizerUri,
                    identitySource: authorizerIdentitySource,
                    // Unset, API Gateway caches a result for 300 s, keyed on Host: every partner
                    // would get the first caller's answer (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html).
                    authorizerResultTtlInSeconds: 0,
                },
            },
            [apiKeyScheme]: { type: "apiKey", name: "x-api-key", in: "header" },
        },
    };
    for (const { operation } of operationsOf(document)) {
        operation.security = [{ [authorizerScheme]: [], [apiKeyScheme]: [] }];
        const handler = operation[handlerExtension];
        if (typeof handler === "string") {
            const given = (operation["x-amazon-apigateway-integration"] ?? {}) as JsonObject;
            operation["x-amazon-apigateway-integration"] = { ...given, type: "aws_proxy", httpMethod: "POST", uri: args.handlerUris[handler] } satisfies Record<string, Json>;
            delete operation[handlerExtension];
        }
    }
    return document;
}
