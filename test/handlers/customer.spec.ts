import { strict as assert } from "node:assert";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { commonName, handler } from "../../handlers/customer";

/** A proxy event for GET /customer/{id}, with the client certificate API Gateway verified and the authorizer's context. */
function event(id: string | undefined, subjectDN = "CN=acme-bank.partners.example.com,O=Acme Bank", authorizer?: Record<string, string>): APIGatewayProxyEvent {
    return {
        resource: "/customer/{customer-id}",
        path: `/customer/${id}`,
        httpMethod: "GET",
        pathParameters: id === undefined ? null : { "customer-id": id },
        requestContext: { authorizer, identity: { clientCert: { subjectDN, issuerDN: "CN=Example Corp partner issuing CA", serialNumber: "01", clientCertPem: "", validity: { notBefore: "", notAfter: "" } } } },
    } as unknown as APIGatewayProxyEvent;
}

describe("customer handler", () => {
    it("returns the customer as JSON, naming the calling partner from the certificate subject", async () => {
        const response = await handler(event("42"));
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers?.["content-type"], "application/json");
        const body = JSON.parse(response.body);
        assert.equal(body.id, "42");
        assert.equal(body.name, "Ada Lovelace");
        assert.equal(body.partner, "acme-bank.partners.example.com");
    });

    it("names the partner as the authorizer named it, when it did", async () => {
        const response = await handler(event("42", undefined, { partner: "acme-bank", serial: "A1B2", reason: "not revoked" }));
        assert.equal(JSON.parse(response.body).partner, "acme-bank");
    });

    it("answers 400 to a malformed id", async () => {
        for (const id of ["abc", "42; drop", "", "12345678901"]) {
            const response = await handler(event(id));
            assert.equal(response.statusCode, 400, id);
            assert.match(JSON.parse(response.body).message, /malformed/);
        }
    });

    it("answers 404 to an unknown id", async () => {
        const response = await handler(event("7"));
        assert.equal(response.statusCode, 404);
        assert.equal(JSON.parse(response.body).message, "customer 7 not found");
    });

    it("reads the common name wherever it stands in the subject, with escaped commas", () => {
        assert.equal(commonName("O=Initech,CN=initech"), "initech");
        assert.equal(commonName("CN=Acme\\, Inc.,O=Acme"), "Acme, Inc.");
        assert.equal(commonName("O=NoCommonName"), undefined);
        assert.equal(commonName(undefined), undefined);
    });
});
