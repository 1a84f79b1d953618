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

/** The pack's own sources and this script, with their hashes, for run.cjs to tell a stale bundle (dependencies change only with `npm ci`, which rebuilds). */
const inputsFile = "inputs.json";

const packRequire = createRequire(join(here, "package.json"));

/**
 * The rules hand resource classes to @pulumi/policy (`validateResourceOfType`, `isType`), which
 * compares only the class's type token, its static `__pulumiType` (`isTypeOf` in @pulumi/policy's
 * server.js). But a class module of `@pulumi/aws` or `@pulumi/tls` requires `@pulumi/pulumi`'s
 * index, which loads the SDK's whole runtime (its closure serializer brings npm's arborist, pacote
 * and sigstore: 0.45 s of the pack's start on an idle machine), and `@pulumi/aws`'s own index requires its
 * 250-odd namespaces at once. In the bundle, `aws.<namespace>.<Class>` and `tls.<Class>` are a
 * small object that answers `__pulumiType` from a table of `[module, token]` read out of the class
 * modules at build time, and loads the real class only when a rule asks it for anything else. Names not in the
 * table (functions, enums) come from the real module, on first use.
 */
function providerSdks(classes) {
    const resourceClass = `const resourceClass = (file, name, token) => {
    let real;
    return new Proxy({ __pulumiType: token }, {
        get(target, key) {
            return key in target ? target[key] : (real ??= require(file)[name])[key];
        },
    });
};`;
    const aws = `"use strict";
${resourceClass}
const classes = ${JSON.stringify(classes.aws)};
const load = (namespace) => new Proxy({}, {
    get(_, name) {
        const known = classes[namespace]?.[name];
        if (known !== undefined) {
            return resourceClass(known[0], name, known[1]);
        }
        return typeof name === "string" ? require("@pulumi/aws/" + namespace)[name] : undefined;
    },
});
${awsNamespaces().map((namespace) => `Object.defineProperty(exports, ${JSON.stringify(namespace)}, { enumerable: true, get: () => load(${JSON.stringify(namespace)}) });`).join("\n")}
`;
    // Every name @pulumi/tls exports, as a property: esbuild's import helper copies the properties
    // it finds.
    const tlsNames = Object.keys(packRequire("@pulumi/tls"));
    const tls = `"use strict";
${resourceClass}
const classes = ${JSON.stringify(classes.tls)};
const get = (name) => classes[name] !== undefined ? resourceClass(classes[name][0], name, classes[name][1]) : require("@pulumi/tls")[name];
for (const name of ${JSON.stringify(tlsNames)}) {
    Object.defineProperty(exports, name, { enumerable: true, get: () => get(name) });
}
`;
    const contents = { "@pulumi/aws": aws, "@pulumi/tls": tls };
    return {
        name: "provider-sdks",
        setup(esbuild) {
            // The modules' own `require("@pulumi/tls")` is the real one.
            esbuild.onResolve({ filter: /^@pulumi\/(aws|tls)$/ }, (args) =>
                args.namespace === "provider-sdks" ? undefined : { path: args.path, namespace: "provider-sdks" });
            esbuild.onLoad({ filter: /.*/, namespace: "provider-sdks" }, (args) => ({ contents: contents[args.path], loader: "js", resolveDir: here }));
        },
    };
}

function awsNamespaces() {
    const awsDir = dirname(packRequire.resolve("@pulumi/aws/package.json"));
    return readdirSync(awsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && /^[a-z0-9]+$/.test(entry.name)).map((entry) => entry.name);
}

/**
 * The classes the pack's sources name (`aws.<namespace>.<Class>`, `tls.<Class>`), each as its
 * module and the type token that module's `static __pulumiType` holds. A name with no such module
 * (an `Args` type, a word in a comment) is left out.
 */
