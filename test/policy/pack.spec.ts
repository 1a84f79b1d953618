import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as aws from "@pulumi/aws";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzeResponse, AnalyzerResourceOptions } from "@pulumi/pulumi/proto/analyzer_pb";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PolicyPackConfig, ResourceValidationPolicy } from "@pulumi/policy";
import { enforcementOf, resourceArgs, runPolicies, stackArgs } from "../../policy/evaluate";
import { policies } from "../../policy/policies";
import { resource, unknownValue } from "../helpers/policy-args";
import { tsNodeArgs } from "../helpers/ts-node";

const root = path.resolve(__dirname, "..", "..");
const policyDir = path.join(root, "policy");

/** Starts `node <args>` in `cwd`; resolves with the first stdout line, rejects on exit or after `ms`. */
function firstLine(args: string[], cwd: string, ms: number, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; line: Promise<string> } {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", chunk => { stderr += chunk; });
    const line = new Promise<string>((resolve, reject) => {
        let stdout = "";
        const timer = setTimeout(() => reject(new Error(`no output after ${ms} ms: ${stderr}`)), ms);
        child.stdout?.on("data", chunk => {
            stdout += chunk;
            if (stdout.includes("\n")) {
                clearTimeout(timer);
                resolve(stdout.split("\n")[0]);
            }
        });
        child.on("exit", code => {
            clearTimeout(timer);
            reject(new Error(`exited with ${code} before printing: ${stderr}`));
        });
    });
    return { child, line };
}

