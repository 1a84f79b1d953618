// `npm run local [-- --stack dev --port 8443 --smoke --fresh]`: the stack's mTLS domain on 127.0.0.1,
// with ready-to-paste curl commands; with --smoke, the verify checks against it, then stop;
// `npm run local -- --stop [--stack dev]` stops the run that serves the stack.
import { parseCommandLine, parsePort, UsageError } from "../cli/args";
import { shown } from "../local/calls";
import { LocalError, localDir, stopOwner } from "../local/folder";
import type { LocalIo } from "../local/serve";
import type { LocalOptions } from "../local/start";

const USAGE = `usage: npm run local [-- --stack <name>] [--port <port>] [--smoke] [--fresh]
       npm run local -- --stop [--stack <name>]

Runs the stack's program (index.ts) under Pulumi mocks, refuses to go on when the policy pack
finds a mandatory violation, and serves the stack's mTLS custom domain on 127.0.0.1 as API
Gateway would. Certificates, keys (mode 0600), the truststore and the server CA are written to
.local/<stack>/, which one run at a time owns: a second run of the stack refuses to start. A
partner onboarded from a request keeps its key: its curl command names partners/keys/<name>.key
when that file is the key of its certificate, and asks for the key otherwise.

The stack's PKI (CA and partner keys and certificates, with their serials) is kept in
.local/<stack>/state/pki.json (mode 0600) from one start to the next, as a deployed stack keeps it
in its state: a start makes a new key or certificate only where the config changed what it is
made from (a new partner, generation or CA generation, another subject or validity), where a
certificate is due for renewal, and drops those the config no longer declares.

  --stack <name>  stack whose Pulumi.<stack>.yaml is used (default: dev)
  --port <port>   port on 127.0.0.1 (default: 8443; with --smoke, a free port)
  --smoke         run the smoke checks against the local domain with a generated partner
                  (one the stack makes the key and certificate of), stop, and exit 0 only when
                  every check passed; its files go to a temporary folder, removed at the end
  --fresh         make a new PKI instead of the kept one: every partner gets a new key,
                  certificate and serial
  --stop          stop the run that serves the stack (SIGTERM to the pid in
                  .local/<stack>/running.json) and wait until it has exited

Ctrl+C, SIGTERM to npm or to this process, and --stop all stop a run, free its port and its
folder. Exit codes: 0 ok (for --stop: no run serves the stack any more); 1 a check failed or the
policy pack refused the stack; 2 cannot run (bad option or config, port or folder in use; with
--smoke, a stack without a generated partner; with --stop, a run that cannot be signalled or did
not stop).`;

// `npm run local` starts `sh -c "ts-node ..."`, and the shell starts this process. npm forwards
// SIGTERM to the shell only (@npmcli/run-script, signal-manager.js), and dash, Debian's sh, neither
// passes it on nor execs: `kill <pid of npm>` ends npm and the shell and leaves this process to
// init. So the parent is watched too: once it is gone, the run stops as on SIGTERM.
const startedBy = process.ppid;
const PARENT_CHECK_MS = 250;

const processIo: LocalIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    untilInterrupted: () => new Promise((resolve) => {
        const parentCheck = setInterval(() => {
            if (process.ppid !== startedBy) {
                done();
            }
        }, PARENT_CHECK_MS);
        const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
        function done(): void {
            clearInterval(parentCheck);
            signals.forEach((signal) => process.off(signal, done));
            resolve();
        }
        signals.forEach((signal) => process.once(signal, done));
    }),
};

async function stop(stack: string, dir: string, io: LocalIo): Promise<number> {
    const stopped = await stopOwner(dir);
    io.out(stopped
        ? `local: stopped the run of stack ${stack} (pid ${stopped.pid}, https://127.0.0.1:${stopped.port}); its port and ${shown(dir)} are free`
        : `local: no run of stack ${stack} serves from ${shown(dir)}; nothing to stop`);
    return 0;
}

/** The options of the command line. Exported for testing. */
export const OPTIONS = {
    stack: { type: "string" },
    port: { type: "string" },
    smoke: { type: "boolean" },
    fresh: { type: "boolean" },
    stop: { type: "boolean" },
} as const;

/**
 * Runs the command on `argv` (after the script name) and resolves to its exit code. `overrides`
 * go to startLocal as they are (tests give their own folder, config and limits), and their `dir`
 * is the folder `--stop` looks in.
 */
export async function main(argv: readonly string[], io: LocalIo = processIo, overrides: Omit<LocalOptions, "stack" | "port"> = {}): Promise<number> {
    try {
        if (argv.includes("--help") || argv.includes("-h")) {
            io.out(USAGE);
            return 0;
        }
        const { values } = parseCommandLine(argv, OPTIONS);
        const stack = values.stack ?? "dev";
        if (values.stop) {
            const others = (["port", "smoke", "fresh"] as const).filter((option) => values[option] !== undefined);
            if (others.length > 0) {
                throw new UsageError(`--stop takes only --stack, not --${others.join(", --")}`);
            }
            return await stop(stack, overrides.dir ?? localDir(stack), io);
        }
        const smoke = values.smoke ?? false;
        const port = values.port === undefined ? (smoke ? 0 : 8443) : parsePort(values.port);
        const { serve } = await import("../local/serve");
        return await serve({ stack, port, smoke, fresh: values.fresh ?? false }, io, overrides);
    } catch (error) {
        const known = [UsageError, LocalError].some((kind) => error instanceof kind);
        const message = error instanceof Error ? error.message : String(error);
        io.err(`local: ${known ? message : `unexpected error: ${message}`}${error instanceof UsageError ? " (see --help)" : ""}`);
        return 2;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exit(code);
    });
}
