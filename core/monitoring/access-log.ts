// The stage's access-log format: one JSON line per request, which the per-partner metric filters
// (`partnerMetrics`) and the dashboard's Logs Insights widget read. API Gateway writes each
// $context value into the format as it is: no AWS page says it JSON-escapes them (only
// $context.error.messageString is documented as quoted), and a subject such as `O=Hooli\, Inc.`
// (or one with an encoded quote or newline) would end the line's JSON. So the format holds only
// values no client can shape: the certificate's serial (hex) and notAfter (a date), not its subject
// or issuer DN, and the partner the authorizer named (a partner name of stack config).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html

/** What each access-log line records, by field: the $context variable API Gateway fills in. */
export const accessLogFields = {
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    sourceIp: "$context.identity.sourceIp",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    responseLength: "$context.responseLength",
    domainName: "$context.domainName",
    clientCertSerial: "$context.identity.clientCert.serialNumber",
    clientCertNotAfter: "$context.identity.clientCert.validity.notAfter",
    partner: "$context.authorizer.partner",
} as const;

/**
 * The stage's `accessLogSettings.format`: the request, the client certificate by serial, and the
 * partner the authorizer named, so that every call can be traced to a partner and its certificate
 * (the authorizer's own log has the certificate's subject, as JSON it writes itself).
 */
export const accessLogFormat = JSON.stringify(accessLogFields);
