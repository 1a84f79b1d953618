// Stack traces through Node's own source maps instead of ts-node's: ts-node maps them with
// @cspotcode/source-map-support (and @pulumi/pulumi's runner installs source-map-support before
// it), which copies every frame of every stack that is read. @pulumi/pulumi reads a stack for each
// promise it makes (runtime/debuggable.js) and a full one for each resource's source position
// (resource.js), so those copies took over a third of a program's run under mocks. Node maps the
// inline source map ts-node appends to each file it compiles, to the same lines, and leaves
// node_modules alone (docs/performance.md has the figures).
"use strict";
const nodeModule = require("node:module");
const path = require("node:path");

/** Called once ts-node has installed its source-map support and before it compiles a file. */
exports.useNodeSourceMaps = function useNodeSourceMaps() {
    const tsNode = path.dirname(require.resolve("ts-node/package.json"));
    require(require.resolve("@cspotcode/source-map-support", { paths: [tsNode] })).uninstall();
    // What remains is the runner's source-map-support, which cannot read ts-node's maps anyway.
    Error.prepareStackTrace = undefined;
    // module.setSourceMapsSupport came in Node 22.14; process.setSourceMapsEnabled is its older form.
    if (nodeModule.setSourceMapsSupport) {
        nodeModule.setSourceMapsSupport(true);
    } else {
        process.setSourceMapsEnabled(true);
    }
};
