// Builds policy/dist: the pack as one JavaScript file, the artefact both `pulumi preview
// --policy-pack policy` (through policy/run.cjs) and `pulumi policy publish` (which packs only the
// folder it runs in) load. The rules' imports from ../core (and the X.509 libraries they use)
// are bundled in; the Pulumi SDKs stay dependencies, installed where the pack runs.
// `npm ci --prefix policy` runs it (the `prepare` script); run.cjs runs it again when a source
// the bundle was built from has changed since.
// Usage: node policy/bundle.mjs [out-dir] (default policy/dist).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "dist"));
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

/** The pack's own sources and their hashes, for run.cjs to tell a stale bundle (dependencies change only with `npm ci`, which rebuilds). */
const inputsFile = "inputs.json";

/**
 * `@pulumi/aws`'s index requires all of its 250-odd namespaces at once (0.6 s of CPU, most of
 * the pack's start after the SDK itself), while the rules use a dozen classes. In the bundle,
 * `aws.<namespace>.<Class>` loads only that class's module (`@pulumi/aws/<namespace>/<class>.js`),
 * on first use.
 */
function lazyAws() {
    const awsDir = dirname(createRequire(join(here, "package.json")).resolve("@pulumi/aws/package.json"));
    const namespaces = readdirSync(awsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && /^[a-z0-9]+$/.test(entry.name)).map((entry) => entry.name);
    const contents = `"use strict";
const load = (namespace) => new Proxy({}, {
    get(_, name) {
        if (typeof name !== "string" || !/^[A-Z]/.test(name)) {
            return undefined;
        }
        const file = name[0].toLowerCase() + name.slice(1);
        return require("@pulumi/aws/" + namespace + "/" + file)[name];
    },
});
${namespaces.map((namespace) => `Object.defineProperty(exports, ${JSON.stringify(namespace)}, { enumerable: true, get: () => load(${JSON.stringify(namespace)}) });`).join("\n")}
`;
    return {
        name: "lazy-aws",
        setup(esbuild) {
            esbuild.onResolve({ filter: /^@pulumi\/aws$/ }, () => ({ path: "@pulumi/aws", namespace: "lazy-aws" }));
            esbuild.onLoad({ filter: /.*/, namespace: "lazy-aws" }, () => ({ contents, loader: "js", resolveDir: here }));
        },
    };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
    entryPoints: [join(here, "index.ts")],
    outfile: join(out, "index.js"),
    absWorkingDir: here,
    // core/ resolves its imports from the project's node_modules when installed, else from the pack's own.
    nodePaths: [join(here, "node_modules")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: Object.keys(pkg.dependencies).map((name) => `${name}/*`).concat(Object.keys(pkg.dependencies).filter((name) => name !== "@pulumi/aws")),
    plugins: [lazyAws()],
    metafile: true,
    logLevel: "warning",
});
const sources = Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/") && !file.includes(":"));
const hashes = Object.fromEntries(sources.map((file) => [file, createHash("sha256").update(readFileSync(join(here, file))).digest("hex")]));
writeFileSync(join(out, inputsFile), JSON.stringify(hashes, null, 2) + "\n");
const { name, version, description, license, dependencies } = pkg;
writeFileSync(join(out, "package.json"), JSON.stringify({
    name, version, description, license, main: "index.js", files: ["index.js", "PulumiPolicy.yaml"], dependencies,
}, null, 2) + "\n");
copyFileSync(join(here, "PulumiPolicy.yaml"), join(out, "PulumiPolicy.yaml"));
console.log(`bundled ${name}@${version} into ${out}`);
