import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { known, show, subject, unknown } from "./values";

/**
 * Severity: critical. Enforcement: mandatory (one of the three rules the user asked for).
 *
 * Every REST API (`aws.apigateway.RestApi`) and HTTP/WebSocket API (`aws.apigatewayv2.Api`)
 * sets `disableExecuteApiEndpoint: true`. The default `execute-api` endpoint never asks for a
 * client certificate, so while it is on, mTLS on the custom domain protects nothing. Omitted
 * means enabled.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html
 */
export const executeApiEndpointDisabled: ResourceValidationPolicy = {
    name: "execute-api-endpoint-disabled",
    description: "APIs disable the default execute-api endpoint, so that the mTLS custom domain is the only way in.",
    enforcementLevel: "mandatory",
    severity: "critical",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html",
    validateResource: [
        validateResourceOfType(aws.apigateway.RestApi, (api, args, report) => check(() => api.disableExecuteApiEndpoint, args, report)),
        validateResourceOfType(aws.apigatewayv2.Api, (api, args, report) => check(() => api.disableExecuteApiEndpoint, args, report)),
    ],
};

function check(disabled: () => boolean | undefined, args: ResourceValidationArgs, report: ReportViolation): void {
    const value = known(disabled);
    if (value === unknown || value === true) {
        return;
    }
    const meaning = value === undefined ? " (the execute-api endpoint is on by default)" : "";
    report(`${subject(args)}: disableExecuteApiEndpoint is ${show(value)}${meaning}; set disableExecuteApiEndpoint: true, ` +
        "because the execute-api endpoint does not enforce mTLS and bypasses the custom domain");
}
