// A map with a size bound, for the caches of parsed certificates, verdicts and policies: each
// keeps what it met recently and forgets the oldest entry when it is full, so a client that sends
// a new certificate on every connection cannot grow a process without limit.

/** A map that holds at most `limit` entries; setting one more drops the one set longest ago. */
export class BoundedCache<K, V> {
    readonly #entries = new Map<K, V>();

    /** @param limit the most entries kept (at least 1). */
    constructor(readonly limit: number) {
        if (!Number.isInteger(limit) || limit < 1) {
            throw new RangeError(`a cache holds at least one entry, got a limit of ${limit}`);
        }
    }

    get size(): number {
        return this.#entries.size;
    }

    get(key: K): V | undefined {
        return this.#entries.get(key);
    }

    has(key: K): boolean {
        return this.#entries.has(key);
    }

    /** Stores `value` under `key`, as the newest entry, dropping the oldest when the cache is full. */
    set(key: K, value: V): this {
        this.#entries.delete(key);
        if (this.#entries.size >= this.limit) {
            this.#entries.delete(this.#entries.keys().next().value as K);
        }
        this.#entries.set(key, value);
        return this;
    }

    delete(key: K): boolean {
        return this.#entries.delete(key);
    }

    /** The value under `key`, made by `make` and stored when there is none. */
    getOrSet(key: K, make: () => V): V {
        if (this.#entries.has(key)) {
            return this.#entries.get(key) as V;
        }
        const value = make();
        this.set(key, value);
        return value;
    }
}
