/** What a transpiler emits for one file: the code and its source map, as JSON. */
export interface Transpiled {
    code: string;
    map: string;
}

/** Returns `compute()`'s output for `input`, from the cache when it has it, its map naming `fileName`. */
export type TranspileCache = (input: string, fileName: string, compute: () => Transpiled) => Transpiled;

/** A cache whose entries are keyed by `salt` (what else decides the output) and each input. */
export function createTranspileCache(salt: string): TranspileCache;
