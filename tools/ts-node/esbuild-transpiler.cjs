// A ts-node transpiler (ts-node's `transpiler` option, https://typestrong.org/ts-node/docs/transpilers)
// that strips types with esbuild instead of TypeScript's own emitter: each file on its own, as
// ts-node's transpile-only mode does, in a few milliseconds where `ts.transpileModule` takes tens.
// `pulumi preview` and `pulumi up` use it through tsconfig.pulumi.json; `npm test` and the tools
// through ./register.cjs. What it emits is kept between runs (./transpile-cache.cjs). Type checking
// is not its job: `npm run typecheck` (tsc, strict) does it.
"use strict";
const { transformSync, version } = require("esbuild");
const { createTranspileCache } = require("./transpile-cache.cjs");
const { useNodeSourceMaps } = require("./source-maps.cjs");

/** TypeScript's ScriptTarget.ES2022: from it on, class fields default to define semantics. */
const es2022 = 9;

exports.create = function create({ service }) {
    // ts-node creates its transpiler after installing its source-map support, before any file.
    useNodeSourceMaps();
    // The options ts-node compiles with (tsconfig.json, and what its caller overrode, such as the
    // target @pulumi/pulumi's runner sets): the ones that change what type stripping emits.
    const { options } = service.config;
    const tsconfigRaw = {
        compilerOptions: {
            useDefineForClassFields: options.useDefineForClassFields ?? (options.target !== undefined && options.target >= es2022),
            experimentalDecorators: options.experimentalDecorators,
            verbatimModuleSyntax: options.verbatimModuleSyntax,
        },
    };
    const esbuildOptions = {
        format: "cjs",
        platform: "node",
        target: "node22",
        sourcemap: "external",
        // `import()` becomes require(), as TypeScript emits it for module commonjs: the file is
        // loaded through ts-node's require hook, not Node's ESM loader.
        supported: { "dynamic-import": false },
        tsconfigRaw,
    };
    const cached = createTranspileCache(JSON.stringify([version, esbuildOptions]));
    return {
        transpile(input, { fileName }) {
            const loader = fileName.endsWith(".tsx") ? "tsx" : "ts";
            const { code, map } = cached(`${loader}\0${input}`, fileName, () => transformSync(input, { ...esbuildOptions, loader, sourcefile: fileName }));
            return { outputText: code, sourceMapText: map };
        },
    };
};
