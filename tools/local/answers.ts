// The answers API Gateway gives itself, without calling a function: its error bodies, types
// and status codes, sent with its request-id header.
import type * as http from "node:http";

export interface GatewayAnswer {
    readonly status: number;
    readonly type: string;
    readonly body: string;
}

export const answers = {
    forbidden: { status: 403, type: "ForbiddenException", body: JSON.stringify({ message: "Forbidden" }) },
    missingToken: { status: 403, type: "MissingAuthenticationTokenException", body: JSON.stringify({ message: "Missing Authentication Token" }) },
    unauthorized: { status: 401, type: "UnauthorizedException", body: JSON.stringify({ message: "Unauthorized" }) },
    // "Message", capitalised: what API Gateway sends when a Lambda authorizer's policy denies, as
    // responses captured with curl show (lmammino/loige.co, posts/2023-11-05_debugging-custom-
    // apigateway-authorizers: `content-length: 82`); AWS's troubleshooting page writes the key in
    // lower case (https://repost.aws/knowledge-center/api-gateway-403-error-lambda-authorizer).
    explicitDeny: { status: 403, type: "AccessDeniedException", body: JSON.stringify({ Message: "User is not authorized to access this resource with an explicit deny" }) },
    implicitDeny: { status: 403, type: "AccessDeniedException", body: JSON.stringify({ Message: "User is not authorized to access this resource" }) },
    authorizerFailure: { status: 500, type: "AuthorizerConfigurationException", body: JSON.stringify({ message: null }) },
    internal: { status: 500, type: "InternalServerErrorException", body: JSON.stringify({ message: "Internal server error" }) },
    badGateway: { status: 502, type: "InternalServerErrorException", body: JSON.stringify({ message: "Internal server error" }) },
    unsupportedMediaType: { status: 415, type: "UnsupportedMediaTypeException", body: JSON.stringify({ message: "Unsupported Media Type" }) },
    tooLarge: { status: 413, type: "RequestTooLarge", body: JSON.stringify({ message: "Request Too Long" }) },
    throttled: { status: 429, type: "TooManyRequestsException", body: JSON.stringify({ message: "Too Many Requests" }) },
    quotaExceeded: { status: 429, type: "LimitExceededException", body: JSON.stringify({ message: "Limit Exceeded" }) },
} satisfies Record<string, GatewayAnswer>;

export function missingParameters(names: readonly string[]): GatewayAnswer {
    return { status: 400, type: "BadRequestException", body: JSON.stringify({ message: `Missing required request parameters: [${names.join(", ")}]` }) };
}

/** What was sent: for the access log. */
export interface Sent {
    readonly status: number;
    readonly length: number;
}

export function send(res: http.ServerResponse, requestId: string, answer: GatewayAnswer): Sent {
    const length = Buffer.byteLength(answer.body);
    res.writeHead(answer.status, {
        "content-type": "application/json",
        "content-length": length,
        "x-amzn-RequestId": requestId,
        "x-amzn-ErrorType": answer.type,
    });
    res.end(answer.body);
    return { status: answer.status, length };
}
