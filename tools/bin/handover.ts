// `npm run handover -- <partner> --out <dir> [--stack S] [--local] [--passphrase-file F] [--force]`:
// the files a partner needs to call the API (certificate, chain, key, PKCS#12, README.txt), from
// the deployed stack's outputs or from local mode's `.local/<stack>/`.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { parseCommandLine, UsageError } from "../cli/args";
import { buildPkcs12, bundleFiles, checkKey, checkNotCommittable, checkOut, newPassphrase, readPassphrase, writeBundle } from "../handover/bundle";
import { HandoverError, LocalFiles, PulumiRunner, readDeployed, readLocal, shortPath } from "../handover/material";
import { projectDir } from "../simulator/stack-config";

export const USAGE = `usage: npm run --silent handover -- <partner> --out <dir> [--stack <name>] [--local]
                                   [--passphrase-file <file>] [--force]

Writes what a partner needs to call the API into <dir>: <partner>.crt (its client certificate),
<partner>-chain.pem (the issuing chain, issuing CA first), README.txt (API URL, curl, Postman),
and for a partner whose key the stack generated <partner>.key and <partner>.p12 (PKCS#12 with
key, certificate and chain, AES-256) with its passphrase in <partner>.p12.pass, all three 0600.

  --out <dir>               where to write (made 0700 if missing); outside the repository, or
                            a folder git ignores
  --stack <name>            stack to read (default: the selected stack; with --local, dev)
  --local                   read local mode's .local/<stack>/ instead of pulumi stack output
  --passphrase-file <file>  the .p12's passphrase, on the file's first line (no .p12.pass is written)
  --force                   replace the partner's files already in <dir>

Needs the pulumi CLI (without --local) and openssl (for the .p12). Exit codes: 0 written; 2
bad arguments, an unknown partner, a stack without outputs, files already in <dir> or a <dir>
in a git work tree that git does not ignore: nothing is written then.`;

export interface HandoverArgs {
    readonly partner: string;
    readonly out: string;
    readonly stack?: string;
    readonly local: boolean;
    readonly passphraseFile?: string;
    readonly force: boolean;
}

/** Where the command reads and writes; tests pass their own. */
export interface HandoverIo extends LocalFiles {
    /** Runs the pulumi CLI (for the deployed stack). */
    readonly pulumi: PulumiRunner;
    out(line: string): void;
    err(line: string): void;
}

// The config's rule for partner names (core/config/stack.ts); here it also keeps file names in --out.
const partnerName = /^[a-z0-9-]{1,48}$/;
// Local stacks name a Pulumi.<stack>.yaml and a folder; deployed ones may be org/project/stack.
const localStackName = /^[A-Za-z0-9_.-]+$/;

/** The options of the command line. */
const OPTIONS = {
    out: { type: "string" },
    stack: { type: "string" },
    local: { type: "boolean" },
    "passphrase-file": { type: "string" },
    force: { type: "boolean" },
} as const;

/** Parses the command line (after the script name). Exported for testing. */
export function parseHandoverArgs(argv: readonly string[]): HandoverArgs {
    const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
    if (positionals.length !== 1) {
        throw new UsageError(positionals.length === 0 ? "name the partner to hand over, such as acme-bank" : `one partner at a time, got ${positionals.length}: ${positionals.join(" ")}`);
    }
    const [partner] = positionals;
    if (!partnerName.test(partner)) {
        throw new UsageError(`${JSON.stringify(partner)} is not a partner name: 1 to 48 characters of a-z, 0-9 and '-', such as acme-bank`);
    }
    if (values.out === undefined) {
        throw new UsageError("--out <dir> is required: the folder to write the partner's files to");
    }
    const local = values.local ?? false;
    if (local && values.stack !== undefined && (!localStackName.test(values.stack) || /^\.+$/.test(values.stack))) {
        throw new UsageError(`--stack ${JSON.stringify(values.stack)} is not a stack of this project; with --local name one of its Pulumi.<stack>.yaml files, such as dev`);
    }
    return { partner, out: values.out, stack: values.stack, local, passphraseFile: values["passphrase-file"], force: values.force ?? false };
}

