import * as esbuild from "esbuild";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const bundles = new Map<string, string>();

/**
 * Bundles one handler and what it imports into a single CommonJS file for the Lambda Node.js
 * runtime. Pass the entry as `require.resolve("../handlers/<name>")`: the TypeScript source
 * under ts-node, the compiled JavaScript when the project runs from tsc output; esbuild takes
 * either. Bundled once per process: stacks with many functions stay fast.
 */
export function bundleHandler(entry: string): string {
    const file = path.resolve(entry);
    let code = bundles.get(file);
    if (code === undefined) {
        const result = esbuild.buildSync({
            entryPoints: [file],
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            minify: false,
            write: false,
            logLevel: "silent",
        });
        code = result.outputFiles[0].text;
        bundles.set(file, code);
    }
    return code;
}

/** A Lambda code archive holding the bundled handler as `index.js`, and `files` (name to content) beside it. */
export function handlerArchive(entry: string, files: Readonly<Record<string, string>> = {}): pulumi.asset.AssetArchive {
    const assets: Record<string, pulumi.asset.Asset> = { "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) };
    for (const [name, content] of Object.entries(files)) {
        assets[name] = new pulumi.asset.StringAsset(content);
    }
    return new pulumi.asset.AssetArchive(assets);
}
