// Builds policy/dist: the pack as one JavaScript file for `pulumi policy publish`, which packs
// only the folder it runs in. The rules' imports from ../core (and the X.509 libraries
// they use) are bundled in; the Pulumi SDKs stay dependencies, installed where the pack runs.
// Usage: node policy/bundle.mjs [out-dir] (default policy/dist; esbuild comes from the project's
// own dependencies).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "dist"));
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
await build({
    entryPoints: [join(here, "index.ts")],
    outfile: join(out, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: Object.keys(pkg.dependencies),
    logLevel: "warning",
});
const { name, version, description, license, dependencies } = pkg;
writeFileSync(join(out, "package.json"), JSON.stringify({
    name, version, description, license, main: "index.js", files: ["index.js", "PulumiPolicy.yaml"], dependencies,
}, null, 2) + "\n");
copyFileSync(join(here, "PulumiPolicy.yaml"), join(out, "PulumiPolicy.yaml"));
console.log(`bundled ${name}@${version} into ${out}`);
