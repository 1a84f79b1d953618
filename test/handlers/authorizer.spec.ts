import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { AuthorizerOptions, createAuthorizer } from "../../handlers/authorizer";
import { AuthorizerLists, authorizerListsFile, certificateKey, issuerId, normaliseSerial } from "../../core/authorizer/decision";
import { parseConfig } from "../../core/config/stack";
import { verifyCrls } from "../../core/x509/crl";
import { bundleHandler } from "../../components/node-function";
import { partnerNames, revocationList } from "../../core/authorizer/decision";
import { colonHex } from "../../tools/local/client-certs";
import { decide as gatewayDecision } from "../../tools/local/authorizer";
import { Issued, makeCa, makeLeaf } from "../helpers/certs";
import { makeCrlWithSerials, makeLeafWithSerial } from "../helpers/raw-serials";

const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/customer/42";

/** A REQUEST authorizer event as API Gateway sends it over mutual TLS. */
function event(clientCert: Issued | undefined | { pem: string; serial: string }): APIGatewayRequestAuthorizerEvent {
    const pem = clientCert?.pem;
    const serialNumber = clientCert === undefined ? undefined
        : "serial" in clientCert ? clientCert.serial : new X509Certificate(clientCert.pem).serialNumber.match(/../g)?.join(":");
    return {
        type: "REQUEST",
        methodArn,
        requestContext: { identity: { clientCert: pem === undefined ? null : { clientCertPem: pem, serialNumber, subjectDN: "", issuerDN: "", validity: { notBefore: "", notAfter: "" } } } },
    } as unknown as APIGatewayRequestAuthorizerEvent;
}

function effectOf(result: APIGatewayAuthorizerResult): string {
    const [statement] = result.policyDocument.Statement as { Effect: string; Resource: string }[];
    assert.equal(statement.Resource, methodArn);
    return statement.Effect;
}