/** Serves a pack in a child process (as the CLI would) and expects the gRPC port on stdout. */
async function servesPack(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<void> {
    const { child, line } = firstLine(args, cwd, 45_000, env);
    try {
        assert.match(await line, /^\d+$/);
    } finally {
        child.kill();
    }
}

/** The names of the rules that report on one resource, asked of a served pack as the engine asks (`Analyze`). */
function analyze(port: string, type: string, properties: Record<string, unknown>): Promise<string[]> {
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const request = new AnalyzeRequest();
    request.setType(type);
    request.setName("r");
    request.setUrn(`urn:pulumi:dev::apigw-mtls::${type}::r`);
    request.setProperties(Struct.fromJavaScript(properties as Record<string, JavaScriptValue>));
    request.setOptions(new AnalyzerResourceOptions());
    return new Promise((resolve, reject) => client.analyze(request, (err: Error | null, response: AnalyzeResponse) => {
        client.close();
        return err ? reject(err) : resolve(response.getDiagnosticsList().map(d => d.getPolicyname()).sort());
    }));
}

describe("policy pack", () => {
    it("lists sixteen rules with unique kebab-case names, descriptions, levels and AWS doc links", () => {
        const names = policies.map(p => p.name);
        assert.equal(names.length, 16);
        assert.equal(new Set(names).size, names.length);
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(policy.description.length > 20, policy.name);
            assert.ok(policy.enforcementLevel === "mandatory" || policy.enforcementLevel === "advisory", policy.name);
            assert.match(policy.url ?? "", /^https:\/\/docs\.aws\.amazon\.com\//, policy.name);
        }
    });

    it("makes the rules that keep callers behind mTLS and TLS 1.2 mandatory", () => {
        for (const name of ["execute-api-endpoint-disabled", "regional-endpoints", "security-policy-tls12-or-newer"]) {
            assert.equal(policies.find(p => p.name === name)?.enforcementLevel, "mandatory", name);
        }
    });

    it("gives every knob a default and leaves enforcementLevel to the policy config", () => {
        for (const policy of policies) {
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                assert.notEqual(key, "enforcementLevel");
                assert.notEqual(schema.default, undefined, `${policy.name}.${key}`);
            }
        }
    });

    it("ships an example policy config that names real policies and knobs with values of their types", () => {
        const example: PolicyPackConfig = JSON.parse(readFileSync(path.join(policyDir, "policy-config.example.json"), "utf8"));
        const typeOf = (v: unknown) => Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
        for (const [name, entry] of Object.entries(example)) {
            const policy = policies.find(p => p.name === name);
            assert.ok(policy, `no policy ${name}`);
            const { enforcementLevel, ...knobs } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
            assert.ok(["advisory", "mandatory", "disabled", undefined].includes(enforcementLevel), name);
            for (const [key, value] of Object.entries(knobs)) {
                assert.equal(typeOf(value), policy.configSchema?.properties[key]?.type, `${name}.${key}`);
            }
        }
    });

    it("imports policies.ts without starting a policy server", () => {
        const run = spawnSync(process.execPath, [...tsNodeArgs, "-e",
            "const { policies } = require('./policy/policies.ts'); console.log(policies.length)"], { cwd: root, timeout: 45_000, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout.trim(), "16");
    });

    it("constructs the PolicyPack of index.ts under ts-node, which serves it on a port", async () => {
        await servesPack([...tsNodeArgs, "-e", "require('./index.ts')"], policyDir);
    });

    it("bundles into a publishable folder that runs with only the Pulumi SDKs installed", async () => {
        const out = mkdtempSync(path.join(tmpdir(), "policy-publish-"));
        try {
            const build = spawnSync(process.execPath, [path.join(policyDir, "bundle.mjs"), out], { cwd: root, timeout: 45_000, encoding: "utf8" });
            assert.equal(build.status, 0, build.stderr);
            const pkg = JSON.parse(readFileSync(path.join(out, "package.json"), "utf8"));
            assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@grpc/grpc-js", "@pulumi/aws", "@pulumi/policy", "@pulumi/pulumi", "@pulumi/tls", "google-protobuf"]);
            // What `npm install` gives the published pack: its dependencies, and nothing of ../components.
            mkdirSync(path.join(out, "node_modules"));
            for (const folder of ["@pulumi", "@grpc", "google-protobuf"]) {
                symlinkSync(path.join(root, "node_modules", folder), path.join(out, "node_modules", folder), "dir");
            }
            await servesPack(["index.js"], out, { ...process.env, NODE_PATH: "" });
        } finally {
            rmSync(out, { recursive: true, force: true });
        }
    });

    it("serves the bundle without @pulumi/pulumi's index or the provider SDKs' indexes, and judges aws and tls resources by their type", async () => {
        // What loads before the pack is ready decides how long `pulumi preview --policy-pack` waits
        // for it; the classes the rules name stand in for themselves with their type tokens.
        const indexes = /node_modules\/@pulumi\/(pulumi|aws|tls)\/index\.js$/;
        // What was loaded, written on the port's own line, before the port: one pipe keeps the order.
        const report = `process.stdout.write = ((write) => (chunk, ...rest) => {
            process.stdout.write = write;
            return write("loaded " + JSON.stringify(Object.keys(require.cache).filter(f => ${indexes}.test(f))) + " " + chunk, ...rest);
        })(process.stdout.write.bind(process.stdout));`;
        const { child, line } = firstLine(["-e", `${report}; require("./run.cjs")`], policyDir, 45_000);
        try {
            const [, loaded, port] = /^loaded (.*) (\d+)$/.exec(await line) ?? [];
            assert.equal(loaded, "[]");
            const judge = (type: string, properties: Record<string, unknown>) => analyze(port.trim(), type, properties);
            assert.deepEqual(await judge("aws:apigateway/restApi:RestApi", { name: "api", endpointConfiguration: { types: "REGIONAL" }, disableExecuteApiEndpoint: false }), ["execute-api-endpoint-disabled"]);
            assert.deepEqual(await judge("tls:index/privateKey:PrivateKey", { algorithm: "ED25519" }), ["tls-keys-accepted-by-api-gateway"]);
            assert.deepEqual(await judge("tls:index/privateKey:PrivateKey", { algorithm: "ECDSA", ecdsaCurve: "P256" }), []);
        } finally {
            child.kill();
        }
    });
});

describe("policy pack runner (policy/evaluate.ts)", () => {
    const openApi = resource("aws:apigateway/restApi:RestApi", "api", {});
    const [executeApi] = policies.filter(p => p.name === "execute-api-endpoint-disabled") as ResourceValidationPolicy[];

    it("builds resource args in the shape of @pulumi/policy, including notApplicable and stackTags", () => {
        const args = resourceArgs(openApi, () => ({ knob: 1 }));
        assert.equal(args.type, openApi.type);
        assert.equal(args.urn, openApi.urn);
        assert.equal(args.name, "api");
        assert.deepEqual(args.getConfig(), { knob: 1 });
        assert.equal(args.stackTags.size, 0);
        assert.deepEqual(args.opts.ignoreChanges, []);
        assert.throws(() => args.notApplicable("not mine"));
        assert.equal(args.isType(aws.apigateway.RestApi), true);
        assert.equal(args.isType(aws.s3.Bucket), false);
    });

    it("builds stack args whose resources see outputs over inputs, the id, and their dependencies", () => {
        const bucket = resource("aws:s3/bucket:Bucket", "b", { forceDestroy: true }, { id: "b-123", outputs: { bucket: "b-123" } });
        const object = resource("aws:s3/bucketObjectv2:BucketObjectv2", "o", { bucket: "b-123" }, { parent: bucket.urn, dependencies: [bucket.urn], propertyDependencies: { bucket: [bucket.urn] } });
        const args = stackArgs([bucket, object], () => ({}));
        assert.deepEqual({ ...args.resources[0].props }, { forceDestroy: true, bucket: "b-123", id: "b-123" });
        assert.equal(args.resources[1].parent?.urn, bucket.urn);
        assert.equal(args.resources[1].dependencies[0].urn, bucket.urn);
        assert.equal(args.resources[1].propertyDependencies.bucket[0].urn, bucket.urn);
    });

    it("hides unknown values behind the proxy, as the policy server does", () => {
        const args = resourceArgs(resource("aws:apigateway/restApi:RestApi", "api", { name: unknownValue }), () => ({}));
        assert.throws(() => args.props.name, /can't be known during preview/);
    });

    it("lets the policy config raise, lower or disable a rule", async () => {
        for (const [config, levels] of [
            [{}, ["mandatory"]],
            [{ [executeApi.name]: "advisory" }, ["advisory"]],
            [{ [executeApi.name]: { enforcementLevel: "remediate" } }, ["mandatory"]],
            [{ [executeApi.name]: "disabled" }, []],
        ] as [PolicyPackConfig, string[]][]) {
            const found = await runPolicies([executeApi], [openApi], config);
            assert.deepEqual(found.map(v => v.enforcementLevel), levels, JSON.stringify(config));
        }
        assert.equal(enforcementOf({ name: "x", description: "x" }, {}), "advisory");
    });

    it("reports a rule that reads an unknown value unguarded as advisory, as the CLI does in preview", async () => {
        const careless: ResourceValidationPolicy = {
            name: "careless", description: "reads props without care", enforcementLevel: "mandatory",
            validateResource: (args, report) => { if (args.props.name !== "x") { report("bad"); } },
        };
        const found = await runPolicies([careless], [resource("aws:apigateway/restApi:RestApi", "api", { name: unknownValue })]);
        assert.equal(found.length, 1);
        assert.equal(found[0].enforcementLevel, "advisory");
        assert.match(found[0].message, /can't run policy 'careless' during preview/);
    });

    it("names the rule that throws", async () => {
        const broken: ResourceValidationPolicy = { name: "broken", description: "throws", validateResource: () => { throw new Error("boom"); } };
        await assert.rejects(runPolicies([broken], [openApi]), /policy 'broken' failed: boom/);
    });
});
