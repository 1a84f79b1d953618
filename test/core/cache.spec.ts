import { strict as assert } from "node:assert";
import { BoundedCache } from "../../core/cache";

describe("BoundedCache (core/cache.ts)", () => {
    it("keeps at most its limit of entries, dropping the one set longest ago", () => {
        const cache = new BoundedCache<string, number>(2);
        cache.set("a", 1).set("b", 2).set("c", 3);
        assert.equal(cache.size, 2);
        assert.equal(cache.get("a"), undefined);
        assert.deepEqual([cache.get("b"), cache.get("c")], [2, 3]);
    });

    it("counts a key set again as the newest entry", () => {
        const cache = new BoundedCache<string, number>(2);
        cache.set("a", 1).set("b", 2).set("a", 10).set("c", 3);
        assert.deepEqual([cache.get("a"), cache.has("b"), cache.get("c")], [10, false, 3]);
    });

    it("makes a missing value once with getOrSet", () => {
        const cache = new BoundedCache<string, number>(4);
        let made = 0;
        const make = () => ++made;
        assert.deepEqual([cache.getOrSet("k", make), cache.getOrSet("k", make)], [1, 1]);
        assert.equal(made, 1);
    });

    it("refuses a limit below one", () => {
        assert.throws(() => new BoundedCache(0), /at least one entry/);
    });
});