describe("revocation authorizer", () => {
    let acme: Issued;
    let initech: Issued;
    let lists: AuthorizerLists;
    /** Options with the lists as the function's package carries them. */
    let options: (changes?: Partial<AuthorizerOptions>) => AuthorizerOptions;
    before(async () => {
        const ca = await makeCa("CN=Example partner issuing CA, O=Example");
        acme = await makeLeaf("CN=acme.partners.example.com", ca);
        initech = await makeLeaf("CN=initech", ca);
        const serial = (issued: Issued) => normaliseSerial(new X509Certificate(issued.pem).serialNumber) as string;
        const issuer = issuerId(new X509Certificate(acme.pem).issuer);
        lists = {
            revocations: { anyIssuer: { [serial(initech)]: "offboarded" }, byIssuer: {}, issuerChains: {} },
            partnerNames: { [certificateKey(issuer, serial(acme))]: "acme-bank", [certificateKey(issuer, serial(initech))]: "initech" },
        };
        options = (changes = {}) => ({ env: { DECISION_CACHE_SECONDS: "60" }, readLists: () => JSON.stringify(lists), log: () => undefined, ...changes });
    });

    it("allows a partner whose certificate is not revoked, and passes its name and serial in the context", async () => {
        const result = await createAuthorizer(options())(event(acme));
        assert.equal(effectOf(result), "Allow");
        assert.equal(result.principalId, "acme-bank");
        assert.equal(result.context?.partner, "acme-bank");
        assert.equal(result.context?.serial, normaliseSerial(new X509Certificate(acme.pem).serialNumber));
    });

    it("denies a revoked certificate, which API Gateway answers with 403, and logs why", async () => {
        const lines: string[] = [];
        const result = await createAuthorizer(options({ log: (line) => lines.push(line) }))(event(initech));
        assert.equal(effectOf(result), "Deny");
        assert.equal(result.context?.reason, "revoked: offboarded");
        assert.equal(JSON.parse(lines[0]).reason, "revoked: offboarded");
    });

    it("denies a request without a client certificate", async () => {
        const result = await createAuthorizer(options())(event(undefined));
        assert.equal(effectOf(result), "Deny");
        assert.equal(result.principalId, "anonymous");
        assert.equal(result.context?.reason, "no client certificate");
    });

    it("denies every call when its lists cannot be read or do not parse", async () => {
        const unreadable = () => {
            throw new Error("ENOENT: lists.json");
        };
        const broken = [unreadable, () => "{", () => JSON.stringify({ ...lists, partnerNames: [] }), () => JSON.stringify({ partnerNames: {} })];
        for (const readLists of broken) {
            const lines: string[] = [];
            const authorize = createAuthorizer(options({ readLists, log: (line) => lines.push(line) }));
            assert.equal(effectOf(await authorize(event(acme))), "Deny");
            assert.match(lines[0], /every call is denied/);
        }
    });

    it("reuses a decision for the same serial until the cache time has passed", async () => {
        let now = new Date();
        const lines: string[] = [];
        const authorize = createAuthorizer(options({ now: () => now, log: (line) => lines.push(line) }));
        await authorize(event(acme));
        await authorize(event(acme));
        assert.equal(lines.length, 1, "the second call came from the cache");
        now = new Date(now.getTime() + 61_000);
        await authorize(event(acme));
        assert.equal(lines.length, 2, "after 60 s the authorizer decides again");
    });

    it("decides again when the same serial comes with another certificate, and caches nothing at 0 seconds", async () => {
        const lines: string[] = [];
        const authorize = createAuthorizer(options({ log: (line) => lines.push(line) }));
        const serial = new X509Certificate(acme.pem).serialNumber;
        await authorize(event({ pem: acme.pem, serial }));
        assert.equal(effectOf(await authorize(event({ pem: initech.pem, serial }))), "Deny");
        assert.equal(lines.length, 2);

        const uncached: string[] = [];
        const noCache = createAuthorizer(options({ env: { DECISION_CACHE_SECONDS: "0" }, log: (line) => uncached.push(line) }));
        await noCache(event(acme));
        await noCache(event(acme));
        assert.equal(uncached.length, 2);
    });

    describe("usage keys", () => {
        const parameter = "/apigw-mtls/test/partner-usage-keys";
        const keys = { "acme-bank": "AcmeKey0123456789abcdefghijklmnopqrstuvw" };
        /** Options with the keys parameter set, each name read by `readParameter` through `readParameters`. */
        const withKeys = (readParameter: (name: string) => Promise<string | undefined>, changes: Partial<AuthorizerOptions> = {}) =>
            options({
                env: { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: parameter },
                readParameters: async (names) => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readParameter(name)]))),
                ...changes,
            });

        it("returns the calling partner's key as usageIdentifierKey, read from the named parameter once per instance", async () => {
            const names: string[] = [];
            const authorize = createAuthorizer(withKeys(async (name) => {
                names.push(name);
                return JSON.stringify(keys);
            }));
            const result = await authorize(event(acme));
            assert.equal(effectOf(result), "Allow");
            assert.equal(result.usageIdentifierKey, keys["acme-bank"]);
            await authorize(event(acme));
            assert.deepEqual(names, [parameter], "read once, at the first call");
        });

        it("allows a partner without a key without one, which API Gateway answers with 403 as for any missing key", async () => {
            const result = await createAuthorizer(withKeys(async () => JSON.stringify({ initech: "other" })))(event(acme));
            assert.equal(effectOf(result), "Allow");
            assert.equal(result.usageIdentifierKey, undefined);
            const prototypeName = await createAuthorizer(withKeys(async () => JSON.stringify({}), {
                readLists: () => JSON.stringify({ ...lists, partnerNames: Object.fromEntries(Object.entries(lists.partnerNames).map(([k]) => [k, "constructor"])) }),
            }))(event(acme));
            assert.equal(prototypeName.usageIdentifierKey, undefined, "a partner named like an Object member has no key either");
        });

        it("returns no key and reads no parameter when none is named", async () => {
            let reads = 0;
            const read = async () => (reads++, JSON.stringify(keys));
            const result = await createAuthorizer(options({ readParameter: read, readParameters: async (names) => Object.fromEntries(await Promise.all(names.map(async (name) => [name, await read()]))) }))(event(acme));
            assert.equal(effectOf(result), "Allow");
            assert.equal("usageIdentifierKey" in result, false);
            assert.equal(reads, 0);
        });

        it("denies when the keys cannot be read or do not parse, in one log line that holds no key, and reads again at the next call", async () => {
            const failures: (() => Promise<string | undefined>)[] = [
                async () => { throw new Error("AccessDeniedException: not authorized to perform ssm:GetParameter"); },
                async () => undefined,
                // Unquoted, so that JSON.parse's own message would quote it.
                async () => `{"acme-bank": ${keys["acme-bank"]}}`,
                async () => JSON.stringify({ "acme-bank": 42 }),
            ];
            for (const failure of failures) {
                const lines: string[] = [];
                let reads = 0;
                const authorize = createAuthorizer(withKeys(async () => (reads++ === 0 ? failure() : JSON.stringify(keys)), { log: (line) => lines.push(line) }));
                const denied = await authorize(event(acme));
                assert.equal(effectOf(denied), "Deny");
                assert.equal(denied.context?.reason, "the usage keys cannot be read");
                assert.equal(denied.usageIdentifierKey, undefined);
                const failed = lines.filter((line) => /usage keys cannot be read/.test(line));
                assert.equal(failed.length, 1);
                assert.doesNotMatch(failed[0], /\n/);
                assert.equal(JSON.parse(failed[0]).parameter, parameter);
                assert.equal(JSON.parse(failed[0]).shards, "1");
                assert.ok(lines.every((line) => !line.includes(keys["acme-bank"])), "no line holds a key");
                assert.equal((await authorize(event(acme))).usageIdentifierKey, keys["acme-bank"], "the next call reads again");
            }
        });

        it("reads every shard the environment names, ten names a GetParameters call, and merges their keys", async () => {
            const batches: string[][] = [];
            // 23 shards, partner i's key in shard i; the caller, acme-bank, in the last.
            const shardOf = (name: string) => (name === parameter ? 0 : Number(name.slice(parameter.length + 1)));
            const authorize = createAuthorizer(options({
                env: { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: parameter, USAGE_KEYS_SHARDS: "23" },
                readParameters: async (names) => {
                    batches.push([...names]);
                    return Object.fromEntries(names.map((name) => [name, JSON.stringify(shardOf(name) === 22 ? keys : { [`partner-${shardOf(name)}`]: `key-${shardOf(name)}` })]));
                },
            }));
            const result = await authorize(event(acme));
            assert.equal(result.usageIdentifierKey, keys["acme-bank"]);
            await authorize(event(acme));
            assert.deepEqual(batches.map((batch) => batch.length), [10, 10, 3], "three calls, read once");
            assert.deepEqual(batches.flat(), [parameter, ...Array.from({ length: 22 }, (_, i) => `${parameter}-${i + 1}`)]);
        });

        it("denies when one shard of several cannot be read, naming the parameters and no key, and reads every shard again at the next call", async () => {
            const lines: string[] = [];
            let reads = 0;
            const authorize = createAuthorizer(options({
                env: { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: parameter, USAGE_KEYS_SHARDS: "2" },
                log: (line) => lines.push(line),
                readParameters: async (names) => Object.fromEntries(names.map((name) => [name, name === parameter ? JSON.stringify({ initech: "other" }) : reads++ === 0 ? undefined : JSON.stringify(keys)])),
            }));
            const denied = await authorize(event(acme));
            assert.equal(effectOf(denied), "Deny");
            assert.equal(denied.context?.reason, "the usage keys cannot be read");
            const failed = lines.filter((line) => /usage keys cannot be read/.test(line)).map((line) => JSON.parse(line));
            assert.deepEqual(failed.map((line) => [line.parameter, line.shards]), [[parameter, "2"]]);
            assert.equal((await authorize(event(acme))).usageIdentifierKey, keys["acme-bank"]);
        });

        it("denies when the shard count in its environment is not a whole number from 1", async () => {
            for (const shards of ["0", "two", "1.5"]) {
                const result = await createAuthorizer(withKeys(async () => JSON.stringify(keys), { env: { USAGE_KEYS_PARAMETER: parameter, USAGE_KEYS_SHARDS: shards }, log: () => undefined }))(event(acme));
                assert.equal(effectOf(result), "Deny", shards);
            }
        });

        it("denies a revoked certificate without reading the keys", async () => {
            let reads = 0;
            const result = await createAuthorizer(withKeys(async () => (reads++, JSON.stringify(keys))))(event(initech));
            assert.equal(effectOf(result), "Deny");
            assert.equal(result.usageIdentifierKey, undefined);
            assert.equal(reads, 0);
        });
    });

    describe("per-partner access", () => {
        const stagesParameter = "/apigw-mtls/test/api-stages";
        const stages = { customer: "abc123/v1", orders: "ord456/v1", billing: "bil789/prod" };
        const prefix = "arn:aws:execute-api:eu-west-1:123456789012:";
        /** An authorizer whose lists give acme-bank the APIs `access`, with the API stages parameter. */
        const withAccess = (access: readonly string[]) => createAuthorizer(options({
            env: { DECISION_CACHE_SECONDS: "60", API_STAGES_PARAMETER: stagesParameter },
            readLists: () => JSON.stringify({ ...lists, access: { "acme-bank": access } }),
            readParameter: async (name) => (name === stagesParameter ? JSON.stringify(stages) : undefined),
        }));
        const statement = (result: APIGatewayAuthorizerResult) => result.policyDocument.Statement[0] as { Effect: string; Resource: string | string[] };

        it("allows a call to an API the partner may call, naming every stage it may call and no other", async () => {
            const result = await withAccess(["customer", "billing"])(event(acme));
            assert.deepEqual(statement(result), { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${prefix}abc123/v1/*/*`, `${prefix}bil789/prod/*/*`] });
        });

        it("denies a call to an API the partner may not call, which API Gateway answers with 403", async () => {
            const result = await withAccess(["orders"])(event(acme));
            assert.deepEqual(statement(result), { Action: "execute-api:Invoke", Effect: "Deny", Resource: methodArn });
            assert.equal(result.context?.reason, "the partner may not call this API (its access)");
        });

        it("denies a partner the lists give no access, and every call when the stages cannot be read", async () => {
            assert.equal(statement(await withAccess([])(event(acme))).Effect, "Deny");
            const unreadable = createAuthorizer(options({
                env: { DECISION_CACHE_SECONDS: "60", API_STAGES_PARAMETER: stagesParameter },
                readLists: () => JSON.stringify({ ...lists, access: { "acme-bank": ["customer"] } }),
                readParameter: async () => "not json",
            }));
            const result = await unreadable(event(acme));
            assert.equal(statement(result).Effect, "Deny");
            assert.equal(result.context?.reason, "the API stages cannot be read");
        });
    });

    describe("a certificate with a negative serial (DER INTEGER with the high bit set)", () => {
        let ca: Issued;
        let negative: Issued;
        let positive: Issued;
        /** The event as local mode fills it: the serial in colon hex. */
        const withSerial = (issued: Issued) => event({ pem: issued.pem, serial: colonHex(new X509Certificate(issued.pem).serialNumber) });
        /** What API Gateway answers the caller: an explicit Deny is 403. */
        const gatewayAnswer = (result: APIGatewayAuthorizerResult) => gatewayDecision(result, methodArn).effect;
        const authorizerOf = (revocations: AuthorizerLists["revocations"]) =>
            createAuthorizer(options({ readLists: () => JSON.stringify({ revocations, partnerNames: partnerNames({}, [{ name: "hooli", caCertPem: ca.pem }]) }) }));
        before(async () => {
            ca = await makeCa("CN=Hooli Partner CA, O=Hooli");
            negative = await makeLeafWithSerial("CN=hooli-negative", ca, "f5e4d4");
            positive = await makeLeafWithSerial("CN=hooli-positive", ca, "00f5e4d4");
        });

        it("is denied (403) when its CA's verified CRL revokes it, and the positive serial of the same octets is not", async () => {
            const [crl] = await verifyCrls([await makeCrlWithSerials(ca, ["f5e4d4"])], ca.pem, "partners/hooli.crl.pem");
            const authorize = authorizerOf(revocationList([], crl.revocations));
            const denied = await authorize(withSerial(negative));
            assert.equal(gatewayAnswer(denied), "explicit-deny");
            assert.equal(denied.context?.reason, "revoked: unspecified (CRL)");
            assert.equal(denied.context?.partner, "hooli");
            assert.equal(gatewayAnswer(await authorize(withSerial(positive))), "allow");
        });

        it("is denied (403) when revokedSerials lists it as openssl and Node.js print it", async () => {
            const config = parseConfig({
                domainName: "api.dev.example.com",
                hostedZoneId: "Z0DEV0EXAMPLE0COM00A",
                revokedSerials: JSON.stringify([{ serial: new X509Certificate(negative.pem).serialNumber, reason: "laptop stolen, SEC-42" }]),
            }, "eu-west-1");
            const authorize = authorizerOf(revocationList(config.revokedSerials, []));
            const denied = await authorize(withSerial(negative));
            assert.equal(gatewayAnswer(denied), "explicit-deny");
            assert.equal(denied.context?.reason, "revoked: laptop stolen, SEC-42");
            assert.equal(gatewayAnswer(await authorize(withSerial(positive))), "allow");
        });
    });

    it("runs from its bundle with the lists file beside it, as Lambda runs it", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authorizer-"));
        const file = path.join(dir, "index.js");
        fs.writeFileSync(file, bundleHandler(path.join(__dirname, "..", "..", "handlers", "authorizer.ts")));
        fs.writeFileSync(path.join(dir, authorizerListsFile), JSON.stringify(lists));
        const log = console.log;
        console.log = () => undefined;
        try {
            const { handler } = (await import(file)) as { handler: ReturnType<typeof createAuthorizer> };
            assert.equal(effectOf(await handler(event(acme))), "Allow");
            assert.equal(effectOf(await handler(event(initech))), "Deny");
        } finally {
            console.log = log;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
