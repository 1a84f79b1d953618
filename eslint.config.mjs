// ESLint for the whole project: typescript-eslint's type-checked rules, @pulumi/eslint-plugin's
// Output rules, and the layering of DESIGN.md ("nothing imports upward") as import restrictions.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import pulumi from "@pulumi/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Relative imports of one of our top-level folders (or the program, `..` / `../index`), from any depth. */
const folders = (...names) => `^(\\./|(\\.\\./)+)(${names.join("|")})(/|$)`;

// The layers, bottom up: core (pure logic); handlers and components; the program, the policy
// pack and tools/ (CLIs, local mode, the simulator, bench, the engine harness). Each entry says
// what a layer may not import, and why.
const restrictions = {
    handlers: {
        regex: folders("handlers"),
        message: "Lambda handlers are bundled on their own: only handlers/ (and their specs) import them; share what they need through core/.",
    },
    core: {
        regex: `${folders("components", "handlers", "tools", "policy", "index")}|^\\.\\.(/\\.\\.)*/?$`,
        message: "core/ is the bottom layer: it imports nothing else of ours (move what it needs into core/).",
    },
    policy: {
        regex: folders("components", "tools"),
        message: "The policy pack judges resources, not our components or tools: import the pure rules from core/ instead.",
    },
};

/** no-restricted-imports with the given restrictions; type-only imports count too. */
const layering = (...names) => ({
    "no-restricted-imports": ["error", { patterns: names.map((name) => restrictions[name]) }],
});

/** Specs that test a handler directly. */
const handlerSpecs = ["test/handlers/**/*.spec.ts"];

export default defineConfig(
    {
        ignores: ["node_modules/", "dist/", ".engine/", ".local/", "bin-out/", "policy/node_modules/", "policy/dist/", "test/fixtures/"],
    },
    js.configs.recommended,
    {
        files: ["**/*.mjs"],
        languageOptions: { globals: globals.node },
    },
    {
        files: ["**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: globals.node },
    },
    {
        files: ["**/*.ts"],
        extends: [tseslint.configs.recommendedTypeChecked],
        plugins: { "@pulumi": pulumi },
        languageOptions: {
            parserOptions: {
                // The root tsconfig.json has no `include`: it holds every .ts file of the project.
                project: "./tsconfig.json",
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
            // Property bags cross Pulumi's RPC layer typed `any` by the SDK itself (mocks' inputs,
            // providers' olds and news, policies' props): no-explicit-any keeps `any` out of our
            // own declarations; flagging every use of the SDK's values would only add casts.
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            // Providers, mocks and Lambda handlers implement Promise-returning interfaces: `async`
            // without `await` is how they say so; no-floating-promises catches the real mistakes.
            "@typescript-eslint/require-await": "off",
        },
    },
    {
        files: ["**/*.ts"],
        ignores: ["handlers/**", "core/**", "policy/**", ...handlerSpecs],
        rules: layering("handlers"),
    },
    {
        files: ["core/**/*.ts"],
        rules: layering("core"),
    },
    {
        files: ["policy/**/*.ts"],
        rules: layering("handlers", "policy"),
    },
);