/** The `pulumi` CLI run in `cwd` with `env` (whose PATH finds it). */
export function pulumiCli(cwd: string, env: NodeJS.ProcessEnv = process.env): PulumiRunner {
    return (args) => new Promise((resolve, reject) => {
        execFile("pulumi", [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024, timeout: 5 * 60_000 }, (error, stdout, stderr) => {
            if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
                reject(new HandoverError("the pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/), or hand over from local mode with --local"));
                return;
            }
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
    });
}

/** Writes the bundle and resolves to the exit code. Checks everything before the first write. */
export async function handover(args: HandoverArgs, io: HandoverIo): Promise<number> {
    const outDir = path.resolve(io.cwd, args.out);
    const shownOut = shortPath(io.cwd, outDir);
    const passphraseFile = args.passphraseFile === undefined ? undefined : path.resolve(io.cwd, args.passphraseFile);
    const givenPassphrase = passphraseFile === undefined ? undefined : readPassphrase(passphraseFile, args.passphraseFile as string);
    checkOut(outDir, shownOut, args.partner, args.force, passphraseFile);
    checkNotCommittable(outDir, shownOut, args.partner);
    const material = args.local ? readLocal(io, args.partner, args.stack ?? "dev") : await readDeployed(io.pulumi, args.partner, args.stack);
    if (material.privateKeyPem === undefined && givenPassphrase !== undefined) {
        throw new HandoverError(`partner "${args.partner}" holds its own key, so there is no .p12 to protect; leave out --passphrase-file`);
    }
    checkKey(material);
    let pkcs12: { der: Buffer; generatedPassphrase?: string } | undefined;
    if (material.privateKeyPem !== undefined) {
        const generatedPassphrase = givenPassphrase === undefined ? newPassphrase() : undefined;
        pkcs12 = { der: await buildPkcs12(material, givenPassphrase ?? (generatedPassphrase as string)), generatedPassphrase };
    }
    const files = bundleFiles(material, pkcs12);
    writeBundle(outDir, files, args.partner, passphraseFile);

    io.out(`handover: ${args.partner} from ${material.source}: wrote ${files.length} files to ${shownOut}/`);
    const width = Math.max(...files.map((file) => file.name.length)) + 2;
    files.forEach((file) => io.out(`  ${file.name.padEnd(width)}${file.mode === 0o600 ? "0600  " : "0644  "}${file.what}`));
    io.out(material.privateKeyPem === undefined
        ? "handover: no key: the partner holds its own; send the files on any channel"
        : `handover: hand the .key and .p12 over on a channel fit for a private key, and ${pkcs12?.generatedPassphrase === undefined ? "the passphrase" : `${args.partner}.p12.pass`} on another`);
    return 0;
}

/** Runs the command on `argv` (after the script name) and resolves to its exit code. */
export async function main(argv: readonly string[], io: HandoverIo = processIo()): Promise<number> {
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            io.out(USAGE);
            return 0;
        }
        return await handover(parseHandoverArgs(argv), io);
    } catch (cause) {
        const known = cause instanceof UsageError || cause instanceof HandoverError;
        const message = cause instanceof Error ? cause.message : String(cause);
        io.err(`handover: ${known ? message : `unexpected error: ${message}`}${cause instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    }
}

function processIo(): HandoverIo {
    return {
        // `npm run` starts scripts in the package directory; INIT_CWD is where the user typed it.
        cwd: (process.env.npm_lifecycle_event === "handover" && process.env.INIT_CWD) || process.cwd(),
        projectDir,
        localRoot: path.join(projectDir, ".local"),
        pulumi: pulumiCli(projectDir),
        out: (line) => process.stdout.write(line + "\n"),
        err: (line) => process.stderr.write(line + "\n"),
    };
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
