import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { customers } from "../core/customers";

const customerId = /^[0-9]{1,10}$/;

/** The common name of a distinguished name as API Gateway writes it ("CN=acme,O=Acme"). */
export function commonName(distinguishedName: string | undefined): string | undefined {
    const match = /(?:^|,)\s*CN=((?:\\.|[^,])+)/.exec(distinguishedName ?? "");
    return match?.[1].replace(/\\(.)/g, "$1").trim();
}

function reply(statusCode: number, body: object): APIGatewayProxyResult {
    return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * `GET /customer/{customer-id}`: the customer record, with the calling partner named by the
 * authorizer, or else from the client certificate API Gateway verified.
 */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const id = event.pathParameters?.["customer-id"] ?? "";
    if (!customerId.test(id)) {
        return reply(400, { message: `customer-id "${id}" is malformed; use 1 to 10 digits` });
    }
    const customer = customers.get(id);
    if (!customer) {
        return reply(404, { message: `customer ${id} not found` });
    }
    const named: unknown = event.requestContext.authorizer?.partner;
    const partner = (typeof named === "string" && named) || commonName(event.requestContext.identity.clientCert?.subjectDN) || "unknown";
    return reply(200, { ...customer, partner });
}
