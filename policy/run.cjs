// The pack as `pulumi preview --policy-pack policy` runs it (package.json's `main`): the bundle in
// dist/ that `pulumi policy publish` also ships, so the analyzer loads JavaScript, not the
// TypeScript sources and everything they import. When a source the bundle was built from has
// changed since (a rule edited after `npm ci`), it is built again first, so the pack never runs
// stale rules.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const dist = join(__dirname, "dist");

/** True when dist/ holds a bundle of the sources as they are now. */
function fresh() {
    const inputs = join(dist, "inputs.json");
    if (!existsSync(join(dist, "index.js")) || !existsSync(inputs)) {
        return false;
    }
    const hashes = JSON.parse(readFileSync(inputs, "utf8"));
    return Object.entries(hashes).every(([file, hash]) => {
        const source = join(__dirname, file);
        return existsSync(source) && createHash("sha256").update(readFileSync(source)).digest("hex") === hash;
    });
}

if (!fresh()) {
    // The analyzer's stdout carries its port to the engine: the build's output goes to stderr.
    execFileSync(process.execPath, [join(__dirname, "bundle.mjs")], { stdio: ["ignore", 2, 2] });
}
module.exports = require("./dist/index.js");
