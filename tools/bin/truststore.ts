// The truststore CLI: checks a PEM bundle against API Gateway's mTLS rules, or tells whether a
// client certificate would be accepted with it. Run it with `npm run --silent truststore -- ...`.
import { FileHandle, open } from "node:fs/promises";
import { resolve } from "node:path";
import { MissingValue, parseCommandLine, UsageError } from "../cli/args";
import { bundleTooLarge } from "../../core/truststore/bundle-shape";
import { acceptsClient } from "../../core/truststore/client-verifier";
import { formatFinding, hasErrors, oneLine } from "../../core/truststore/findings";
import { checkTruststore } from "../../core/truststore/check";
import { MAX_BUNDLE_BYTES } from "../../core/truststore/limits";

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
    "        A file over 1 MiB (API Gateway's limit) gets bundle-too-large without being read.",
    "client  tells whether API Gateway would accept the client certificate with the bundle.",
    "        Exit 0 when accepted, 1 when refused (with the reason), 2 as above.",
].join("\n");

const processIo: CliIo = {
    // `npm run` starts scripts in the package directory; INIT_CWD is where the user typed it.
    cwd: (process.env.npm_lifecycle_event === "truststore" && process.env.INIT_CWD) || process.cwd(),
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
};

function unreadable(path: string, cause: unknown): UsageError {
    const code = (cause as NodeJS.ErrnoException).code;
    return new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (cause as Error).message}`);
}

/** A file's bytes; or, when it holds more than API Gateway's limit, its size (undefined for a device or pipe), read no further. */
type Read = { bytes: Buffer } | { tooLarge: number | undefined };

/** Reads at most MAX_BUNDLE_BYTES + 1 bytes, so that no file (a 2 GB one, /dev/zero) can exhaust memory. */
async function readLimited(cwd: string, path: string): Promise<Read> {
    let file: FileHandle;
    try {
        file = await open(resolve(cwd, path), "r");
    } catch (cause) {
        throw unreadable(path, cause);
    }
    try {
        const stats = await file.stat();
        if (stats.isDirectory()) {
            throw new UsageError(`cannot read ${path}: it is a directory`);
        }
        const size = stats.isFile() ? stats.size : undefined;
        if (size !== undefined && size > MAX_BUNDLE_BYTES) {
            return { tooLarge: size };
        }
        const buffer = Buffer.alloc(MAX_BUNDLE_BYTES + 1);
        let length = 0;
        while (length < buffer.length) {
            const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
            if (bytesRead === 0) {
                break;
            }
            length += bytesRead;
        }
        return length > MAX_BUNDLE_BYTES ? { tooLarge: size } : { bytes: buffer.subarray(0, length) };
    } catch (cause) {
        throw cause instanceof UsageError ? cause : unreadable(path, cause);
    } finally {
        await file.close();
    }
}

interface CheckArgs {
    bundle: string;
    json: boolean;
    warnDays?: number;
}

const CHECK_OPTIONS = {
    json: { type: "boolean" },
    "warn-days": { type: "string" },
} as const;

function parseCheckArgs(args: readonly string[]): CheckArgs {
    let parsed;
    try {
        parsed = parseCommandLine(args, CHECK_OPTIONS, true);
    } catch (cause) {
        throw cause instanceof MissingValue && cause.option === "--warn-days" ? new UsageError("--warn-days needs a whole number of days, got nothing") : cause;
    }
    const { values, positionals } = parsed;
    const warnDays = values["warn-days"];
    if (warnDays !== undefined && !/^\d+$/.test(warnDays)) {
        throw new UsageError(`--warn-days needs a whole number of days, got ${JSON.stringify(warnDays)}`);
    }
    if (positionals.length !== 1) {
        throw new UsageError(`check takes one bundle file, got ${positionals.length}`);
    }
    return { bundle: positionals[0], json: values.json ?? false, warnDays: warnDays === undefined ? undefined : Number(warnDays) };
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
    const options = parseCheckArgs(args);
    const read = await readLimited(io.cwd, options.bundle);
    // Over the limit, API Gateway refuses the whole file: say so without reading it all.
    const findings = "bytes" in read ? await checkTruststore(read.bytes, { warnDays: options.warnDays }) : [bundleTooLarge(read.tooLarge)];
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
    const files = parseCommandLine(args, {}, true).positionals;
    if (files.length !== 2) {
        throw new UsageError(`client takes a bundle file and a client certificate file, got ${files.length} file(s)`);
    }
    const [bundleFile, clientFile] = files;
    const [bundle, clientCert] = await Promise.all(files.map((file) => readLimited(io.cwd, file)));
    if (!("bytes" in bundle)) {
        const size = bundle.tooLarge === undefined ? `more than ${MAX_BUNDLE_BYTES}` : `${bundle.tooLarge}`;
        io.out(`refused: the truststore ${bundleFile} is ${size} bytes; API Gateway accepts at most ${MAX_BUNDLE_BYTES} (1 MiB) and takes no truststore over it: remove CAs no partner uses, or split partners across custom domains`);
        return 1;
    }
    if (!("bytes" in clientCert)) {
        io.out(`refused: ${clientFile} is more than 1 MiB, which no client certificate is: pass the partner's certificate file`);
        return 1;
    }
    const verdict = await acceptsClient(bundle.bytes.toString("utf8"), clientCert.bytes.toString("utf8"));
    const chain = verdict.chain.join(" -> ");
    io.out(oneLine(verdict.accepted ? `accepted: ${verdict.reason} (${chain})` : `refused: ${verdict.reason}`));
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
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
