// The program under the REAL Pulumi engine: the pinned CLI (config checks, state, secrets,
// the policy analyzer) drives it through a stand-in Node.js language host, against stand-in
// aws and tls providers (the cloud is not real; keys and certificates are). Build them with
// `npm run engine:install`; run with `npm run test:engine`.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineWorkspace, missingEngine } from "../../tools/engine/workspace";
import { resourceName, secretSignature, StackExport, StateResource } from "../helpers/engine-state";
import { makeCa } from "../helpers/certs";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: string[];
}

interface Preview {
    readonly steps: PreviewStep[];
}

const mandatoryRules = ["execute-api-endpoint-disabled", "regional-endpoints", "security-policy-tls12-or-newer"];

function resourcesOf(exported: StackExport): StateResource[] {
    return exported.deployment.resources ?? [];
}

function truststoreBundle(exported: StackExport): string {
    const bundle = resourcesOf(exported).find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && r.urn.endsWith("::truststore-bundle"));
    assert.ok(bundle, "the truststore bundle object is in state");
    return String(bundle.outputs?.content);
}

function opensslVerifyClient(bundlePem: string, certificatePem: string): string {
    const dir = mkdtempSync(join(tmpdir(), "apigw-mtls-verify-"));
    try {
        writeFileSync(join(dir, "bundle.pem"), bundlePem);
        writeFileSync(join(dir, "client.pem"), certificatePem);
        return execFileSync("openssl", ["verify", "-purpose", "sslclient", "-CAfile", join(dir, "bundle.pem"), join(dir, "client.pem")], { encoding: "utf8" });
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function stepsByOp(preview: Preview): Record<string, string[]> {
    const byOp: Record<string, string[]> = {};
    for (const step of preview.steps) {
        (byOp[step.op] ??= []).push(step.urn);
    }
    return byOp;
}

/** `pulumi stack export` (JSON without a --json flag). */
async function stackExport(workspace: EngineWorkspace): Promise<StackExport> {
    return JSON.parse((await workspace.pulumi(["stack", "export"])).stdout) as StackExport;
}


before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

describe("the program under the real Pulumi CLI (stand-in cloud)", () => {
    describe("previews with the policy pack", () => {
        let workspace: EngineWorkspace;
        before(() => {
            workspace = new EngineWorkspace();
        });
        after(() => workspace.dispose());

        for (const stack of ["dev", "prod"]) {
            it(`previews the ${stack} stack from the repository's Pulumi.${stack}.yaml with no policy violation`, async () => {
                await workspace.pulumi(["stack", "init", stack]);
                const { stdout } = await workspace.pulumi(["preview", "--stack", stack, "--policy-pack", "policy"]);
                assert.match(stdout, /apigw-mtls-guard@v0\.1\.0/, "the policy pack ran");
                assert.doesNotMatch(stdout, /mandatory|advisory/, "no policy reported a violation");
                assert.match(stdout, /\+ \d+ to create/);
                assert.deepEqual(workspace.operations(), [], "a preview creates nothing");
            });
        }
    });

    describe("the dev stack's life: up, a new partner, destroy", () => {
        let workspace: EngineWorkspace;
        let exported: StackExport;
        before(async () => {
            workspace = new EngineWorkspace();
            await workspace.pulumi(["stack", "init", "dev"]);
            await workspace.pulumi(["up", "--yes", "--policy-pack", "policy"]);
            exported = await stackExport(workspace);
        });
        after(() => workspace.dispose());

        it("shows partnerPrivateKeys as [secret] in the stack's outputs", async () => {
            const { stdout } = await workspace.pulumi(["stack", "output"]);
            assert.match(stdout, /partnerPrivateKeys\s+\[secret\]/);
            const outputs = await workspace.pulumiJson<Record<string, unknown>>(["stack", "output"]);
            assert.equal(outputs.partnerPrivateKeys, "[secret]");
        });

        it("gives with --show-secrets a PEM key per generated partner that matches its certificate", async () => {
            const keys = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerPrivateKeys", "--show-secrets"]);
            const certificates = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificates"]);
            assert.deepEqual(Object.keys(keys).sort(), ["acme-bank", "initech"]);
            for (const [partner, keyPem] of Object.entries(keys)) {
                assert.match(keyPem, /^-----BEGIN (EC |RSA )?PRIVATE KEY-----/);
                const fromKey = createPublicKey(keyPem).export({ type: "spki", format: "der" });
                const fromCertificate = new X509Certificate(certificates[partner]).publicKey.export({ type: "spki", format: "der" });
                assert.ok(fromKey.equals(fromCertificate), `${partner}'s key matches its certificate`);
            }
        });

        it("issues partner certificates that openssl verifies as TLS clients against the truststore object in state", async () => {
            const bundle = truststoreBundle(exported);
            const certificates = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificates"]);
            for (const pem of Object.values(certificates)) {
                assert.match(opensslVerifyClient(bundle, pem), /: OK\s*$/);
            }
        });

        it("keeps no private key in plain text anywhere in the exported state", async () => {
            const keys = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerPrivateKeys", "--show-secrets"]);
            const state = JSON.stringify(exported);
            assert.doesNotMatch(state, /PRIVATE KEY/);
            for (const keyPem of Object.values(keys)) {
                const body = keyPem.split("\n").filter((line) => line && !line.startsWith("-----")).join("");
                assert.ok(!state.includes(body.slice(0, 40)), "no part of a key's body is in state");
            }
            const keyResources = resourcesOf(exported).filter((r) => r.type === "tls:index/privateKey:PrivateKey");
            assert.ok(keyResources.length >= 4, "root, intermediate and partner keys are in state");
            for (const key of keyResources) {
                const privateKeyPem = key.outputs?.privateKeyPem as Record<string, unknown> | undefined;
                assert.equal(privateKeyPem?.[secretSignature], "1b47061264138c4ac30d75fd1eb44270", `${key.urn}: privateKeyPem is a secret`);
                assert.equal(typeof privateKeyPem?.ciphertext, "string");
            }
        });

        it("recorded one stand-in create per resource in state and nothing else", () => {
            const operations = workspace.operations();
            // Stand-ins see custom resources only: not the stack, providers, or our components.
            const custom = resourcesOf(exported).filter((r) => !r.type.startsWith("pulumi:") && !r.type.startsWith("apigw-mtls:"));
            assert.ok(operations.length > 20);
            assert.ok(operations.every((operation) => operation.op === "create"));
            assert.deepEqual(operations.map((o) => o.urn).sort(), custom.map((r) => r.urn).sort());
        });

        it("previews a new generated partner as exactly its own resources created, the authorizer, the keys' parameter and the dashboard updated, nothing deleted", async () => {
            await workspace.pulumi(["config", "set", "--path", "partners.acme-logistics.commonName", "acme-logistics.partners.example.com"]);
            try {
                const byOp = stepsByOp(await workspace.pulumiJson<Preview>(["preview", "--diff", "--policy-pack", "policy"]));
                assert.deepEqual((byOp.create ?? []).map(resourceName).sort(), [
                    "pki-acme-logistics-cert", "pki-acme-logistics-csr", "pki-acme-logistics-key", "usage-acme-logistics-key", "usage-acme-logistics-limits", "usage-acme-logistics-plan",
                ].sort());
                // The authorizer's lists, the parameter of the keys, and the dashboard's per-partner lines.
                assert.deepEqual((byOp.update ?? []).map(resourceName).sort(), ["authorizer-function", "monitoring-dashboard", "usage-keys"]);
                assert.equal(byOp.delete, undefined);
                assert.equal(byOp.replace, undefined);
            } finally {
                await workspace.pulumi(["config", "rm", "--path", "partners.acme-logistics"]);
            }
        });

        it("previews a partner's own CA as a new truststore bundle pinned on the domain, nothing deleted", async () => {
            writeFileSync(join(workspace.dir, "partners", "hooli-ca.pem"), (await makeCa("CN=Hooli Partner CA, O=Hooli")).pem);
            await workspace.pulumi(["config", "set", "--path", "partners.hooli.caCertFile", "partners/hooli-ca.pem"]);
            try {
                const preview = await workspace.pulumiJson<Preview>(["preview", "--diff", "--policy-pack", "policy"]);
                const byOp = stepsByOp(preview);
                const updated = (byOp.update ?? []).map(resourceName);
                assert.ok(updated.includes("truststore-bundle"), "the truststore bundle is updated");
                const domainStep = preview.steps.find((s) => s.op === "update" && resourceName(s.urn).startsWith("domain"));
                assert.ok(domainStep?.diffReasons?.some((reason) => reason.startsWith("mutualTlsAuthentication")), "the domain's truststore version changes");
                assert.ok(updated.includes("authorizer-function"), "the authorizer learns the new partner");
                assert.deepEqual((byOp.create ?? []).map(resourceName).sort(), ["usage-hooli-key", "usage-hooli-limits", "usage-hooli-plan"], "only its usage key, plan and plan key are new");
                assert.equal(byOp.delete, undefined);
            } finally {
                await workspace.pulumi(["config", "rm", "--path", "partners.hooli"]);
            }
        });

        it("destroys the stack down to nothing", async () => {
            await workspace.pulumi(["destroy", "--yes"]);
            const after = await stackExport(workspace);
            assert.deepEqual(resourcesOf(after), []);
            const deletes = workspace.operations().filter((o) => o.op === "delete");
            assert.ok(deletes.some((o) => o.type === "aws:s3/bucket:Bucket"), "the truststore bucket is deleted (dev does not retain it)");
        });
    });

    describe("prod with retainTruststoreOnDelete", () => {
        let workspace: EngineWorkspace;
        before(() => {
            workspace = new EngineWorkspace();
        });
        after(() => workspace.dispose());

        it("deploys prod and destroys it keeping the truststore bucket usable (its versions, versioning and settings) and the account's logging role", async () => {
            await workspace.pulumi(["stack", "init", "prod"]);
            await workspace.pulumi(["up", "--yes", "--policy-pack", "policy"]);
            assert.ok(workspace.operations().some((o) => o.op === "create" && o.type === "aws:s3/bucket:Bucket"));
            await workspace.pulumi(["destroy", "--yes"]);
            const deletes = workspace.operations().filter((o) => o.op === "delete");
            assert.ok(deletes.length > 10, "the rest of the stack is deleted");
            assert.deepEqual(deletes.filter((o) => o.type === "aws:s3/bucket:Bucket"), []);
            assert.deepEqual(deletes.filter((o) => o.type.startsWith("aws:s3/")).map((o) => o.urn), [], "nothing of the bucket is deleted");
            const cloud = workspace.cloud();
            const [bucket] = Object.values(cloud?.buckets ?? {});
            assert.equal(bucket?.versioning, "Enabled", "versioning is not suspended");
            assert.ok((bucket?.objects["truststore.pem"] ?? []).length > 0, "the bundle's versions are there");
            assert.match(String(cloud?.apigatewayAccount.cloudwatchRoleArn), /^arn:aws:iam::\d{12}:role\//, "the account's logging role is not reset");
            const after = await stackExport(workspace);
            assert.deepEqual(resourcesOf(after), []);
        });
    });

    describe("the policy pack enforced by the CLI", () => {
        let workspace: EngineWorkspace;
        const fixture = "test/fixtures/insecure-api";
        before(async () => {
            workspace = new EngineWorkspace();
            await workspace.pulumi(["stack", "init", "dev"], { cwd: fixture });
        });
        after(() => workspace.dispose());

        for (const [title, extra] of [
            ["with the pack's own defaults", []],
            ["with policy-config.example.json", ["--policy-pack-config", "../../../policy/policy-config.example.json"]],
        ] as const) {
            it(`refuses a program that leaves execute-api on, uses EDGE and TLS 1.0, ${title}`, async () => {
                const result = await workspace.pulumi(["preview", "--policy-pack", "../../../policy", ...extra], { cwd: fixture, allowFailure: true });
                assert.notEqual(result.code, 0);
                const output = result.stdout + result.stderr;
                for (const rule of mandatoryRules) {
                    assert.match(output, new RegExp(`\\[mandatory\\][^\\n]*\\s${rule}\\s`), `${rule} is reported`);
                }
                assert.deepEqual(workspace.operations(), []);
            });
        }
    });

    describe("bad config as the CLI sees it", () => {
        let workspace: EngineWorkspace;
        beforeEach(async () => {
            workspace = new EngineWorkspace();
            await workspace.pulumi(["stack", "init", "dev"]);
        });
        afterEach(() => workspace.dispose());

        it("refuses a value of the wrong declared type before any resource", async () => {
            await workspace.pulumi(["config", "set", "caValidityDays", "two-years"]);
            const result = await workspace.pulumi(["up", "--yes"], { allowFailure: true });
            assert.notEqual(result.code, 0);
            assert.match(result.stdout + result.stderr, /caValidityDays/);
            assert.match(result.stdout + result.stderr, /integer/);
            assert.deepEqual(workspace.operations(), []);
        });

        it("refuses a stack without a required key, naming it, before any resource", async () => {
            await workspace.pulumi(["config", "rm", "domainName"]);
            const result = await workspace.pulumi(["up", "--yes"], { allowFailure: true });
            assert.notEqual(result.code, 0);
            assert.match(result.stdout + result.stderr, /Stack 'dev' is missing configuration values?.*domainName/);
            assert.deepEqual(workspace.operations(), []);
        });
    });

    describe("an error thrown in the program, as the CLI shows it", () => {
        let workspace: EngineWorkspace;
        before(async () => {
            workspace = new EngineWorkspace();
            await workspace.pulumi(["stack", "init", "dev"]);
        });
        after(() => workspace.dispose());

        it("names the TypeScript line it came from: @pulumi/pulumi's runner, ts-node and Node's own source maps (tools/ts-node)", async () => {
            const file = join(workspace.dir, "components", "dns-alias.ts");
            const lines = readFileSync(file, "utf8").split("\n");
            // Right after super(): the imports and interface above are gone from what runs.
            const at = lines.findIndex((line) => line.includes("super(")) + 1;
            lines.splice(at, 0, "        throw new Error(\"planted in DnsAlias\");");
            writeFileSync(file, lines.join("\n"));
            const result = await workspace.pulumi(["preview"], { allowFailure: true });
            // eslint-disable-next-line no-control-regex
            const output = (result.stdout + result.stderr).replace(/\x1b\[\d+m/g, "");
            assert.notEqual(result.code, 0);
            assert.match(output, /Error: planted in DnsAlias/);
            const frame = `at new DnsAlias (${file}:${at + 1}:15)`;
            assert.ok(output.includes(frame), `no "${frame}" in:\n${output}`);
        });
    });
});
