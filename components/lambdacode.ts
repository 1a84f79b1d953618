import * as esbuild from "esbuild";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const bundles = new Map<string, string>();

/**
 * Bundles one TypeScript handler and what it imports into a single CommonJS file for the
 * Lambda Node.js runtime. Bundled once per process: stacks with many functions stay fast.
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

/** A Lambda code archive holding the bundled handler as `index.js`. */
export function handlerArchive(entry: string): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}
