// The stand-in resource providers the real Pulumi engine runs against (the engine is real, the
// cloud is not), driven here through their provider objects as the SDK's gRPC server calls them:
// inputs as the engine sends them (secrets wrapped), olds being the old outputs.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerServices from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { CreateResult, Provider } from "@pulumi/pulumi/provider";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { isSecret, secret } from "../../../tools/simulator/property-values";
import { awsProvider } from "../../../tools/engine/providers/aws";
import { LoggedOperation, logFileVariable } from "../../../tools/engine/providers/stand-in";
import { tlsProvider } from "../../../tools/engine/providers/tls";
import { tsNodeArgs } from "../../helpers/ts-node";

/** Properties as providers take and return them: the SDK types them `any` (CreateResult's outs). */
type Properties = NonNullable<CreateResult["outs"]>;

const projectDir = path.resolve(__dirname, "..", "..", "..");
const urn = (type: string, name: string) => `urn:pulumi:dev::apigw-mtls::${type}::${name}`;

const types = {
    privateKey: "tls:index/privateKey:PrivateKey",
    certRequest: "tls:index/certRequest:CertRequest",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
    bucket: "aws:s3/bucket:Bucket",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    restApi: "aws:apigateway/restApi:RestApi",
    domain: "aws:apigateway/domainName:DomainName",
    lambda: "aws:lambda/function:Function",
};

/** Creates a resource through a provider; resolves with its id and outputs. */
async function create(provider: Provider, type: string, name: string, inputs: Properties): Promise<{ id: string; outs: Properties }> {
    const result = await provider.create!(urn(type, name), inputs);
    return { id: result.id, outs: result.outs };
}

const diff = (provider: Provider, type: string, olds: Properties, news: Properties) => provider.diff!("id", urn(type, "r"), olds, news);

/** Runs `body` with env variables set (undefined: unset), then puts the old values back. */
async function withEnv<T>(variables: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
    const apply = (values: Record<string, string | undefined>) => Object.entries(values).forEach(([key, value]) => {
        if (value === undefined) {
            delete process.env[key];
        } else {
            process.env[key] = value;
        }
    });
    apply(variables);
    try {
        return await body();
    } finally {
        apply(saved);
    }
}

const ecdsaKey = { algorithm: "ECDSA", ecdsaCurve: "P256" };
const caUses = ["cert_signing", "crl_signing"];

