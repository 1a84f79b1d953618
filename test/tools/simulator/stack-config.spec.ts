import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigEnvironment, configKeys, parseConfig, RawConfig } from "../../../core/config/stack";
import {
    ConfigDeclaration, loadStackConfig, mergeProjectConfig, parseProjectConfig, ProjectConfig, projectDir, readProjectConfig, readStackFile, StackConfigError,
} from "../../../tools/simulator/stack-config";

const project = readProjectConfig();
const env: ConfigEnvironment = { projectDir, readFile: (file) => fs.readFileSync(file, "utf8") };

/** Pulumi.yaml as it is, but with these keys declared without a default. */
function withoutDefaults(...keys: string[]): ProjectConfig {
    const config = Object.fromEntries(Object.entries(project.config).map(([key, declaration]) => [key, keys.includes(key) ? { ...declaration, default: undefined } : declaration]));
    return { ...project, config };
}

/** Asserts that the CLI would refuse with exactly this message. */
function refuses(run: () => unknown, message: string) {
    assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${String(error)}`);
        assert.equal(error.message, message);
        return true;
    });
}

describe("stack config as the Pulumi CLI merges and checks it (tools/simulator/stack-config.ts)", () => {
    it("loads the dev and prod stacks, with Pulumi.yaml's defaults where they set nothing", () => {
        const dev = loadStackConfig("dev");
        assert.equal(dev["apigw-mtls:caValidityDays"], "730");
        assert.equal(dev["apigw-mtls:crlFile"], "");
        const prod = loadStackConfig("prod");
        assert.equal(prod["apigw-mtls:certificateArn"], "");
        assert.equal(prod["apigw-mtls:caGenerations"], "[1]");
        assert.equal(prod["apigw-mtls:revokedSerials"], "[]");
        assert.equal(prod["aws:region"], "eu-west-1");
    });

    it("refuses a stack that leaves out a key declared without a default, naming it", () =>
        refuses(() => mergeProjectConfig("dev", withoutDefaults("crlFile"), readStackFile("dev", project)), "Stack 'dev' is missing configuration value 'crlFile'"));

    it("names every missing key at once, sorted, as the CLI does", () => {
        const prod = readStackFile("prod", project);
        refuses(() => mergeProjectConfig("prod", withoutDefaults("revokedSerials", "crlFile"), prod), "Stack 'prod' is missing configuration values 'crlFile' and 'revokedSerials'");
        refuses(() => mergeProjectConfig("prod", withoutDefaults("revokedSerials", "crlFile", "certificateArn"), prod),
            "Stack 'prod' is missing configuration values 'certificateArn', 'crlFile' and 'revokedSerials'");
    });

    it("requires nothing of a stack that sets a key declared without a default", () =>
        assert.equal(mergeProjectConfig("dev", withoutDefaults("domainName"), readStackFile("dev", project))["apigw-mtls:domainName"], "api.dev.example.com"));

    it("takes 730 for an integer, whether the stack file writes a number or the string \"730\"", () => {
        assert.equal(loadStackConfig("dev", { caValidityDays: 730 })["apigw-mtls:caValidityDays"], "730");
        assert.equal(loadStackConfig("dev", { caValidityDays: "730" })["apigw-mtls:caValidityDays"], "730");
    });

    it("refuses \"abc\" for an integer", () =>
        refuses(() => loadStackConfig("dev", { caValidityDays: "abc" }), "Stack 'dev' with configuration key 'caValidityDays' must be of type 'integer'"));

    it("refuses \"yes\" for a boolean, and takes true and \"false\"", () => {
        refuses(() => loadStackConfig("prod", { dualStack: "yes" }), "Stack 'prod' with configuration key 'dualStack' must be of type 'boolean'");
        assert.equal(loadStackConfig("prod", { dualStack: true })["apigw-mtls:dualStack"], "true");
        assert.equal(loadStackConfig("prod", { dualStack: "false" })["apigw-mtls:dualStack"], "false");
    });

    it("refuses a scalar where an array is declared, even one that reads as JSON, and an item of the wrong type", () => {
        const message = "Stack 'dev' with configuration key 'caGenerations' must be of type 'array<integer>'";
        refuses(() => loadStackConfig("dev", { caGenerations: 1 }), message);
        refuses(() => loadStackConfig("dev", { caGenerations: "[1, 2]" }), message);
        refuses(() => loadStackConfig("dev", { caGenerations: [1, "two"] }), message);
        assert.equal(loadStackConfig("dev", { caGenerations: [1, "2"] })["apigw-mtls:caGenerations"], '[1,"2"]');
    });

    it("refuses a list where a string is declared, and reads an empty value as \"\"", () => {
        refuses(() => loadStackConfig("dev", { basePath: ["c360"] }), "Stack 'dev' with configuration key 'basePath' must be of type 'string'");
        assert.equal(loadStackConfig("dev", { crlFile: null })["apigw-mtls:crlFile"], "");
    });

    it("does not check the values of untyped keys", () =>
        assert.equal(loadStackConfig("dev", { partners: "none" })["apigw-mtls:partners"], "none"));

    it("refuses a plain value for a key declared secret", () => {
        const secret: ProjectConfig = { name: "apigw-mtls", config: { apiToken: { type: "string", secret: true } } };
        refuses(() => mergeProjectConfig("dev", secret, { apiToken: "t0ken" }), "Stack 'dev' with configuration key 'apiToken' must be encrypted as it's secret");
    });

    describe("a YAML syntax error", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-stackconfig-"));
            fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config:\n  apigw-mtls:domainName: api.dev.example.com\n   apigw-mtls:cloudwatchRoleArn: : not-for-output\n");
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("names the stack file, the line and the column, and quotes none of its content", () => {
            assert.throws(() => readStackFile("broken", project, dir), (error: unknown) => {
                assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${String(error)}`);
                assert.match(error.message, /^\S*Pulumi\.broken\.yaml is not valid YAML: bad indentation of a mapping entry at line 3, column \d+; fix that line \(indent with spaces, quote a value that holds ": " or " #"\)$/);
                assert.doesNotMatch(error.message, /not-for-output|domainName/);
                return true;
            });
        });

        it("names Pulumi.yaml when the error is there", () => {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: apigw-mtls\nconfig: [\n");
            assert.throws(() => readProjectConfig(dir), /Pulumi\.yaml is not valid YAML: .* at line \d+, column \d+/);
        });
    });

    describe("loading Pulumi.yaml", () => {
        const load = (config: Record<string, unknown>) => parseProjectConfig({ name: "apigw-mtls", config });

        it("reads a bare value as the key's default, and as a value for another namespace", () => {
            const loaded = load({ stageName: "v2", "aws:region": "eu-west-1" });
            assert.deepEqual(loaded.config, { stageName: { default: "v2" }, "aws:region": { value: "eu-west-1" } });
            assert.deepEqual(mergeProjectConfig("dev", loaded, {}), { "apigw-mtls:stageName": "v2", "aws:region": "eu-west-1" });
        });

        it("refuses a declaration that is no map, or whose type the CLI does not know", () => {
            refuses(() => load({ caGenerations: null }), "could not validate 'Pulumi.yaml': #/config/caGenerations: expected object, but got null");
            refuses(() => load({ caGenerations: { type: "array", items: { type: "number" } } }),
                'could not validate \'Pulumi.yaml\': #/config/caGenerations/items/type: value must be one of "string", "integer", "boolean", "array", "object"');
        });

        it("refuses a default that does not fit its type, and an array without items", () => {
            refuses(() => load({ caValidityDays: { type: "integer", default: "many" } }),
                "could not unmarshal 'Pulumi.yaml': The default value specified for configuration key 'caValidityDays' is not of the expected type 'integer'");
            refuses(() => load({ caGenerations: { type: "array" } }),
                "could not unmarshal 'Pulumi.yaml': The configuration key 'caGenerations' declares an array but does not specify the underlying type via the 'items' attribute");
        });

        it("refuses a type for a key of another namespace, and such a key without a value", () => {
            refuses(() => load({ "aws:region": { type: "string", value: "eu-west-1" } }),
                "could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is not namespaced by the project and should not define a type");
            refuses(() => load({ "aws:region": { description: "the region" } }),
                "could not unmarshal 'Pulumi.yaml': Configuration key 'aws:region' is namespaced and must provide an attribute 'value'");
        });
    });
});

