// Checks signatures on a worker thread, so that a large bundle's signatures are checked on a
// second core while the main thread parses the certificates after them. Libuv's thread pool
// (`crypto.verify` with a callback) was no faster on two cores: its four threads contend in
// OpenSSL. The worker's code is a string so that it runs alike from ts-node, tsc's output and
// the policy pack's esbuild bundle. Pure: Node only, nothing of ours.
import { KeyObject, verify } from "node:crypto";
import { Worker } from "node:worker_threads";

/** One signature to check: `crypto.verify(digest, data, key, signature)`. */
export interface SignatureCheck {
    readonly digest: string;
    readonly data: Uint8Array;
    readonly key: KeyObject;
    readonly signature: Uint8Array;
}

const WORKER_CODE = `
const { parentPort } = require("node:worker_threads");
const { verify } = require("node:crypto");
parentPort.on("message", (checks) => parentPort.postMessage(checks.map((check) => {
    try {
        return verify(check.digest, check.data, check.key, check.signature);
    } catch {
        return false;
    }
})));
`;

// Checks per message: one message per check would cost the main thread more than it saves.
const BATCH = 32;

function checkHere(check: SignatureCheck): boolean {
    try {
        return verify(check.digest, check.data, check.key, check.signature);
    } catch {
        return false;
    }
}

interface Pending {
    readonly check: SignatureCheck;
    readonly resolve: (ok: boolean) => void;
}

/**
 * A worker thread that checks signatures in batches, answering in order. It starts with the first
 * check (so a bundle that sends none pays nothing); close it when done.
 */
export class SignatureWorker {
    #worker: Worker | undefined;
    #queued: Pending[] = [];
    readonly #sent: Pending[][] = [];
    #broken = false;

    /** The worker, started on first use; undefined once it is broken or cannot start. */
    #started(): Worker | undefined {
        if (this.#broken) {
            return undefined;
        }
        if (this.#worker === undefined) {
            try {
                // Not unref'd: while checks wait for it, the worker is what keeps the process
                // alive. No execArgv: it would load the parent's -r hooks (ts-node) first.
                this.#worker = new Worker(WORKER_CODE, { eval: true, execArgv: [] });
                this.#worker.on("message", (answers: boolean[]) => this.#sent.shift()?.forEach((pending, i) => pending.resolve(answers[i] === true)));
                this.#worker.on("error", () => this.#break());
                this.#worker.on("exit", () => this.#break());
            } catch {
                this.#broken = true;
            }
        }
        return this.#worker;
    }

    check(check: SignatureCheck): Promise<boolean> {
        if (!this.#started()) {
            return Promise.resolve(checkHere(check));
        }
        return new Promise((resolve) => {
            this.#queued.push({ check, resolve });
            if (this.#queued.length >= BATCH) {
                this.#flush();
            } else if (this.#queued.length === 1) {
                // A partial batch leaves as soon as the caller waits for anything.
                queueMicrotask(() => this.#flush());
            }
        });
    }

    close(): void {
        void this.#worker?.terminate();
    }

    #flush(): void {
        if (this.#queued.length === 0) {
            return;
        }
        const worker = this.#started();
        if (!worker) {
            this.#break();
            return;
        }
        const batch = this.#queued;
        this.#queued = [];
        this.#sent.push(batch);
        worker.postMessage(batch.map((pending) => pending.check));
    }

    /** The worker died or was closed: whatever it had not answered is checked here. */
    #break(): void {
        this.#broken = true;
        for (const pending of [...this.#sent.splice(0).flat(), ...this.#queued.splice(0)]) {
            pending.resolve(checkHere(pending.check));
        }
    }
}