function resourceClasses(sources) {
    const classes = { aws: {}, tls: {} };
    /** `[module, token]` of class `name` in the package folder `folder`, or undefined. */
    const find = (folder, name) => {
        const module = `${folder}/${name[0].toLowerCase()}${name.slice(1)}`;
        let text;
        try {
            text = readFileSync(packRequire.resolve(module), "utf8");
        } catch {
            return undefined;
        }
        const token = /static __pulumiType = '([^']+)'/.exec(text)?.[1];
        return token === undefined ? undefined : [module, token];
    };
    for (const source of sources) {
        const text = readFileSync(join(here, source), "utf8");
        for (const [, namespace, name] of text.matchAll(/\baws\.([a-z0-9]+)\.([A-Z]\w*)/g)) {
            const found = find(`@pulumi/aws/${namespace}`, name);
            if (found !== undefined) {
                (classes.aws[namespace] ??= {})[name] = found;
            }
        }
        for (const [, name] of text.matchAll(/\btls\.([A-Z]\w*)/g)) {
            const found = find("@pulumi/tls", name);
            if (found !== undefined) {
                classes.tls[name] = found;
            }
        }
    }
    return classes;
}

/**
 * @pulumi/policy is bundled in too, so that its one use of `@pulumi/pulumi`'s index (deserialize.js:
 * `asset` and `Output`) can load those two modules alone; any other name still comes from the
 * index.
 */
function pulumiIndex() {
    const contents = `"use strict";
module.exports = new Proxy({}, {
    get(_, name) {
        switch (name) {
            case "asset": return require("@pulumi/pulumi/asset");
            case "Output": return require("@pulumi/pulumi/output").Output;
            default: return require("@pulumi/pulumi")[name];
        }
    },
});
`;
    return {
        name: "pulumi-index",
        setup(esbuild) {
            esbuild.onResolve({ filter: /^@pulumi\/pulumi$/ }, (args) =>
                args.importer.includes("node_modules/@pulumi/policy/") ? { path: args.path, namespace: "pulumi-index" } : undefined);
            esbuild.onLoad({ filter: /.*/, namespace: "pulumi-index" }, () => ({ contents, loader: "js", resolveDir: here }));
        },
    };
}

/** The pack's own sources among a build's inputs: not a dependency, not a virtual module. */
const ownSources = (metafile) => Object.keys(metafile.inputs).filter((file) => !file.includes("node_modules/") && !file.includes(":"));

/** What stays a dependency, resolved where the pack runs: the Pulumi SDKs and @pulumi/policy's own dependencies. */
const external = [
    ...Object.keys(pkg.dependencies),
    ...Object.keys(JSON.parse(readFileSync(packRequire.resolve("@pulumi/policy/package.json"), "utf8")).dependencies),
].filter((name) => name !== "@pulumi/policy").flatMap((name) => [name, `${name}/*`]);

const options = (classes) => ({
    entryPoints: [join(here, "index.ts")],
    outfile: join(out, "index.js"),
    absWorkingDir: here,
    // core/ resolves its imports from the project's node_modules when installed, else from the pack's own.
    nodePaths: [join(here, "node_modules")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external,
    plugins: [providerSdks(classes), pulumiIndex()],
    metafile: true,
    logLevel: "warning",
});

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// Twice: the first build finds the sources, whose class names give the second its classes.
const sources = ownSources((await build({ ...options({ aws: {}, tls: {} }), write: false })).metafile);
await build(options(resourceClasses(sources)));
const hashes = Object.fromEntries([...sources, "bundle.mjs"].map((file) => [file, createHash("sha256").update(readFileSync(join(here, file))).digest("hex")]));
writeFileSync(join(out, inputsFile), JSON.stringify(hashes, null, 2) + "\n");
const { name, version, description, license, dependencies } = pkg;
writeFileSync(join(out, "package.json"), JSON.stringify({
    name, version, description, license, main: "index.js", files: ["index.js", "PulumiPolicy.yaml"], dependencies,
}, null, 2) + "\n");
copyFileSync(join(here, "PulumiPolicy.yaml"), join(out, "PulumiPolicy.yaml"));
console.log(`bundled ${name}@${version} into ${out}`);
