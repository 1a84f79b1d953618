import { strict as assert } from "node:assert";
import { accessLogFields, accessLogFormat } from "../../../core/monitoring/access-log";
import { partnerMetrics } from "../../../core/monitoring/dashboard";

/**
 * What API Gateway would fill in for a request of a partner whose certificate's subject and
 * issuer are hostile: an escaped comma, a quote, a backslash, a newline. Every variable the format
 * may use is here, so that a new one must be placed among the values a client shapes or not.
 */
const hostile = {
    "$context.requestId": "7f1dc22d-41e8-41a7-9adc-62cd870a22dc",
    "$context.requestTime": "22/Nov/2026:00:32:43 +0000",
    "$context.identity.sourceIp": "203.0.113.7",
    "$context.httpMethod": "GET",
    "$context.resourcePath": "/customer/{customer-id}",
    "$context.status": "200",
    "$context.responseLength": "110",
    "$context.domainName": "api.dev.example.com",
    "$context.identity.clientCert.serialNumber": "3f:61:e1:2d:27:a7:07:dc",
    "$context.identity.clientCert.validity.notAfter": "Feb 20 00:32:39 2027 GMT",
    "$context.authorizer.partner": "hooli",
    // Shaped by whoever made the certificate or sends the request.
    "$context.identity.clientCert.subjectDN": "CN=hooli \"x\",O=Hooli\\, Inc.\nOU=\\\\",
    "$context.identity.clientCert.issuerDN": "CN=Hooli \"CA\",O=Hooli\\, Inc.",
    "$context.identity.clientCert.clientCertPem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "$context.identity.userAgent": "curl \"8\" \\",
    "$context.path": "/v1/customer/\"42\"",
} as const;

/** The format with each variable replaced by its value as is, as API Gateway may write it. */
function fill(format: string): string {
    return format.replace(/\$context\.[A-Za-z0-9_.]+/g, (variable) => {
        assert.ok(variable in hostile, `${variable} has no value in this test: add it, shaped by the client or not`);
        return hostile[variable as keyof typeof hostile];
    });
}

describe("the access-log format (core/monitoring/access-log.ts)", () => {
    it("stays valid JSON whatever a client certificate's subject and issuer hold", () => {
        const line = JSON.parse(fill(accessLogFormat)) as Record<string, string>;
        assert.equal(line.partner, "hooli");
        assert.equal(line.clientCertSerial, "3f:61:e1:2d:27:a7:07:dc");
    });

    it("would break with the subject in it: the test can fail", () =>
        assert.throws(() => JSON.parse(fill(JSON.stringify({ ...accessLogFields, clientCertSubject: "$context.identity.clientCert.subjectDN" }))), SyntaxError));

    it("holds every field the per-partner metric filters read", () => {
        for (const { pattern } of Object.values(partnerMetrics)) {
            for (const [, field] of pattern.matchAll(/\$\.([A-Za-z]+)/g)) {
                assert.ok(field in accessLogFields, `${pattern} reads ${field}`);
            }
        }
    });
});
