// The truststore CLI: checks a PEM bundle against API Gateway's mTLS rules, or tells whether a
// client certificate would be accepted with it. Run it with `npm run --silent truststore -- ...`.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { acceptsClient, checkTruststore, formatFinding, hasErrors } from "../components/truststorerules";

/** Where the CLI reads and writes; each write is one line or more, without the final newline. */
export interface CliIo {
    /** The directory relative file names start from. */
    cwd: string;
    out(line: string): void;
    err(line: string): void;
}

export const USAGE = [
    "usage: npm run --silent truststore -- check <bundle.pem> [--json] [--warn-days N]",
    "       npm run --silent truststore -- client <bundle.pem> <client.pem>",
    "",
    "check   lists what API Gateway would reject or warn about in a truststore bundle, one line",
    "        per finding: <severity> <code> <subject>: <message>. --json prints them as a JSON",
    "        array. --warn-days N warns about certificates expiring within N days (default 30).",
    "        Exit 0 without error findings, 1 with any, 2 on a usage error or unreadable file.",
    "client  tells whether API Gateway would accept the client certificate with the bundle.",
    "        Exit 0 when accepted, 1 when refused (with the reason), 2 as above.",
].join("\n");

const processIo: CliIo = {
    // `npm run` starts scripts in the package directory; INIT_CWD is where the user typed it.
    cwd: (process.env.npm_lifecycle_event === "truststore" && process.env.INIT_CWD) || process.cwd(),
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
};

class UsageError extends Error {}

async function readText(cwd: string, path: string): Promise<string> {
    try {
        return await readFile(resolve(cwd, path), "utf8");
    } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (cause as Error).message}`);
    }
}

interface CheckArgs {
    bundle: string;
    json: boolean;
    warnDays?: number;
}

function parseCheckArgs(args: readonly string[]): CheckArgs {
    const files: string[] = [];
    let json = false;
    let warnDays: number | undefined;
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--json") {
            json = true;
        } else if (arg === "--warn-days" || arg.startsWith("--warn-days=")) {
            const value = arg === "--warn-days" ? args[++i] : arg.slice("--warn-days=".length);
            if (value === undefined || !/^\d+$/.test(value)) {
                throw new UsageError(`--warn-days needs a whole number of days, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
            }
            warnDays = Number(value);
        } else if (arg.startsWith("-")) {
            throw new UsageError(`unknown option ${arg}`);
        } else {
            files.push(arg);
        }
    }
    if (files.length !== 1) {
        throw new UsageError(`check takes one bundle file, got ${files.length}`);
    }
    return { bundle: files[0], json, warnDays };
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
    const options = parseCheckArgs(args);
    const findings = await checkTruststore(await readText(io.cwd, options.bundle), { warnDays: options.warnDays });
    if (options.json) {
        io.out(JSON.stringify(findings, null, 2));
    } else {
        findings.forEach((finding) => io.out(formatFinding(finding)));
        const errors = findings.filter((finding) => finding.severity === "error").length;
        io.err(`${options.bundle}: ${errors} error(s), ${findings.length - errors} warning(s)`);
    }
    return hasErrors(findings) ? 1 : 0;
}

async function client(args: readonly string[], io: CliIo): Promise<number> {
    const unknown = args.find((arg) => arg.startsWith("-"));
    if (unknown) {
        throw new UsageError(`unknown option ${unknown}`);
    }
    if (args.length !== 2) {
        throw new UsageError(`client takes a bundle file and a client certificate file, got ${args.length} file(s)`);
    }
    const [bundle, clientCert] = await Promise.all(args.map((file) => readText(io.cwd, file)));
    const verdict = await acceptsClient(bundle, clientCert);
    const chain = verdict.chain.join(" -> ");
    io.out(verdict.accepted ? `accepted: ${verdict.reason} (${chain})` : `refused: ${verdict.reason}`);
    return verdict.accepted ? 0 : 1;
}

/** Runs the CLI on `argv` (the arguments after the script name) and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    const [command, ...args] = argv;
    try {
        if (command === undefined) {
            io.err(USAGE);
            return 2;
        }
        if (["--help", "-h", "help"].includes(command) || args.includes("--help")) {
            io.out(USAGE);
            return 0;
        }
        if (command === "check") {
            return await check(args, io);
        }
        if (command === "client") {
            return await client(args, io);
        }
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    } catch (cause) {
        const usage = cause instanceof UsageError;
        io.err(`truststore: ${cause instanceof Error ? cause.message : String(cause)}${usage ? " (see --help)" : ""}`);
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
