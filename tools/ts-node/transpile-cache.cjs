// What esbuild emitted for a TypeScript file, kept between runs: each process that loads the
// program (a preview, each spec's worker and child) otherwise strips the same 70-odd files again,
// 0.4 s of waiting on esbuild's service. Entries are named by a hash of what decides the output
// (esbuild's version, its options, the source), so a changed file or option is never served stale,
// and copies of the project share them. They live in a folder of the user's own under the system's
// temporary folder, which is used only when no one else can write to it.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The cache folder, made if need be; undefined when it is not the user's alone. */
function cacheFolder() {
    const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
    const folder = path.join(os.tmpdir(), `apigw-mtls-ts-node-${uid ?? os.userInfo().username}`);
    try {
        fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
        if (error.code !== "EEXIST") {
            return undefined;
        }
    }
    const stat = fs.lstatSync(folder);
    const own = stat.isDirectory() && (uid === undefined || (stat.uid === uid && (stat.mode & 0o077) === 0));
    return own ? folder : undefined;
}

/**
 * A cache of transpiled files: `cached(input, fileName, compute)` returns the `{ code, map }` of
 * `compute()` for `input` and `salt`, from the cache when it has it, the map naming `fileName`.
 */
exports.createTranspileCache = function createTranspileCache(salt) {
    const folder = cacheFolder();
    return function cached(input, fileName, compute) {
        if (folder === undefined) {
            return compute();
        }
        const key = crypto.createHash("sha256").update(salt).update("\0").update(input).digest("hex");
        const file = path.join(folder, `${key}.json`);
        let entry;
        try {
            entry = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch {
            const { code, map } = compute();
            entry = { code, map };
            const temporary = `${file}.${process.pid}.tmp`;
            try {
                fs.writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
                fs.renameSync(temporary, file);
            } catch {
                fs.rmSync(temporary, { force: true });
            }
            return entry;
        }
        const map = JSON.parse(entry.map);
        map.sources = [fileName];
        return { code: entry.code, map: JSON.stringify(map) };
    };
};
