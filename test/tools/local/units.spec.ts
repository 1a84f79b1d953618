// The pure parts of local mode: names and serials as API Gateway writes them, the verdict cache,
// routing, authorizer policies, TLS settings and command-line options.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { parseCommandLine, parsePort, UsageError } from "../../../tools/cli/args";
import { formatTable } from "../../../tools/cli/table";
import { decide } from "../../../tools/local/authorizer";
import { ClientCertificates, colonHex, rfc2253 } from "../../../tools/local/client-certs";
import type { DomainModel, MethodModel, ResourceNode, StageModel } from "../../../tools/local/domain-model";
import { tlsSettings } from "../../../tools/local/gateway";
import { arnPattern, functionArnOfUri, ModelError } from "../../../tools/local/model";
import { route } from "../../../tools/local/routing";
import { resultTable } from "../../../tools/smoke/checks";
import { daysFrom, Issued, makeCa, makeLeaf, sharedKey, toBundle } from "../../helpers/certs";

function node(path: string): ResourceNode {
    return { id: path, path, statics: new Map(), methods: new Map() };
}

function method(httpMethod: string, resourcePath: string): MethodModel {
    return { httpMethod, resourcePath, resourceId: resourcePath, requiredParameters: [], apiKeyRequired: false, integration: { kind: "mock", statusCodes: {}, responses: [] } };
}

/** /customer/{id} (GET), /customer/{id}/orders (ANY), /files/{path+} (GET), /customer/me (GET). */
function sampleDomain(): DomainModel {
    const root = node("/");
    const customer = node("/customer");
    const byId = node("/customer/{id}");
    const me = node("/customer/me");
    const orders = node("/customer/{id}/orders");
    const files = node("/files");
    const anyFile = node("/files/{path+}");
    root.statics.set("customer", customer).set("files", files);
    customer.statics.set("me", me);
    customer.param = { name: "id", node: byId };
    byId.statics.set("orders", orders);
    files.greedy = { name: "path", node: anyFile };
    byId.methods.set("GET", method("GET", byId.path));
    me.methods.set("GET", method("GET", me.path));
    orders.methods.set("ANY", method("ANY", orders.path));
    anyFile.methods.set("GET", method("GET", anyFile.path));
    const stage: StageModel = { apiId: "api", stageName: "v1", accountId: "123456789012", region: "eu-west-1", variables: null, apiKeySource: "HEADER", usagePlans: [], root };
    return {
        domainName: "api.example.com",
        securityPolicy: "TLS_1_2",
        truststorePem: "",
        truststoreUri: "s3://b/k",
        mappings: [
            { basePath: ["c360", "v2"], stage: { ...stage, stageName: "v2" }, stages: new Map() },
            { basePath: ["c360"], stage, stages: new Map() },
            { basePath: ["unstaged"], stages: new Map([["v1", stage]]) },
        ],
        functions: [],
        parameters: [],
    };
}

