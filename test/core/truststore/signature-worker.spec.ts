import * as assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { SignatureCheck, SignatureWorker } from "../../../core/truststore/signature-worker";

describe("SignatureWorker", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const other = generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey;
    const data = Buffer.from("to be signed");
    const signature = sign("sha384", data, privateKey);
    const good: SignatureCheck = { digest: "sha384", data, key: publicKey, signature };
    const checks = (count: number): SignatureCheck[] => Array.from({ length: count }, (_, i) => (i % 3 === 0 ? { ...good, key: other } : good));

    it("answers every check, in batches and alone, with what crypto.verify says", async () => {
        const worker = new SignatureWorker();
        try {
            const answers = await Promise.all(checks(70).map((check) => worker.check(check)));
            assert.deepEqual(answers, checks(70).map((_, i) => i % 3 !== 0));
            assert.equal(await worker.check({ ...good, signature: Buffer.from(signature).fill(0, 8, 16) }), false);
        } finally {
            worker.close();
        }
    });

    it("still answers once the worker has been closed, on the main thread", async () => {
        const worker = new SignatureWorker();
        assert.equal(await worker.check(good), true);
        worker.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(await Promise.all(checks(3).map((check) => worker.check(check))), [false, true, true]);
    });
});
