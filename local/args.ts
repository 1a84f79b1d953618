// Command-line options of the local and verify commands: `--name value` pairs and flags, with
// one-line errors for anything else.

/** A bad command line; the CLIs print it on one line and exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Which options take a value and which are flags. */
export interface OptionSpec {
    readonly values: readonly string[];
    readonly flags: readonly string[];
}

export interface ParsedOptions {
    readonly values: Readonly<Record<string, string>>;
    readonly flags: ReadonlySet<string>;
}

/** Parses `--name value`, `--name=value` and `--flag`; throws UsageError on anything else. */
export function parseOptions(argv: readonly string[], spec: OptionSpec): ParsedOptions {
    const values: Record<string, string> = {};
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [name, inline] = arg.startsWith("--") ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
        if (name === undefined) {
            throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
        }
        if (spec.flags.includes(name) && inline === undefined) {
            flags.add(name);
        } else if (spec.values.includes(name)) {
            const value = inline ?? argv[++i];
            if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
                throw new UsageError(`--${name} needs a value`);
            }
            if (name in values) {
                throw new UsageError(`--${name} is given twice`);
            }
            values[name] = value;
        } else {
            throw new UsageError(`unknown option --${name}`);
        }
    }
    return { values, flags };
}

/** A TCP port: an integer from `min` to 65535. */
export function parsePort(text: string, min = 0): number {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < min || port > 65535) {
        throw new UsageError(`--port ${JSON.stringify(text)} is not a port; use ${min} to 65535`);
    }
    return port;
}