describe("local mode, pure parts", () => {
    describe("client certificate fields", () => {
        it("writes names in RFC 2253 order, most specific first, keeping escapes and multi-valued RDNs", () => {
            assert.equal(rfc2253("C=US\nO=Acme\\, Inc.\nOU=a + OU=b\nCN=client"), "CN=client,OU=b+OU=a,O=Acme\\, Inc.,C=US");
            assert.equal(rfc2253("O=Acme Bank\nCN=acme-bank.partners.example.com"), "CN=acme-bank.partners.example.com,O=Acme Bank");
        });

        it("writes serials as colon-separated lower-case bytes, padding an odd-length hex", () => {
            assert.equal(colonHex("A1B2C3"), "a1:b2:c3");
            assert.equal(colonHex("A1D9C86"), "0a:1d:9c:86");
        });
    });

    describe("ClientCertificates", () => {
        it("answers from its cache, synchronously, for a certificate it has judged", async () => {
            const ca = await makeCa("CN=Unit Root, O=Test");
            const leaf = await makeLeaf("CN=unit-client, O=Test", ca);
            const clients = await ClientCertificates.fromTruststore(toBundle([ca]));
            const cert = new X509Certificate(leaf.pem);
            const first = clients.check(cert);
            assert.ok(first instanceof Promise);
            const verdict = await first;
            assert.equal(verdict.accepted, true, verdict.reason);
            assert.equal(verdict.identity.subjectDN, "O=Test,CN=unit-client", "the DER order (CN first) reversed");
            assert.equal(clients.check(cert), verdict);
        });

        it("judges again once the verdict's time is up, and refuses an expired certificate", async () => {
            const ca = await makeCa("CN=Unit Root 2, O=Test");
            const now = new Date();
            const shortLived = await makeLeaf("CN=short, O=Test", ca, { notBefore: daysFrom(now, -1), notAfter: new Date(now.getTime() + 30_000) });
            const clients = await ClientCertificates.fromTruststore(toBundle([ca]));
            const cert = new X509Certificate(shortLived.pem);
            assert.equal((await clients.check(cert, now.getTime())).accepted, true);
            const later = clients.check(cert, now.getTime() + 120_000);
            assert.ok(later instanceof Promise, "the cached verdict ends with the certificate");
            assert.equal((await later).accepted, false);
        });

        it("refuses a certificate its trusted CA signed when API Gateway does not support its signature or key, naming why", async () => {
            const ca = await makeCa("CN=Unit Root 3, O=Test");
            const clients = await ClientCertificates.fromTruststore(toBundle([ca]));
            const cases: [Promise<Issued>, RegExp | undefined][] = [
                [makeLeaf("CN=sha1, O=Test", ca, { hash: "SHA-1" }), /^certificate is signed with SHA-1 .*SHA-256 or stronger/],
                [makeLeaf("CN=rsa1024, O=Test", ca, { key: await sharedKey("rsa1024") }), /^certificate has an RSA key of 1024 bits; API Gateway requires at least 2048/],
                [makeLeaf("CN=p521, O=Test", ca, { key: await sharedKey("p521") }), /^certificate has an ECDSA key on P-521; API Gateway accepts only P-256 and P-384/],
                [makeLeaf("CN=rsa2048, O=Test", ca, { key: await sharedKey("rsa2048") }), undefined],
                [makeLeaf("CN=p384, O=Test", ca, { key: await sharedKey("p384"), hash: "SHA-384" }), undefined],
            ];
            for (const [leaf, refusal] of cases) {
                const { cert, pem } = await leaf;
                const verdict = await clients.check(new X509Certificate(pem));
                assert.equal(verdict.accepted, refusal === undefined, `${cert.subject}: ${verdict.reason}`);
                if (refusal) {
                    assert.match(verdict.reason, refusal);
                }
            }
        });
    });

    describe("route", () => {
        const domain = sampleDomain();

        it("prefers the longest base path, then literal segments over variables", () => {
            const v2 = route(domain, "/c360/v2/customer/me", "GET");
            const me = route(domain, "/c360/customer/me", "GET");
            const byId = route(domain, "/c360/customer/42", "GET");
            assert.ok(v2.kind === "method" && me.kind === "method" && byId.kind === "method");
            assert.equal(v2.stage.stageName, "v2");
            assert.equal(me.method.resourcePath, "/customer/me");
            assert.equal(me.pathParameters, null);
            assert.deepEqual(byId.pathParameters, { id: "42" });
            assert.equal(byId.path, "/customer/42");
        });

        it("matches ANY for every method, greedy variables over the rest of the path, and decodes parameters", () => {
            const orders = route(domain, "/c360/customer/a%20b/orders", "DELETE");
            const file = route(domain, "/c360/files/a/b/c.txt", "GET");
            assert.ok(orders.kind === "method" && file.kind === "method");
            assert.deepEqual(orders.pathParameters, { id: "a b" });
            assert.deepEqual(file.pathParameters, { path: "a/b/c.txt" });
        });

        it("takes the stage from the path when the mapping names none", () => {
            const found = route(domain, "/unstaged/v1/customer/9", "GET");
            assert.ok(found.kind === "method");
            assert.equal(found.path, "/customer/9");
            assert.equal(route(domain, "/unstaged/v9/customer/9", "GET").kind, "no-mapping");
        });

        it("tells a path outside every mapping from a missing resource or method", () => {
            assert.equal(route(domain, "/other/customer/42", "GET").kind, "no-mapping");
            assert.equal(route(domain, "/c360/customer/42", "POST").kind, "no-method");
            assert.equal(route(domain, "/c360/nothing", "GET").kind, "no-method");
            assert.equal(route(domain, "/c360", "GET").kind, "no-method");
            assert.equal(route(domain, "/c360/files", "GET").kind, "no-method");
        });
    });

    describe("decide (authorizer output)", () => {
        const arn = "arn:aws:execute-api:eu-west-1:123456789012:api/v1/GET/customer/42";
        const policy = (...statements: object[]) => ({ principalId: "p", policyDocument: { Version: "2012-10-17", Statement: statements }, context: { partner: "acme" } });

        it("allows on a matching Allow, with wildcards and a single statement object", () => {
            assert.deepEqual(decide(policy({ Effect: "Allow", Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:api/*/GET/*" }), arn),
                { effect: "allow", principalId: "p", context: { partner: "acme" } });
            assert.equal(decide({ principalId: 1, policyDocument: { Statement: { Effect: "Allow", Action: ["execute-api:*"], Resource: [arn] } } }, arn).effect, "allow");
        });

        it("lets an explicit Deny win, and denies when no Allow matches", () => {
            assert.equal(decide(policy({ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }, { Effect: "Deny", Action: "execute-api:Invoke", Resource: arn }), arn).effect, "explicit-deny");
            assert.equal(decide(policy({ Effect: "Allow", Action: "execute-api:Invoke", Resource: arn.replace("42", "43") }), arn).effect, "implicit-deny");
            assert.equal(decide(policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), arn).effect, "implicit-deny");
        });

        it("finds outputs API Gateway cannot use invalid", () => {
            assert.equal(decide(undefined, arn).effect, "invalid");
            assert.equal(decide({ policyDocument: { Statement: [] } }, arn).effect, "invalid");
            assert.equal(decide({ principalId: "p" }, arn).effect, "invalid");
            assert.equal(decide({ principalId: "p", policyDocument: { Statement: [] }, context: { list: [1] } }, arn).effect, "invalid");
        });
    });

    describe("ARNs", () => {
        it("matches Lambda permission patterns and reads the function out of an invocation URI", () => {
            assert.ok(arnPattern("arn:aws:execute-api:eu-west-1:1:api/*/GET/customer/*").test("arn:aws:execute-api:eu-west-1:1:api/v1/GET/customer/{id}"));
            assert.ok(!arnPattern("arn:aws:execute-api:eu-west-1:1:api/*/GET/customer/*").test("arn:aws:execute-api:eu-west-1:1:other/v1/GET/customer/1"));
            assert.equal(functionArnOfUri("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:f/invocations"), "arn:aws:lambda:eu-west-1:1:function:f");
        });
    });

    describe("tlsSettings", () => {
        it("sets TLS 1.2 as the minimum for TLS_1_2 and refuses policies mutual TLS cannot use", () => {
            assert.equal(tlsSettings("TLS_1_2").minVersion, "TLSv1.2");
            assert.equal(tlsSettings("TLS_1_0").minVersion, "TLSv1");
            assert.throws(() => tlsSettings("SecurityPolicy_TLS13_1_3_2025_09"), (error: unknown) => error instanceof ModelError && /set it to TLS_1_2/.test(error.message));
        });
    });

    describe("options and tables", () => {
        it("parses values, inline values and flags, and refuses the rest with one line naming the option", () => {
            const options = { stack: { type: "string" }, port: { type: "string" }, smoke: { type: "boolean" } } as const;
            const parsed = parseCommandLine(["--stack", "prod", "--port=9443", "--smoke"], options);
            assert.deepEqual({ ...parsed.values }, { stack: "prod", port: "9443", smoke: true });
            const refusals: [string[], string][] = [
                [["--nope"], "unknown option --nope"],
                [["stray"], 'unexpected argument "stray"'],
                [["--stack"], "--stack needs a value"],
                [["--stack", "--smoke"], "--stack needs a value"],
                [["--stack="], "--stack needs a value"],
                [["--stack", "a", "--stack", "b"], "--stack is given twice"],
                [["--smoke=yes"], "--smoke takes no value"],
            ];
            for (const [argv, message] of refusals) {
                assert.throws(() => parseCommandLine(argv, options), (error: unknown) => error instanceof UsageError && error.message === message, argv.join(" "));
            }
            assert.deepEqual(parseCommandLine(["a.pem", "--smoke"], options, true).positionals, ["a.pem"]);
            assert.equal(parsePort("8443"), 8443);
            assert.throws(() => parsePort("84a"), UsageError);
            assert.throws(() => parsePort("70000"), UsageError);
        });

        it("lays checks out in aligned columns with PASS or FAIL last", () => {
            const table = resultTable([
                { check: "a", expected: "2xx", got: "200", passed: true },
                { check: "longer check", expected: "refused", got: "403", passed: false },
            ]).split("\n");
            assert.equal(table.length, 3);
            assert.match(table[1], /^a {13}2xx {7}200 {2}PASS$/);
            assert.match(table[2], /FAIL$/);
            assert.equal(table[1].indexOf("200"), table[2].indexOf("403"));
        });

        it("right-aligns the columns it is told to, rules the header, and leaves undefined cells empty", () => {
            const table = formatTable(["case", "wall s", "note"], [["1 generated", 0.7, undefined], ["1000 generated", 21.09, "slow"]], { align: ["left", "right", "right"], rule: true }).split("\n");
            assert.deepEqual(table, [
                "case            wall s  note",
                "--------------  ------  ----",
                "1 generated        0.7      ",
                "1000 generated   21.09  slow",
            ]);
        });
    });
});
