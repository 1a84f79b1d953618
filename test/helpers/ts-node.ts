import * as path from "node:path";

/** Node's arguments for a child process that runs TypeScript as `npm test` does (tools/ts-node/register.cjs). */
export const tsNodeArgs: readonly string[] = ["-r", path.join(__dirname, "..", "..", "tools", "ts-node", "register.cjs")];
