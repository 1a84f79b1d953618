import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { engineBin, projectRoot, standInProviders } from "./paths";
import type { CloudState } from "./providers/cloud";

/** One create/update/delete a stand-in provider performed, as it logs it. */
export interface StandInOperation {
    readonly op: "create" | "update" | "delete";
    readonly type: string;
    readonly urn: string;
    readonly id?: string;
}

export interface PulumiResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface PulumiOptions {
    /** Kill the command after this long. Default: 5 minutes. */
    readonly timeoutMs?: number;
    /** Resolve with a non-zero exit instead of rejecting. Default: false. */
    readonly allowFailure?: boolean;
    /** Folder inside the copy to run in (a fixture program). Default: the copy's root. */
    readonly cwd?: string;
}

// Never copied into a workspace: installed or generated, and large.
const notCopied = new Set(["node_modules", ".git", ".engine", ".local", "dist", "bin-out"]);

/** The binaries `npm run engine:install` puts in .engine/bin, or the reason they are missing. */
export function missingEngine(): string | undefined {
    const wanted = ["pulumi", "pulumi-language-nodejs", ...standInProviders.map((name) => `pulumi-resource-${name}`)];
    const missing = wanted.filter((name) => !existsSync(join(engineBin, name)));
    return missing.length ? `${missing.join(", ")} missing in ${relative(process.cwd(), engineBin)}; run npm run engine:install` : undefined;
}

/**
 * A temporary copy of a Pulumi project run by the real CLI: its own PULUMI_HOME, a file state
 * backend, the passphrase secrets provider, no plugin downloads, and PATH starting at
 * .engine/bin (the pinned CLI and the stand-ins). node_modules are linked, not copied.
 */
export class EngineWorkspace {
    /** The project copy, where commands run. */
    readonly dir: string;
    private readonly root: string;
    private readonly env: NodeJS.ProcessEnv;

    /** Copies `source` (default: this project) into a new temporary folder. */
    constructor(source: string = projectRoot) {
        this.root = mkdtempSync(join(tmpdir(), "apigw-mtls-engine-"));
        this.dir = join(this.root, basename(source));
        // The policy pack's bundle is copied: built anew in every copy, it would weigh on each preview.
        const packBundle = join(source, "policy", "dist");
        cpSync(source, this.dir, { recursive: true, filter: (from) => from === packBundle || !notCopied.has(basename(from)) });
        for (const modules of ["node_modules", "policy/node_modules"]) {
            if (existsSync(join(projectRoot, modules)) && existsSync(join(this.dir, modules, ".."))) {
                symlinkSync(join(projectRoot, modules), join(this.dir, modules), "dir");
            }
        }
        mkdirSync(join(this.root, "home"));
        mkdirSync(join(this.root, "state"));
        this.env = {
            ...process.env,
            PATH: `${engineBin}:${process.env.PATH ?? ""}`,
            PULUMI_HOME: join(this.root, "home"),
            PULUMI_BACKEND_URL: `file://${join(this.root, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "engine-tests-only",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_STANDIN_LOG: this.logFile,
            // Plain output: tests read it.
            NO_COLOR: "1",
            PULUMI_ACCESS_TOKEN: undefined,
        };
    }

    /** Where the stand-in providers append the operations they perform. */
    get logFile(): string {
        return join(this.root, "standin.log");
    }

    /** The environment its commands run with, for tools that call `pulumi` themselves (a copy). */
    environment(): NodeJS.ProcessEnv {
        return { ...this.env };
    }

    /** Runs `pulumi <args>` in the project copy, non-interactively. */
    pulumi(args: string[], options: PulumiOptions = {}): Promise<PulumiResult> {
        return new Promise((resolvePromise, reject) => {
            execFile(join(engineBin, "pulumi"), [...args, "--non-interactive"], {
                cwd: join(this.dir, options.cwd ?? "."),
                env: this.env,
                timeout: options.timeoutMs ?? 5 * 60_000,
                killSignal: "SIGKILL",
                maxBuffer: 256 * 1024 * 1024,
            }, (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                const result = { code, stdout, stderr };
                if (code !== 0 && !options.allowFailure) {
                    reject(new Error(`pulumi ${args.join(" ")} exited ${code}${error?.killed ? " (killed: timeout)" : ""}:\n${stdout}\n${stderr}`));
                } else {
                    resolvePromise(result);
                }
            });
        });
    }

    /** `pulumi <args> --json`, parsed. */
    async pulumiJson<T>(args: string[], options: PulumiOptions = {}): Promise<T> {
        const { stdout } = await this.pulumi([...args, "--json"], options);
        return JSON.parse(stdout) as T;
    }

    /** Every operation the stand-ins performed so far, oldest first. */
    operations(): StandInOperation[] {
        if (!existsSync(this.logFile)) {
            return [];
        }
        return readFileSync(this.logFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as StandInOperation);
    }

    /** The stand-in cloud every stack of this workspace's backend shares (see providers/cloud.ts). */
    cloud(): CloudState | undefined {
        const file = join(this.root, "state", ".standin-cloud.json");
        return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) as CloudState : undefined;
    }

    /** Removes the copy, its state and its Pulumi home. */
    dispose(): void {
        rmSync(this.root, { recursive: true, force: true });
    }
}