describe("Pulumi.yaml", () => {
    const declared = (yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, ConfigDeclaration> }).config;

    it("declares without a default only the keys every stack must set, so that the CLI refuses no stack for an optional one", () =>
        assert.deepEqual(Object.keys(declared).filter((key) => declared[key].default === undefined || declared[key].default === null), ["domainName", "hostedZoneId"]));

    it("declares no object type, which older CLIs refuse", () => {
        const types = (d: { type?: string; items?: ConfigDeclaration["items"] }): string[] => [d.type ?? "", ...(d.items ? types(d.items) : [])];
        assert.deepEqual(Object.keys(declared).filter((key) => types(declared[key]).includes("object")), []);
    });

    it("has defaults that the program reads exactly as it reads the keys unset", () => {
        const stack = { domainName: "api.dev.example.com", hostedZoneId: "Z0DEV0EXAMPLE0COM00A", partners: { "acme-bank": {}, globex: { caCertFile: "partners/globex-ca.pem" } } };
        const merged = mergeProjectConfig("dev", project, stack);
        const withDefaults: RawConfig = Object.fromEntries(configKeys.map((key) => [key, merged[`apigw-mtls:${key}`]]));
        const unset: RawConfig = { ...stack, partners: JSON.stringify(stack.partners) };
        assert.deepEqual(parseConfig(withDefaults, "eu-west-1", env), parseConfig(unset, "eu-west-1", env));
    });
});
