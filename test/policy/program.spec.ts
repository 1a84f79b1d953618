import * as assert from "node:assert/strict";
import { devAndProdResources } from "../helpers/outputs";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { resourceTypes } from "../../core/resource-types";
import type { CapturedResource } from "../../tools/simulator/program";
import { PackResource, runPack } from "../../policy/evaluate";
import { firedPolicies, mutate, Props, resource } from "../helpers/policy-args";

const types = {
    restApi: resourceTypes.apigatewayRestApi,
    domain: resourceTypes.apigatewayDomainName,
    publicAccess: resourceTypes.s3BucketPublicAccessBlock,
    object: resourceTypes.s3BucketObjectv2,
    key: resourceTypes.tlsPrivateKey,
    leaf: resourceTypes.tlsLocallySignedCert,
    plan: resourceTypes.apigatewayUsagePlan,
    alarm: resourceTypes.cloudwatchMetricAlarm,
} as const;

const isLeaf = (r: PackResource) => r.inputs.isCaCertificate !== true;

/** A bundle without the stack's own root CA, so that its intermediate no longer chains to a root. */
const withoutOwnRoot = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [])
    .filter(block => !new X509Certificate(block).subject.includes("partner root CA"))
    .join("");

describe("the program under its policy pack", function () {
    let dev: CapturedResource[];
    let prod: CapturedResource[];

    before(async function () {
        this.timeout(300_000);
        ({ dev, prod } = await devAndProdResources());
    });

    it("passes the whole pack on the dev and prod stacks, with no violation, advisory ones included", async () => {
        assert.ok(dev.some(r => r.type === types.domain), "the dev program declares an mTLS domain");
        for (const resources of [dev, prod]) {
            const found = await runPack(resources);
            assert.deepEqual(firedPolicies(found), [], found.map(v => v.message).join("\n"));
        }
    });

    it("passes with the example policy config too", async () => {
        const config: PolicyPackConfig = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "policy", "policy-config.example.json"), "utf8"));
        assert.deepEqual(await runPack(dev, config), []);
    });

    for (const [what, type, rule] of [["usage plans", types.plan, "mtls-stage-throttled"], ["alarms", types.alarm, "mtls-stage-alarmed"]] as const) {
        it(`fires only ${rule}, advisory, when the program's ${what} are taken away`, async () => {
            assert.ok(dev.some(r => r.type === type), `the dev program declares ${what}`);
            const found = await runPack(dev.filter(r => r.type !== type));
            assert.deepEqual(firedPolicies(found), [rule], found.map(v => v.message).join("\n"));
            assert.ok(found.every(v => v.enforcementLevel === "advisory"), JSON.stringify(found));
        });
    }

    const mutations: [string, string, (resources: readonly CapturedResource[]) => PackResource[]][] = [
        ["the execute-api endpoint on", "execute-api-endpoint-disabled",
            rs => mutate(rs, types.restApi, p => { delete p.disableExecuteApiEndpoint; })],
        ["an EDGE domain", "regional-endpoints",
            rs => mutate(rs, types.domain, p => { (p.endpointConfiguration as Props).types = "EDGE"; })],
        ["a TLS_1_0 domain", "security-policy-tls12-or-newer",
            rs => mutate(rs, types.domain, p => { p.securityPolicy = "TLS_1_0"; })],
        ["a truststore version no longer pinned", "mtls-truststore-pinned",
            rs => mutate(rs, types.domain, p => { delete (p.mutualTlsAuthentication as Props).truststoreVersion; })],
        ["a public truststore bucket", "truststore-bucket-hardened",
            rs => mutate(rs, types.publicAccess, p => { p.blockPublicPolicy = false; p.restrictPublicBuckets = false; })],
        ["an enhanced security policy on the mTLS domain", "mtls-domain-compatible",
            rs => mutate(rs, types.domain, p => { p.securityPolicy = "SecurityPolicy_TLS13_1_3_2025_09"; })],
        ["a truststore without the root CA", "truststore-content-valid",
            rs => mutate(rs, types.object, p => { p.content = withoutOwnRoot(String(p.content)); })],
        ["a key on P-224", "tls-keys-accepted-by-api-gateway",
            rs => mutate(rs, types.key, p => { p.algorithm = "ECDSA"; delete p.ecdsaCurve; delete p.rsaBits; })],
        ["a client certificate without client_auth", "tls-certificate-uses",
            rs => mutate(rs, types.leaf, p => { p.allowedUses = ["digital_signature"]; }, isLeaf)],
        ["a client certificate of two years", "tls-leaf-validity-limited",
            rs => mutate(rs, types.leaf, p => { p.validityPeriodHours = 730 * 24; }, isLeaf)],
        ["a server certificate imported into ACM without ownership verification", "mtls-ownership-verification",
            rs => {
                const domain = rs.find(r => r.type === types.domain) as CapturedResource;
                const imported = resource("aws:acm/certificate:Certificate", "imported", { certificateBody: "PEM", privateKey: "PEM" },
                    { outputs: { arn: domain.inputs.regionalCertificateArn } });
                return [...rs, imported];
            }],
    ];

    for (const [change, rule, apply] of mutations) {
        it(`fires only ${rule} on ${change}`, async () => {
            const found = await runPack(apply(dev));
            assert.deepEqual(firedPolicies(found), [rule], found.map(v => v.message).join("\n"));
            const expected = rule === "tls-leaf-validity-limited" ? "advisory" : "mandatory";
            assert.ok(found.every(v => v.enforcementLevel === expected && v.urn !== undefined), JSON.stringify(found));
        });
    }
});
