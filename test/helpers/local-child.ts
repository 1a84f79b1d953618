// `npm run local` as a spec runs it in a process of its own: tools/bin/local.ts's main with the
// process's own signals and parent, but on the folder and stack config that the environment
// variable below names (JSON), so that it never writes into .local/ nor reads a stack file the
// spec did not give.
import type { LocalOptions } from "../../tools/local/start";

/** `{ dir, config }` for startLocal, as JSON. */
export const childOptionsVariable = "APIGW_MTLS_LOCAL_SPEC";

if (require.main === module) {
    const options = JSON.parse(process.env[childOptionsVariable] ?? "{}") as Pick<LocalOptions, "dir" | "config">;
    if (typeof options.dir !== "string") {
        console.error(`local-child: set ${childOptionsVariable} to {"dir": <a temporary folder>, "config": {...}}`);
        process.exit(2);
    }
    void import("../../tools/bin/local").then(({ main }) => main(process.argv.slice(2), undefined, { dir: options.dir, config: options.config })).then((code) => {
        process.exit(code);
    });
}
