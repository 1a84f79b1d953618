// ts-node, transpile-only, with the esbuild transpiler beside this file: how `npm test`
// (.mocharc.json), the npm scripts and the specs' child processes run TypeScript, as `pulumi
// preview` does through tsconfig.pulumi.json. Not in tsconfig.json itself: the policy pack's
// tsconfig extends it, and @pulumi/pulumi's policy runner type-checks, which a custom transpiler
// does not allow.
"use strict";
require("ts-node").register({ transpileOnly: true, transpiler: require.resolve("./esbuild-transpiler.cjs") });
