// What the command-line tools share: Node's `util.parseArgs` over an option table, with one-line
// errors that name the option, and the UsageError the tools print and exit 2 on.
import { parseArgs } from "node:util";

/** A bad command line; the tools print it on one line and exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** An option given without its value, as the last argument or before another option. */
export class MissingValue extends UsageError {
    constructor(readonly option: string) {
        super(`${option} needs a value`);
        this.name = "MissingValue";
    }
}

/** A tool's options, as `util.parseArgs` takes them: `--name value` (string) or `--flag` (boolean). */
export type OptionTable = Readonly<Record<string, { readonly type: "string" | "boolean" }>>;

/** What was given of each option: a string's value, `true` for a flag; absent when not given. */
export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };

export interface CommandLine<T extends OptionTable> {
    readonly values: OptionValues<T>;
    readonly positionals: readonly string[];
}

/** "--stack" from parseArgs's "Option '--stack <value>' argument missing". */
function optionOf(message: string): string {
    return /'(-[^' ]+)/.exec(message)?.[1] ?? "an option";
}

function usageError(cause: unknown): unknown {
    const { code, message } = cause as NodeJS.ErrnoException;
    switch (code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return new UsageError(`unknown option ${optionOf(message)}`);
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return /does not take an argument/.test(message) ? new UsageError(`${optionOf(message)} takes no value`) : new MissingValue(optionOf(message));
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return new UsageError(`unexpected argument ${JSON.stringify(/argument '(.*)'\. This command/s.exec(message)?.[1] ?? message)}`);
        default:
            return cause;
    }
}

/**
 * Parses `argv` (after the script name) against `options`: `--name value`, `--name=value` and
 * `--flag`, positionals only where `allowPositionals` says so. Refuses with a UsageError an
 * unknown option, a missing or empty value, a value given to a flag and a value given twice.
 */
export function parseCommandLine<T extends OptionTable>(argv: readonly string[], options: T, allowPositionals = false): CommandLine<T> {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: OptionTable; strict: true; allowPositionals: boolean; tokens: true }>>;
    try {
        parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals, tokens: true });
    } catch (cause) {
        throw usageError(cause);
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
        if (token.kind !== "option" || options[token.name].type !== "string") {
            continue;
        }
        if (token.value === "") {
            throw new MissingValue(token.rawName);
        }
        if (seen.has(token.name)) {
            throw new UsageError(`${token.rawName} is given twice`);
        }
        seen.add(token.name);
    }
    return { values: parsed.values as OptionValues<T>, positionals: parsed.positionals };
}

/** A TCP port: an integer from `min` to 65535. */
export function parsePort(text: string, min = 0): number {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < min || port > 65535) {
        throw new UsageError(`--port ${JSON.stringify(text)} is not a port; use ${min} to 65535`);
    }
    return port;
}
