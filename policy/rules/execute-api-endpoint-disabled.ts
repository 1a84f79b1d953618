import { ResourceValidationPolicy } from "@pulumi/policy";
import { gatewayValidations, HttpApiShape, RestApiShape, unreadableViolation } from "../gateway-shapes";
import { unreadable } from "../documents";
import { show, unknown } from "../values";

/**
 * Severity: critical. Enforcement: mandatory: the execute-api endpoint does not enforce mTLS, so it is a way in without a client certificate.
 *
 * Every REST API and HTTP/WebSocket API sets `disableExecuteApiEndpoint: true`, whatever declares
 * it: `aws.apigateway.RestApi`, `aws.apigatewayv2.Api`, their aws-native twins, or an
 * `aws.cloudformation.Stack` template (`DisableExecuteApiEndpoint`). The default `execute-api`
 * endpoint never asks for a client certificate, so while it is on, mTLS on the custom domain
 * protects nothing. Omitted means enabled. An aws RestApi's OpenAPI `body` may disable it through
 * `x-amazon-apigateway-endpoint-configuration`: as the provider documents, the argument overrides
 * the body only when it is `true`, so otherwise the body decides.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html
 */
export const executeApiEndpointDisabled: ResourceValidationPolicy = {
    name: "execute-api-endpoint-disabled",
    description: "APIs disable the default execute-api endpoint, so that the mTLS custom domain is the only way in.",
    enforcementLevel: "mandatory",
    severity: "critical",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html",
    remediationSteps: "Set disableExecuteApiEndpoint: true on the RestApi or Api (true also overrides an OpenAPI body's " +
        "x-amazon-apigateway-endpoint-configuration), then call the API only through the mTLS custom domain.",
    validateResource: gatewayValidations(shape => {
        switch (shape.kind) {
            case "rest-api":
            case "http-api":
                return executeApiViolations(shape);
            case "unreadable":
                return [unreadableViolation(shape, "DisableExecuteApiEndpoint")];
            default:
                return [];
        }
    }),
};

function executeApiViolations(api: RestApiShape | HttpApiShape): string[] {
    const argument = api.disableExecuteApiEndpoint;
    const body = api.kind === "rest-api" ? api.bodyDisableExecuteApiEndpoint : undefined;
    if (argument === unknown || argument === true || body === unknown || body === true) {
        return [];
    }
    const property = api.spell("disableExecuteApiEndpoint");
    const extension = "x-amazon-apigateway-endpoint-configuration";
    const found = body === undefined
        ? `${property} is ${show(argument)}${argument === undefined ? " (the execute-api endpoint is on by default)" : ""}`
        : body === unreadable
            ? `${property} is ${show(argument)} and body is neither JSON nor YAML, so its ${extension} cannot be read`
            : `${property} is ${show(argument)} and body sets ${extension}.disableExecuteApiEndpoint to ${show(body)}`;
    const overrides = body === undefined ? "" : " (true overrides the body)";
    return [`${api.subject}: ${found}; set ${property}: true${overrides}, ` +
        "because the execute-api endpoint does not enforce mTLS and bypasses the custom domain"];
}
