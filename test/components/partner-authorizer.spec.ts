import { strict as assert } from "node:assert";
import { PartnerAuthorizer } from "../../components/partner-authorizer";
import { PartnerUsageKeys } from "../../components/partner-usage-keys";
import { X509Certificate } from "node:crypto";
import { certificateKey, issuedSubjectKey, issuerId, normaliseSerial, partnerNames, revocationList, subjectKey } from "../../core/authorizer/decision";
import { makeCa, makeLeaf } from "../helpers/certs";
import { allOf, archiveFile, captureResources, only, valueOf } from "../helpers/outputs";
import { issuerChains } from "../../core/truststore/issuer-chains";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("PartnerAuthorizer", () => {
        const revokedSerials = [{ serial: "A1B2", reason: "key leaked, SEC-1" }];
        const crlRevocations = [{ issuerId: "0123456789abcdef", serial: "FF", reason: "keyCompromise (CRL)" }];
        const list = { anyIssuer: { A1B2: "key leaked, SEC-1" }, byIssuer: { "0123456789abcdef": { FF: "keyCompromise (CRL)" } }, issuerChains: {} };

        it("builds the list from config entries for any issuer and CRL entries for their issuer", () => {
            assert.deepEqual(revocationList(revokedSerials, crlRevocations), list);
        });

        it("names issued certificates by issuer and serial, by issuer and subject and by subject, and a partner's own CAs by issuer", async () => {
            const ours = await makeCa("CN=Example partner issuing CA");
            const acme = await makeLeaf("CN=acme", ours);
            const globexCa = await makeCa("CN=Globex Partner CA");
            const cert = new X509Certificate(acme.pem);
            assert.deepEqual(partnerNames({ "acme-bank": acme.pem }, [{ name: "globex", caCertPem: globexCa.pem }]), {
                [issuerId(new X509Certificate(globexCa.pem).subject)]: "globex",
                [certificateKey(issuerId(cert.issuer), normaliseSerial(cert.serialNumber) as string)]: "acme-bank",
                [subjectKey(issuerId(cert.issuer), cert.subject)]: "acme-bank",
                [issuedSubjectKey(cert.subject)]: "acme-bank",
            });
        });

        it("runs the authorizer handler with the revocations and partner names in its package, allowed only to log", async () => {
            const ours = await makeCa("CN=Example partner issuing CA");
            const acme = await makeLeaf("CN=acme", ours);
            const globexCa = await makeCa("CN=Globex Partner CA");
            const issuedCertificates = { "acme-bank": acme.pem };
            const ownCaPartners = [{ name: "globex", caCertPem: globexCa.pem }];
            const capture = await captureResources();
            const truststorePem = ours.pem + globexCa.pem;
            const authorizer = new PartnerAuthorizer("a", { revokedSerials, crlRevocations, truststorePem, issuedCertificates, ownCaPartners, cacheSeconds: 30, logRetentionDays: 30 });
            await valueOf(authorizer.function.arn);
            const resources = await capture.settled();
            const fn = only(resources, "aws:lambda/function:Function", "a-function").inputs;
            const revocations = { ...list, issuerChains: issuerChains(truststorePem) };
            assert.equal(Object.keys(revocations.issuerChains).length, 2, "a chain per CA of the truststore");
            assert.deepEqual(JSON.parse(await archiveFile(fn.code, "lists.json")), { revocations, partnerNames: partnerNames(issuedCertificates, ownCaPartners) });
            assert.deepEqual(fn.environment.variables, { DECISION_CACHE_SECONDS: "30" });
            assert.equal(fn.timeout, 5);
            assert.match(await archiveFile(fn.code, "index.js"), /the authorizer's lists cannot be read/, "the bundled handler");
            assert.deepEqual(allOf(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn.split("/").pop()), ["AWSLambdaBasicExecutionRole"]);
            assert.equal(allOf(resources, "aws:iam/rolePolicy:RolePolicy").length, 0, "no inline policy: it reads nothing");
        });

        it("names the usage-keys parameter in its environment and may read that parameter only", async () => {
            const capture = await captureResources();
            const keys = new PartnerUsageKeys("usage", { partners: [], parameterName: "/apigw-mtls/test/partner-usage-keys" });
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30, usageKeysParameters: keys.parameters });
            await valueOf(authorizer.function.arn);
            const resources = await capture.settled();
            const fn = only(resources, "aws:lambda/function:Function", "a-function").inputs;
            assert.deepEqual(fn.environment.variables, { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: "/apigw-mtls/test/partner-usage-keys" });
            const policy = JSON.parse(only(resources, "aws:iam/rolePolicy:RolePolicy", "a-function-policy").inputs.policy);
            assert.deepEqual(policy.Statement, [{ Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: ["arn:aws:ssm:eu-west-1:123456789012:parameter/apigw-mtls/test/partner-usage-keys"] }]);
        });

        it("names how many usage-keys shards there are, and may read every shard and no other parameter", async () => {
            const capture = await captureResources();
            // 48-character names: 43 a shard, so 100 partners take three shards.
            const partners = Array.from({ length: 100 }, (_, i) => `partner-${String(i).padStart(3, "0")}`.padEnd(48, "x"));
            const keys = new PartnerUsageKeys("usage", { partners, parameterName: "/apigw-mtls/test/partner-usage-keys" });
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: [], issuedCertificates: {}, logRetentionDays: 30, usageKeysParameters: keys.parameters });
            await valueOf(authorizer.function.arn);
            const resources = await capture.settled();
            const fn = only(resources, "aws:lambda/function:Function", "a-function").inputs;
            assert.deepEqual(fn.environment.variables, { DECISION_CACHE_SECONDS: "60", USAGE_KEYS_PARAMETER: "/apigw-mtls/test/partner-usage-keys", USAGE_KEYS_SHARDS: "3" });
            const arn = "arn:aws:ssm:eu-west-1:123456789012:parameter/apigw-mtls/test/partner-usage-keys";
            const policy = JSON.parse(only(resources, "aws:iam/rolePolicy:RolePolicy", "a-function-policy").inputs.policy);
            assert.deepEqual(policy.Statement, [{ Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [arn, `${arn}-1`, `${arn}-2`] }]);
        });

        it("carries lists far beyond Lambda's 4 KB environment limit, for stacks with many revocations", async () => {
            const many = Array.from({ length: 2000 }, (_, i) => ({ serial: (i + 1).toString(16).toUpperCase(), reason: `laptop lost, ticket SEC-${i}` }));
            const capture = await captureResources();
            const authorizer = new PartnerAuthorizer("a", { revokedSerials: many, issuedCertificates: {}, logRetentionDays: 30 });
            await valueOf(authorizer.function.arn);
            const fn = only(await capture.settled(), "aws:lambda/function:Function").inputs;
            const carried = await archiveFile(fn.code, "lists.json");
            assert.ok(carried.length > 50_000, `the lists file is ${carried.length} bytes`);
            assert.equal(Object.keys(JSON.parse(carried).revocations.anyIssuer).length, 2000);
        });
    });
});
