import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { configDeclarations, configDefaults, configKeys, KeyDeclaration, projectName } from "../../../core/config/keys";

const projectDir = path.resolve(__dirname, "..", "..", "..");
const pulumiYaml = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, unknown> };

/** The table's declarations as Pulumi.yaml must write them: the keys it can hold, without our own fields. */
function expectedPulumiYamlConfig(): Record<string, unknown> {
    const declarations = Object.entries(configDeclarations) as [string, KeyDeclaration][];
    return Object.fromEntries(declarations
        .filter(([, declaration]) => declaration.inPulumiYaml !== false)
        .map(([key, { inPulumiYaml: _, ...declaration }]) => [key, declaration]));
}

describe("config keys", () => {
    it("are Pulumi.yaml's config, key for key: the same order, types, defaults and descriptions", () => {
        const expected = expectedPulumiYamlConfig();
        assert.deepEqual(Object.keys(pulumiYaml.config), Object.keys(expected), "the same keys, in the same order");
        for (const key of Object.keys(expected)) {
            assert.deepEqual(pulumiYaml.config[key], expected[key], `Pulumi.yaml's ${key} differs from core/config/keys.ts; make them the same`);
        }
    });

    it("name the project with the constant the namespace and the component types use", () => {
        assert.equal(pulumiYaml.name, projectName);
        const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { name: string };
        assert.equal(pkg.name, projectName);
    });

    it("give each default as the CLI hands it to the program: scalars as text, lists and maps as JSON, none for a required key", () => {
        assert.equal(configDefaults.domainName, undefined);
        assert.equal(configDefaults.certificateArn, "");
        assert.equal(configDefaults.dualStack, "false");
        assert.equal(configDefaults.authorizerCacheSeconds, "60");
        assert.equal(configDefaults.caGenerations, "[1]");
        assert.equal(configDefaults.throttle, '{"rateLimit":50,"burstLimit":100}');
        assert.deepEqual(Object.keys(configDefaults), configKeys);
    });

    it("keep out of Pulumi.yaml only activeCaGeneration, whose default depends on caGenerations", () =>
        assert.deepEqual(configKeys.filter((key) => !(key in pulumiYaml.config)), ["activeCaGeneration"]));
});

describe("the project namespace", () => {
    /** Files of ours that may hold the namespace as a literal: the table that defines it, and data that cannot import it. */
    const allowed = ["core/config/keys.ts", "Pulumi.yaml", "package.json", "package-lock.json"];
    const sources = ["index.ts", "components", "core", "handlers", "tools"];

    /** Every .ts file under `entry`, relative to the project. */
    function tsFiles(entry: string): string[] {
        const full = path.join(projectDir, entry);
        if (fs.statSync(full).isFile()) {
            return entry.endsWith(".ts") ? [entry] : [];
        }
        return fs.readdirSync(full).flatMap((name) => (name === "node_modules" ? [] : tsFiles(path.join(entry, name))));
    }

    it("is written once in the code, as projectName: every key, component type and parameter path uses that constant", () => {
        // `apigw-mtls:` (a key or type token) and `/apigw-mtls/` (a path); prefixes of temporary folders and labels are names, not the namespace.
        const literal = /["'`/]apigw-mtls[:/]/;
        const offenders = sources.flatMap(tsFiles).filter((file) => !allowed.includes(file) && literal.test(fs.readFileSync(path.join(projectDir, file), "utf8")));
        assert.deepEqual(offenders, []);
    });
});
