// Stopping local mode as people do: `kill <pid of npm>`, and `npm run local -- --stop` from another
// terminal. Each runs local mode in a process of its own (test/helpers/local-child.ts) on a
// temporary folder, and checks that the port and the folder are free afterwards.
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ownerOf } from "../../../tools/local/folder";
import { childOptionsVariable } from "../../helpers/local-child";
import { tsNodeArgs } from "../../helpers/ts-node";

const project = path.resolve(__dirname, "..", "..", "..");
const childScript = path.join(project, "test", "helpers", "local-child.ts");
const partnerMap = { "acme-bank": { commonName: "acme-bank.partners.example.com", organization: "Acme Bank" } };

/** Whether this process can listen on 127.0.0.1:`port`, that is, whether nobody else does. */
function portIsFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** A process started for the spec, with what it printed. */
interface Started {
    readonly child: ChildProcess;
    readonly output: () => string;
    readonly exited: Promise<number | null>;
}

function start(command: string, args: readonly string[], cwd: string, dir: string): Started {
    const child = spawn(command, args, {
        cwd,
        env: { ...process.env, [childOptionsVariable]: JSON.stringify({ dir, config: { partners: partnerMap } }), npm_config_update_notifier: "false" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => output, exited };
}

/** The run that owns `dir` once it serves; fails when the process ends first or after 150 s. */
async function serving(dir: string, started: Started): Promise<{ pid: number; port: number }> {
    let ended = false;
    void started.exited.then(() => (ended = true));
    for (const deadline = Date.now() + 150_000; Date.now() < deadline && !ended; await sleep(200)) {
        const owner = ownerOf(dir);
        if (owner) {
            return owner;
        }
    }
    throw new Error(`local mode did not start serving: ${started.output()}`);
}

/** Waits up to 15 s until `pid` is gone and its port free; says which is not. */
async function released(pid: number, port: number): Promise<string[]> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (alive(pid) || !(await portIsFree(port)))) {
        await sleep(100);
    }
    return [...(alive(pid) ? [`pid ${pid} still runs`] : []), ...((await portIsFree(port)) ? [] : [`port ${port} is still taken`])];
}

describe("stopping local mode", function () {
    this.timeout(200_000);
    let dir: string;
    const children: Started[] = [];
    const owners: number[] = [];

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-stopping-"));
    });

    afterEach(() => {
        // A spec that failed leaves nothing running.
        children.splice(0).forEach(({ child }) => child.kill("SIGKILL"));
        owners.splice(0).filter(alive).forEach((pid) => process.kill(pid, "SIGKILL"));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("stops when npm, which started it through sh, gets SIGTERM: the port and the folder are free", async () => {
        // A package whose script runs local mode as `npm run local` does: npm starts `sh -c`, which starts node.
        const pkg = path.join(dir, "package");
        fs.mkdirSync(pkg);
        const script = `cd ${JSON.stringify(project)} && ${JSON.stringify(process.execPath)} ${tsNodeArgs.map((arg) => JSON.stringify(arg)).join(" ")} ${JSON.stringify(childScript)}`;
        fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "local-under-npm", private: true, scripts: { local: script } }));
        const local = path.join(dir, "local");
        const npm = start("npm", ["run", "local", "--", "--port", "0"], pkg, local);
        children.push(npm);
        const owner = await serving(local, npm);
        owners.push(owner.pid);
        assert.notEqual(owner.pid, npm.child.pid, "npm is not the process that serves");

        npm.child.kill("SIGTERM");
        assert.deepEqual(await released(owner.pid, owner.port), [], npm.output());
        assert.equal(fs.existsSync(path.join(local, "running.json")), false, "the run released its lock");
        assert.match(npm.output(), /local: stopped/);
    });

    it("stops with --stop from another process, which waits until the run has exited", async () => {
        const local = path.join(dir, "local");
        const run = start(process.execPath, [...tsNodeArgs, childScript, "--port", "0"], project, local);
        children.push(run);
        const owner = await serving(local, run);
        owners.push(owner.pid);

        const { main } = await import("../../../tools/bin/local");
        const printed: string[] = [];
        const io = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line), untilInterrupted: async () => undefined };
        assert.equal(await main(["--stop"], io, { dir: local }), 0, printed.join("\n"));
        assert.equal(alive(owner.pid), false, "the run had exited when --stop returned");
        assert.deepEqual(printed, [`local: stopped the run of stack dev (pid ${owner.pid}, https://127.0.0.1:${owner.port}); its port and ${local} are free`]);
        assert.equal(await run.exited, 0, run.output());
        assert.equal(await portIsFree(owner.port), true);
        assert.equal(fs.existsSync(path.join(local, "running.json")), false);

        printed.length = 0;
        assert.equal(await main(["--stop"], io, { dir: local }), 0);
        assert.deepEqual(printed, [`local: no run of stack dev serves from ${local}; nothing to stop`]);
    });

    it("refuses --stop with options that start a run", async () => {
        const { main } = await import("../../../tools/bin/local");
        const printed: string[] = [];
        const io = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line), untilInterrupted: async () => undefined };
        assert.equal(await main(["--stop", "--port", "8443", "--fresh"], io, { dir }), 2);
        assert.deepEqual(printed, ["local: --stop takes only --stack, not --port, --fresh (see --help)"]);
    });
});
