import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The project's root folder (where Pulumi.yaml is). */
export const projectRoot = resolve(__dirname, "..", "..");
/** The Go module that pins the Pulumi CLI and holds the stand-in language host. */
export const engineModule = join(projectRoot, "tools", "engine");
/** What `npm run engine:install` builds (git-ignored). */
export const engineDir = join(projectRoot, ".engine");
export const engineBin = join(engineDir, "bin");
export const engineLib = join(engineDir, "lib");
/** The providers the engine tests use in place of the real plugins, by package name. */
export const standInProviders = ["aws", "tls"] as const;

/** The Pulumi version tools/engine/go.mod pins (the SDK module and the CLI's module move together). */
export function pinnedPulumiVersion(): string {
    const goMod = readFileSync(join(engineModule, "go.mod"), "utf8");
    const pinned = /github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)/.exec(goMod)?.[1];
    if (!pinned) {
        throw new Error(`${join(engineModule, "go.mod")} does not require github.com/pulumi/pulumi/sdk/v3`);
    }
    return pinned;
}
