// The folder a local run writes into (.local/<stack>/ or the one it is given): made fresh and
// private, its key files readable by their owner only, and held by one live run at a time through
// its lock file, so that a second run never rewrites the certificates the first one's callers use.
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { projectDir } from "../simulator/stack-config";

/** Local mode cannot start; the message says why and what to do. */
export class LocalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LocalError";
    }
}

/** The folder a stack's local runs keep their files in: `.local/<stack>` in the project. */
export function localDir(stack: string): string {
    return path.join(projectDir, ".local", stack);
}

/** Writes a file readable by its owner only; an existing file is replaced, not reused with its mode. */
export function writeSecret(file: string, content: string): void {
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, content, { mode: 0o600 });
}

export function freshDir(dir: string): string {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
}

/** Names the run that owns a folder: `running.json` in it. */
const LOCK_FILE = "running.json";

export interface Owner {
    readonly pid: number;
    readonly port: number;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The live run that owns `dir`; a lock left by a process that is gone does not count. */
export function ownerOf(dir: string): Owner | undefined {
    let owner: Partial<Owner> | null;
    try {
        owner = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8")) as Partial<Owner> | null;
    } catch {
        return undefined;
    }
    const pid = owner?.pid;
    const port = owner?.port;
    // process.kill(0) would signal our own process group: only a positive pid names a process.
    if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0 || typeof port !== "number") {
        return undefined;
    }
    return alive(pid) ? { pid, port } : undefined;
}

/** Whether something accepts a connection on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        const answer = (accepted: boolean) => {
            socket.destroy();
            resolve(accepted);
        };
        socket.setTimeout(2_000);
        socket.once("connect", () => answer(true));
        socket.once("error", () => answer(false));
        socket.once("timeout", () => answer(false));
    });
}

/**
 * Stops the live run that owns `dir` (`--stop`): SIGTERM to the pid its lock names, as Ctrl+C
 * would, then waits until that process is gone. Resolves to the run stopped, or undefined when
 * none owns the folder. A pid that serves nothing on the lock's port is not signalled: the pid
 * may since name another process.
 */
export async function stopOwner(dir: string, timeoutMs = 15_000): Promise<Owner | undefined> {
    const owner = ownerOf(dir);
    if (!owner) {
        return undefined;
    }
    const lock = path.join(dir, LOCK_FILE);
    if (!(await listening(owner.port))) {
        throw new LocalError(`${lock} names pid ${owner.pid}, but nothing listens on 127.0.0.1:${owner.port}, so it is not signalled; if pid ${owner.pid} is no local run, delete ${lock}`);
    }
    try {
        process.kill(owner.pid, "SIGTERM");
    } catch (error) {
        throw new LocalError(`cannot signal the local run of ${dir} (pid ${owner.pid}): ${(error as NodeJS.ErrnoException).code ?? String(error)}; stop it where it runs (Ctrl+C)`);
    }
    for (const deadline = Date.now() + timeoutMs; alive(owner.pid); await sleep(100)) {
        if (Date.now() > deadline) {
            throw new LocalError(`the local run of ${dir} (pid ${owner.pid}) did not stop within ${timeoutMs / 1000} s of SIGTERM; end it with kill -9 ${owner.pid}`);
        }
    }
    return owner;
}

export function inUse(dir: string, owner: Owner): LocalError {
    const lock = path.join(dir, LOCK_FILE);
    return new LocalError(`${dir} belongs to a local run that is still serving (pid ${owner.pid}, https://127.0.0.1:${owner.port}); `
        + `its callers use the certificates there, so this run does not rewrite them: stop that run first (Ctrl+C where it runs, or npm run local -- --stop with its --stack), `
        + `or if pid ${owner.pid} is no local run, delete ${lock}`);
}

/**
 * Takes `dir` for this run, or throws LocalError naming the live run that has it. The lock file
 * is written whole and then linked into place, so that no run ever reads half of one.
 */
export function claim(dir: string, port: number): () => void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const lock = path.join(dir, LOCK_FILE);
    const draft = `${lock}.${process.pid}`;
    const content = JSON.stringify({ pid: process.pid, port } satisfies Owner);
    fs.writeFileSync(draft, content, { mode: 0o600 });
    try {
        for (;;) {
            try {
                fs.linkSync(draft, lock);
                break;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw error;
                }
                const owner = ownerOf(dir);
                if (owner) {
                    throw inUse(dir, owner);
                }
                fs.rmSync(lock, { force: true });
            }
        }
    } finally {
        fs.rmSync(draft, { force: true });
    }
    return () => {
        if (fs.existsSync(lock) && fs.readFileSync(lock, "utf8") === content) {
            fs.rmSync(lock);
        }
    };
}

