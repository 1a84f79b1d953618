// `npm run engine:install`: builds the pinned Pulumi CLI and the stand-ins the engine tests run
// against into .engine/bin/, or reuses them when nothing they are built from has changed.
// Users install the Pulumi CLI the usual way; this is for machines without its installer, and CI.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { engineBin, engineDir, engineLib, engineModule, pinnedPulumiVersion, projectRoot, standInProviders } from "../engine/paths";

interface Step {
    /** What the step does, as the progress line and the failure line name it. */
    readonly title: string;
    /** The files the step's output is made from: the step is skipped when none has changed. */
    readonly inputs: string[];
    /** Anything else the output depends on (the Go version). */
    readonly salt: string;
    /** The files the step writes; all must exist for a reuse. */
    readonly outputs: string[];
    run(): Promise<void>;
}

class StepFailure extends Error {}

const versionFlag = (version: string) => `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;

/** `go build`, printing how many packages it has compiled every few seconds. */
function goBuild(title: string, out: string, target: string, version: string): Promise<void> {
    const args = ["build", "-v", "-trimpath", "-ldflags", `-s -w ${versionFlag(version)}`, "-o", out, target];
    return new Promise((resolvePromise, reject) => {
        const child = spawn("go", args, {
            cwd: engineModule,
            env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local" },
            stdio: ["ignore", "ignore", "pipe"],
        });
        const started = Date.now();
        let packages = 0;
        const problems: string[] = [];
        let rest = "";
        child.stderr.on("data", (chunk: Buffer) => {
            const lines = (rest + chunk.toString()).split("\n");
            rest = lines.pop() ?? "";
            for (const line of lines) {
                // -v names each package (an import path, no spaces) as it compiles it; other lines are
                // go downloading modules or reporting a problem.
                if (line && !line.includes(" ")) {
                    packages++;
                } else if (line.trim() && !line.startsWith("go: downloading")) {
                    problems.push(line.trim());
                }
            }
        });
        const ticker = setInterval(() => {
            log(`  ${title}: ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)} s`);
        }, 15_000);
        child.on("error", (error) => {
            clearInterval(ticker);
            reject(new StepFailure(`cannot run go (${error.message}); install the Go toolchain (https://go.dev/doc/install)`));
        });
        child.on("close", (code) => {
            clearInterval(ticker);
            if (code === 0) {
                resolvePromise();
            } else {
                const reason = problems.find((line) => /error|cannot|refused|forbidden|not available|missing/i.test(line))
                    ?? problems.at(-1) ?? `go build exited with code ${code}`;
                reject(new StepFailure(reason));
            }
        });
    });
}

function sourcesIn(dir: string, extension: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(extension)).map((name) => join(dir, name)).sort();
}

function fingerprint(files: string[], extra: string): string {
    const hash = createHash("sha256").update(extra);
    for (const file of files) {
        hash.update(file).update("\0").update(readFileSync(file)).update("\0");
    }
    return hash.digest("hex");
}

function log(line: string): void {
    process.stdout.write(line + "\n");
}

function steps(version: string, goVersion: string): Step[] {
    const goInputs = [join(engineModule, "go.mod"), join(engineModule, "go.sum")];
    const langhostDir = join(engineModule, "langhost");
    const providerSources = sourcesIn(join(engineModule, "providers"), ".ts");
    return [
        {
            title: `build the Pulumi CLI ${version}`,
            inputs: goInputs,
            salt: goVersion,
            outputs: [join(engineBin, "pulumi")],
            run: () => goBuild("Pulumi CLI", join(engineBin, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi", version),
        },
        {
            title: "build the stand-in Node.js language host",
            inputs: [...goInputs, ...sourcesIn(langhostDir, ".go")],
            salt: goVersion,
            outputs: [join(engineBin, "pulumi-language-nodejs")],
            run: () => goBuild("language host", join(engineBin, "pulumi-language-nodejs"), "./langhost", version),
        },
        {
            title: "bundle the stand-in aws and tls providers",
            // The bundles import the project's own modules too (the shared certificate code).
            inputs: [...providerSources, ...sourcesIn(join(projectRoot, "tools", "simulator"), ".ts"),
                ...sourcesIn(join(projectRoot, "core"), ".ts"), join(projectRoot, "package-lock.json")],
            salt: "",
            outputs: standInProviders.flatMap((name) => [join(engineBin, `pulumi-resource-${name}`), join(engineLib, `${name}.js`)]),
            run: bundleProviders,
        },
    ];
}

async function bundleProviders(): Promise<void> {
    mkdirSync(engineLib, { recursive: true });
    for (const name of standInProviders) {
        const bundle = join(engineLib, `${name}.js`);
        try {
            await build({
                entryPoints: [join(engineModule, "providers", `${name}.ts`)],
                outfile: bundle,
                bundle: true,
                platform: "node",
                target: "node20",
                format: "cjs",
                // npm packages load from the project's node_modules, above .engine/lib.
                packages: "external",
                logLevel: "silent",
            });
        } catch (error) {
            const first = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors?.[0];
            const where = first?.location ? `${first.location.file}:${first.location.line}: ` : "";
            throw new StepFailure(`esbuild: ${where}${first?.text ?? (error as Error).message}`);
        }
        const launcher = join(engineBin, `pulumi-resource-${name}`);
        writeFileSync(launcher, `#!/bin/sh\n# Stand-in ${name} provider for engine tests (not the real plugin).\nexec node "${bundle}" "$@"\n`);
        chmodSync(launcher, 0o755);
    }
}

function goVersion(): string {
    try {
        return execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
    } catch {
        throw new StepFailure("cannot run go; install the Go toolchain (https://go.dev/doc/install)");
    }
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { force: { type: "boolean", default: false } } });
    const version = pinnedPulumiVersion();
    const stampFile = join(engineDir, "stamps.json");
    const stamps: Record<string, string> = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : {};
    mkdirSync(engineBin, { recursive: true });
    const started = Date.now();
    let current = "check the Go toolchain";
    try {
        const go = goVersion();
        for (const step of steps(version, go)) {
            current = step.title;
            const stamp = fingerprint(step.inputs, step.salt);
            if (!values.force && stamps[step.title] === stamp && step.outputs.every((output) => existsSync(output))) {
                log(`reused: ${step.title}`);
                continue;
            }
            log(`${step.title} ...`);
            const stepStarted = Date.now();
            await step.run();
            stamps[step.title] = stamp;
            writeFileSync(stampFile, JSON.stringify(stamps, null, 2) + "\n");
            log(`done: ${step.title} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
        }
    } catch (error) {
        const reason = error instanceof StepFailure ? error.message : String(error);
        process.stderr.write(`engine:install: "${current}" failed: ${reason}\n`);
        process.exitCode = 1;
        return;
    }
    log(`engine ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${engineBin} (Pulumi CLI ${version}; `
        + `language host and aws/tls providers are stand-ins)`);
}

void main();
