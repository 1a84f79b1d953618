// The folder a local run writes into (.local/<stack>/ or the one it is given): made fresh and
// private, its key files readable by their owner only, and held by one live run at a time through
// its lock file, so that a second run never rewrites the certificates the first one's callers use.
import * as fs from "node:fs";
import * as path from "node:path";

/** Local mode cannot start; the message says why and what to do. */
export class LocalError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LocalError";
    }
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

interface Owner {
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

export function inUse(dir: string, owner: Owner): LocalError {
    const lock = path.join(dir, LOCK_FILE);
    return new LocalError(`${dir} belongs to a local run that is still serving (pid ${owner.pid}, https://127.0.0.1:${owner.port}); `
        + `its callers use the certificates there, so this run does not rewrite them: stop that run first (Ctrl+C where it runs), `
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

