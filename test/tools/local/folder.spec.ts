// The folder a local run writes its certificates and keys to belongs to that run while it serves:
// a second run never rewrites it, and a run that cannot start writes nothing.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalRun } from "../../../tools/local/start";
import { get } from "../../helpers/local-client";

/** Every file under `dir` with a hash of its content, and every folder, with their modes. */
function snapshot(dir: string): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
        const file = path.join(dir, name);
        const stat = fs.statSync(file);
        const content = stat.isDirectory() ? "dir" : createHash("sha256").update(fs.readFileSync(file)).digest("hex");
        entries[name] = `${(stat.mode & 0o777).toString(8)} ${content}`;
    }
    return entries;
}

function partnerGet(run: LocalRun): ReturnType<typeof get> {
    const partner = run.partners[0];
    const customerPath = `/${run.domain.mappings[0].basePath.join("/")}/customer/42`;
    return get(run, customerPath, { cert: fs.readFileSync(partner.certFile, "utf8"), key: fs.readFileSync(partner.keyFile, "utf8") });
}

describe("local mode's folder", function () {
    this.timeout(30_000);
    let root: string;

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-folder-"));
    });

    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("refuses a second run on the folder of a running one, naming its pid and port, and leaves its files as they were", async () => {
        const { LocalError, startLocal } = await import("../../../tools/local/start");
        const dir = path.join(root, "dev");
        const first = await startLocal({ stack: "dev", port: 0, dir });
        try {
            const before = snapshot(dir);
            await assert.rejects(startLocal({ stack: "dev", port: 0, dir }), (error: unknown) => {
                assert.ok(error instanceof LocalError, String(error));
                assert.match(error.message, new RegExp(`pid ${process.pid}, https://127\\.0\\.0\\.1:${first.port}\\)`));
                assert.match(error.message, /stop that run first/);
                return true;
            });
            assert.deepEqual(snapshot(dir), before);
            const reply = await partnerGet(first);
            assert.equal(reply.status, 200, reply.body ?? reply.error?.message);
        } finally {
            await first.stop();
        }
        const second = await startLocal({ stack: "dev", port: 0, dir });
        await second.stop();
    });

    it("takes over a folder whose lock names a process that is gone", async () => {
        const { startLocal } = await import("../../../tools/local/start");
        const dir = path.join(root, "dev");
        const gone = spawnSync(process.execPath, ["-e", ""]).pid;
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "running.json"), JSON.stringify({ pid: gone, port: 8443 }));
        const run = await startLocal({ stack: "dev", port: 0, dir });
        try {
            assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "running.json"), "utf8")), { pid: process.pid, port: run.port });
        } finally {
            await run.stop();
        }
        assert.equal(fs.existsSync(path.join(dir, "running.json")), false, "a stopped run leaves no lock");
    });

    it("writes nothing when the port is in use: no new folder, and an old run's files stay as they were", async () => {
        const { LocalError, startLocal } = await import("../../../tools/local/start");
        const busy = net.createServer();
        await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
        const port = (busy.address() as net.AddressInfo).port;
        try {
            const fresh = path.join(root, "fresh");
            await assert.rejects(startLocal({ stack: "dev", port, dir: fresh }), (error: unknown) => error instanceof LocalError && /port \d+ on 127\.0\.0\.1 is in use/.test(error.message));
            assert.equal(fs.existsSync(fresh), false, "no folder was made");

            const old = path.join(root, "old");
            await (await startLocal({ stack: "dev", port: 0, dir: old })).stop();
            const before = snapshot(old);
            await assert.rejects(startLocal({ stack: "dev", port, dir: old }), LocalError);
            assert.deepEqual(snapshot(old), before);
        } finally {
            busy.close();
        }
    });
});