describe("stand-in tls provider (for the real engine; no cloud behind it)", () => {
    it("reports the version of the installed @pulumi/tls SDK, so the engine's default provider matches", () => {
        assert.equal(tlsProvider.version, JSON.parse(fs.readFileSync(require.resolve("@pulumi/tls/package.json"), "utf8")).version);
    });

    it("creates a private key whose PEM parses with node:crypto and whose public key is publicKeyPem", async () => {
        const { id, outs } = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
        const key = crypto.createPrivateKey(outs.privateKeyPem);
        assert.equal(crypto.createPublicKey(key).export({ type: "spki", format: "pem" }), outs.publicKeyPem);
        assert.equal(crypto.createPrivateKey(outs.privateKeyPemPkcs8).export({ type: "pkcs8", format: "pem" }), outs.privateKeyPemPkcs8);
        assert.equal(id, crypto.createHash("sha1").update(outs.publicKeyPem).digest("hex"));
        assert.deepEqual({ algorithm: outs.algorithm, ecdsaCurve: outs.ecdsaCurve }, ecdsaKey);
    });

    it("leaves a generated private key unwrapped: the engine, told by the SDK's additionalSecretOutputs, makes it secret", async () => {
        const { outs } = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
        for (const property of ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"]) {
            assert.equal(typeof outs[property], "string", property);
        }
    });

    const sshIt = spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined ? it : it.skip;
    for (const key of [{ algorithm: "RSA", rsaBits: 2048 }, { algorithm: "ECDSA", ecdsaCurve: "P384" }, { algorithm: "ED25519" }]) {
        const label = Object.values(key).join(" ");
        sshIt(`returns an ${label} key in OpenSSH form that signs, with the fingerprints ssh-keygen computes`, async () => {
            const { outs } = await create(tlsProvider, types.privateKey, "key", key);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-ssh-"));
            try {
                const file = (name: string) => path.join(dir, name);
                fs.writeFileSync(file("key"), outs.privateKeyOpenssh, { mode: 0o600 });
                fs.writeFileSync(file("key.pub"), outs.publicKeyOpenssh);
                fs.writeFileSync(file("message"), "hello");
                fs.writeFileSync(file("allowed"), `partner ${outs.publicKeyOpenssh}`);
                const ssh = (...args: string[]) => spawnSync("ssh-keygen", args, { input: "hello", encoding: "utf8" });
                assert.equal(ssh("-q", "-Y", "sign", "-f", file("key"), "-n", "test", file("message")).status, 0);
                const verified = ssh("-Y", "verify", "-f", file("allowed"), "-I", "partner", "-n", "test", "-s", file("message.sig"));
                assert.equal(verified.status, 0, verified.stderr);
                assert.ok(ssh("-l", "-E", "sha256", "-f", file("key.pub")).stdout.includes(` ${outs.publicKeyFingerprintSha256} `));
                assert.ok(ssh("-l", "-E", "md5", "-f", file("key.pub")).stdout.includes(` MD5:${outs.publicKeyFingerprintMd5} `));
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    it("leaves the OpenSSH outputs empty for a P-224 key, which SSH cannot carry, as the provider does", async () => {
        const { outs } = await create(tlsProvider, types.privateKey, "key", { algorithm: "ECDSA", ecdsaCurve: "P224" });
        assert.ok(outs.privateKeyPem.includes("EC PRIVATE KEY"));
        assert.deepEqual([outs.privateKeyOpenssh, outs.publicKeyOpenssh, outs.publicKeyFingerprintMd5, outs.publicKeyFingerprintSha256], ["", "", "", ""]);
    });

    it("issues a LocallySignedCert that chains to its CA, from inputs as the engine sends them (keys secret)", async () => {
        const rootKey = await create(tlsProvider, types.privateKey, "root-key", ecdsaKey);
        const root = await create(tlsProvider, types.selfSignedCert, "root", {
            privateKeyPem: secret(rootKey.outs.privateKeyPem),
            subject: { commonName: "Example partner root CA", organization: "Example Corp" },
            validityPeriodHours: 48,
            isCaCertificate: true,
            allowedUses: caUses,
        });
        const leafKey = await create(tlsProvider, types.privateKey, "leaf-key", ecdsaKey);
        const request = await create(tlsProvider, types.certRequest, "leaf-csr", {
            privateKeyPem: secret(leafKey.outs.privateKeyPem),
            subject: { commonName: "acme.partners.example.com" },
        });
        const leaf = await create(tlsProvider, types.locallySignedCert, "leaf", {
            certRequestPem: request.outs.certRequestPem,
            caPrivateKeyPem: secret(rootKey.outs.privateKeyPem),
            caCertPem: root.outs.certPem,
            validityPeriodHours: 24,
            allowedUses: ["client_auth", "digital_signature"],
        });
        const [ca, cert] = [root.outs.certPem, leaf.outs.certPem].map((pem: string) => new crypto.X509Certificate(pem));
        assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), "the leaf verifies with the CA's key");
        assert.ok(ca.verify(ca.publicKey), "the CA is self-signed");
        assert.equal(cert.publicKey.export({ type: "spki", format: "pem" }), leafKey.outs.publicKeyPem);
        assert.equal(leaf.id, BigInt(`0x${cert.serialNumber}`).toString(), "a certificate's id is its serial, as the provider gives it");
        assert.equal(leaf.outs.validityEndTime, new Date(Date.parse(leaf.outs.validityStartTime) + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"));
        assert.equal(leaf.outs.readyForRenewal, false);
    });

    it("keeps an input that came in secret secret where it echoes it, and leaves its computed outputs plain", async () => {
        const key = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
        const { outs } = await create(tlsProvider, types.certRequest, "csr", { privateKeyPem: secret(key.outs.privateKeyPem), subject: { commonName: "acme" } });
        assert.ok(isSecret(outs.privateKeyPem));
        assert.equal(typeof outs.certRequestPem, "string");
    });

    it("reports no change for identical inputs, though the old outputs hold much more than the inputs", async () => {
        const inputs = { privateKeyPem: secret((await create(tlsProvider, types.privateKey, "key", ecdsaKey)).outs.privateKeyPem), subject: { commonName: "acme" } };
        const { outs } = await create(tlsProvider, types.certRequest, "csr", inputs);
        assert.deepEqual(await diff(tlsProvider, types.certRequest, outs, inputs), { changes: false, replaces: [] });
    });

    it("replaces the resource for a changed or a removed input, naming it in replaces", async () => {
        const inputs = { algorithm: "RSA", rsaBits: 2048 };
        const { outs } = await create(tlsProvider, types.privateKey, "key", inputs);
        assert.deepEqual(await diff(tlsProvider, types.privateKey, outs, { ...inputs, rsaBits: 3072 }), { changes: true, replaces: ["rsaBits"] });
        assert.deepEqual(await diff(tlsProvider, types.privateKey, outs, { algorithm: "RSA" }), { changes: true, replaces: ["rsaBits"] });
    });

    it("replaces the resource for an input unknown in preview", async () => {
        const { outs } = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
        assert.deepEqual(await diff(tlsProvider, types.privateKey, outs, { ...ecdsaKey, ecdsaCurve: unknownValue }), { changes: true, replaces: ["ecdsaCurve"] });
    });

    it("refuses a tls resource type it does not model, naming the type", async () => {
        await assert.rejects(create(tlsProvider, "tls:index/sshKey:SshKey", "k", {}), /do not model the resource type tls:index\/sshKey:SshKey/);
    });
});

describe("stand-in aws provider (for the real engine; nothing reaches AWS)", () => {
    it("reports the version of the installed @pulumi/aws SDK, so the engine's default provider matches", () => {
        assert.equal(awsProvider.version, JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")).version);
    });

    it("echoes the inputs and adds what AWS computes, in the region AWS_REGION names", async () => {
        await withEnv({ AWS_REGION: "eu-west-1" }, async () => {
            const domainInputs = { domainName: "api.dev.example.com", securityPolicy: "TLS_1_2", endpointConfiguration: { types: "REGIONAL" } };
            const domain = await create(awsProvider, types.domain, "domain", domainInputs);
            assert.equal(domain.id, "api.dev.example.com");
            assert.match(domain.outs.regionalDomainName, /^d-[0-9a-z]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/);
            assert.equal(domain.outs.regionalZoneId, "ZLY8HYME6SFDD");
            for (const [property, value] of Object.entries(domainInputs)) {
                assert.deepEqual(domain.outs[property], value, property);
            }
            const lambda = await create(awsProvider, types.lambda, "handler", { runtime: "nodejs24.x" });
            assert.match(lambda.outs.invokeArn, /^arn:aws:apigateway:eu-west-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:eu-west-1:\d{12}:function:handler-[0-9a-f]{7}\/invocations$/);
            const bucket = await create(awsProvider, types.bucket, "truststore", {});
            assert.equal(bucket.outs.arn, `arn:aws:s3:::${bucket.id}`);
        });
    });

    it("accepts what the policy pack refuses, an EDGE RestApi and a TLS_1_0 domain, as AWS itself does", async () => {
        const api = await create(awsProvider, types.restApi, "api", { endpointConfiguration: { types: "EDGE" } });
        assert.equal(api.outs.endpointConfiguration.types, "EDGE");
        assert.match(api.outs.executionArn, /^arn:aws:execute-api:/);
        const domain = await create(awsProvider, types.domain, "domain", { domainName: "old.example.com", securityPolicy: "TLS_1_0" });
        assert.equal(domain.outs.securityPolicy, "TLS_1_0");
    });

    it("refuses an aws resource type it does not model, naming the type", async () => {
        await assert.rejects(create(awsProvider, "aws:sqs/queue:Queue", "jobs", { delaySeconds: 5 }), /do not model the resource type aws:sqs\/queue:Queue/);
    });

    it("gives a bucket object a new versionId for new content, even content it had before, and keeps it while the content stays", async () => {
        const inputs = { bucket: "truststore-bucket", key: "truststore.pem", content: "bundle A", contentType: "application/x-pem-file" };
        const first = await create(awsProvider, types.object, "bundle", inputs);
        const update = async (olds: Properties, news: Properties) => (await awsProvider.update!(first.id, urn(types.object, "bundle"), olds, news)).outs;
        assert.deepEqual(await diff(awsProvider, types.object, first.outs, inputs), { changes: false });
        const second = await update(first.outs, { ...inputs, content: "bundle B" });
        const third = await update(second, inputs);
        const fourth = await update(third, { ...inputs, contentType: "text/plain" });
        assert.equal(new Set([first.outs.versionId, second.versionId, third.versionId]).size, 3, "each new content is a new version");
        assert.equal(fourth.versionId, third.versionId, "the same content keeps its version");
        assert.equal(third.etag, first.outs.etag, "the etag is the content's MD5");
    });

    it("reports no change for unchanged inputs, and an in-place change for a changed, added, removed or unknown input", async () => {
        const inputs = { description: "partners", disableExecuteApiEndpoint: true, endpointConfiguration: { types: "REGIONAL" } };
        const { outs } = await create(awsProvider, types.restApi, "api", inputs);
        assert.deepEqual(await diff(awsProvider, types.restApi, outs, { ...inputs }), { changes: false });
        for (const news of [
            { ...inputs, description: "customers" },
            { ...inputs, name: "customer-api" },
            { description: "partners", endpointConfiguration: { types: "REGIONAL" } },
            { ...inputs, endpointConfiguration: { types: unknownValue } },
        ]) {
            assert.deepEqual(await diff(awsProvider, types.restApi, outs, news), { changes: true }, JSON.stringify(news));
        }
    });

    it("answers getCallerIdentity, getRegion and getPartition, and refuses a function it does not model", async () => {
        await withEnv({ AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: undefined }, async () => {
            assert.match((await awsProvider.invoke!("aws:index/getCallerIdentity:getCallerIdentity", {})).outputs.accountId, /^\d{12}$/);
            assert.equal((await awsProvider.invoke!("aws:index/getRegion:getRegion", {})).outputs.region, "eu-central-1");
            assert.equal((await awsProvider.invoke!("aws:index/getPartition:getPartition", {})).outputs.dnsSuffix, "amazonaws.com");
        });
        await assert.rejects(awsProvider.invoke!("aws:iam/getPolicyDocument:getPolicyDocument", {}), /does not model the function aws:iam\/getPolicyDocument:getPolicyDocument/);
    });
});

describe("stand-in operation log (PULUMI_STANDIN_LOG)", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-log-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("appends one JSON line per create, update and delete, naming the operation, type, URN and id", async () => {
        const log = path.join(dir, "operations.jsonl");
        await withEnv({ [logFileVariable]: log }, async () => {
            const key = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
            const object = await create(awsProvider, types.object, "bundle", { bucket: "b", key: "truststore.pem", content: "A" });
            await awsProvider.update!(object.id, urn(types.object, "bundle"), object.outs, { bucket: "b", key: "truststore.pem", content: "B" });
            await awsProvider.delete!(object.id, urn(types.object, "bundle"), object.outs);
            await tlsProvider.delete!(key.id, urn(types.privateKey, "key"), key.outs);
            const lines: LoggedOperation[] = fs.readFileSync(log, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line));
            assert.deepEqual(lines, [
                { op: "create", type: types.privateKey, urn: urn(types.privateKey, "key"), id: key.id },
                { op: "create", type: types.object, urn: urn(types.object, "bundle"), id: "truststore.pem" },
                { op: "update", type: types.object, urn: urn(types.object, "bundle"), id: "truststore.pem" },
                { op: "delete", type: types.object, urn: urn(types.object, "bundle"), id: "truststore.pem" },
                { op: "delete", type: types.privateKey, urn: urn(types.privateKey, "key"), id: key.id },
            ]);
        });
    });

    it("holds no property value, so no key material, of what it creates", async () => {
        const log = path.join(dir, "operations.jsonl");
        await withEnv({ [logFileVariable]: log }, async () => {
            const key = await create(tlsProvider, types.privateKey, "key", ecdsaKey);
            const text = fs.readFileSync(log, "utf8");
            for (const property of ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh", "publicKeyPem"]) {
                assert.ok(!text.includes(key.outs[property].split("\n")[1]), `${property} is not in the log`);
            }
        });
    });

    it("writes nothing, and fails nothing, when PULUMI_STANDIN_LOG is unset", async () => {
        await withEnv({ [logFileVariable]: undefined }, async () => {
            await create(awsProvider, types.bucket, "quiet", {});
        });
        assert.deepEqual(fs.readdirSync(dir), []);
    });
});

describe("stand-in providers as programs", function () {
    this.timeout(30_000);

    /** Runs node with ts-node and `args` in the project, as the engine runs a plugin; resolves with what it printed and how it ended, killed after `ms`. */
    function runNode(args: string[], ms: number, onPort?: (port: string) => Promise<string>) {
        return new Promise<{ stdout: string; code: number | null; answer?: string }>((resolve, reject) => {
            const child = spawn(process.execPath, [...tsNodeArgs, ...args], { cwd: projectDir, stdio: ["ignore", "pipe", "inherit"] });
            let stdout = "";
            let answer: string | undefined;
            const timer = setTimeout(() => child.kill("SIGKILL"), ms);
            child.stdout.on("data", (chunk) => {
                stdout += chunk;
                if (onPort && stdout.endsWith("\n")) {
                    onPort(stdout.trim()).then((a) => (answer = a), reject).finally(() => child.kill());
                }
            });
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ stdout, code, answer });
            });
        });
    }

    // The SDK's own gRPC stack, resolved where @pulumi/pulumi resolves it.
    const fromPulumi = createRequire(require.resolve("@pulumi/pulumi"));

    /** The version a provider listening on `port` reports through GetPluginInfo. */
    function pluginVersion(port: string): Promise<string> {
        const grpc: typeof grpcTypes = fromPulumi("@grpc/grpc-js");
        const { ResourceProviderClient }: typeof providerServices = fromPulumi("./proto/provider_grpc_pb");
        const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new Promise((resolve, reject) => client.getPluginInfo(new Empty(), (error, info) => {
            client.close();
            return error ? reject(error) : resolve(info.getVersion());
        }));
    }

    it("each serves the provider protocol on the port it prints, reporting its SDK's version", async () => {
        // The engine passes its own address; only construct and call would use it.
        const [aws, tls] = await Promise.all(["aws", "tls"].map((name) => runNode([`tools/engine/providers/${name}.ts`, "127.0.0.1:1"], 20_000, pluginVersion)));
        assert.match(aws.stdout, /^\d+\n$/);
        assert.equal(aws.answer, awsProvider.version);
        assert.match(tls.stdout, /^\d+\n$/);
        assert.equal(tls.answer, tlsProvider.version);
    });

    it("starts no server when imported, so a test can drive the provider objects", async () => {
        const runs = await Promise.all(["aws", "tls"].map((name) => runNode(["-e", `require("./tools/engine/providers/${name}.ts")`], 10_000)));
        for (const run of runs) {
            assert.deepEqual(run, { stdout: "", code: 0, answer: undefined });
        }
    });
});
