// Runs a Lambda function from exactly the code archive the stack would deploy: the archive's
// files are written out, and the handler module is evaluated with its own `process.env` (the
// function's configured variables and Lambda's own), never the host's (which may hold AWS keys).
// The AWS services a function calls are local mode's own (`local` below): its credentials are
// throwaway ones and its endpoints 127.0.0.1, so a function cannot reach AWS. AWS SDK v3, which
// Lambda's runtime provides and the bundles leave out, is bundled from the project's copy and
// evaluated the same way, so that it too reads the function's environment and not the host's.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Writable } from "node:stream";
import * as vm from "node:vm";
import * as esbuild from "esbuild";
import type { FunctionModel } from "./domain-model";

/** A loaded function: call it as Lambda would, with an event. */
export interface LocalFunction {
    readonly model: FunctionModel;
    invoke(event: unknown): Promise<unknown>;
}

/** The handler threw, timed out or could not be loaded. */
export class FunctionError extends Error {
    constructor(readonly functionName: string, message: string) {
        super(`${functionName}: ${message}`);
        this.name = "FunctionError";
    }
}

type Handler = (event: unknown, context: object, callback?: (error?: unknown, result?: unknown) => void) => unknown;

interface ArchiveLike {
    readonly assets: Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** The text of a StringAsset or FileAsset; other asset kinds are refused with the file named. */
async function assetText(name: string, file: string, asset: unknown): Promise<string> {
    const candidate = asset as { text?: Promise<string | undefined>; path?: Promise<string | undefined> };
    const text = await candidate.text;
    if (typeof text === "string") {
        return text;
    }
    const from = await candidate.path;
    if (typeof from === "string") {
        return fs.promises.readFile(from, "utf8");
    }
    throw new FunctionError(name, `archive entry ${file} is neither a StringAsset nor a FileAsset; local mode cannot read it`);
}

/** Writes the function's archive to `dir` and returns the files written. */
export async function writeArchive(model: FunctionModel, into: string): Promise<string[]> {
    const dir = path.resolve(into);
    const archive = model.code as ArchiveLike | undefined;
    if (!archive || typeof archive !== "object" || !("assets" in archive)) {
        throw new FunctionError(model.functionName, "code is not an AssetArchive; local mode runs archives built by the program");
    }
    const assets = await archive.assets;
    await fs.promises.rm(dir, { recursive: true, force: true });
    const written: string[] = [];
    for (const [file, asset] of Object.entries(assets)) {
        const target = path.join(dir, file);
        if (!target.startsWith(dir + path.sep)) {
            throw new FunctionError(model.functionName, `archive entry ${file} points outside the function's directory`);
        }
        await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await fs.promises.writeFile(target, await assetText(model.functionName, file, asset));
        written.push(target);
    }
    return written;
}

/** What local mode puts in every function's environment, over its own: credentials and endpoints of local stand-ins. */
export type LocalEnvironment = Readonly<Record<string, string>>;

/** The environment Lambda gives a function, plus its configured variables, then local mode's. */
function lambdaEnvironment(model: FunctionModel, dir: string, local: LocalEnvironment): Record<string, string> {
    return {
        AWS_REGION: model.region,
        AWS_DEFAULT_REGION: model.region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${model.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: model.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(model.memorySize),
        LAMBDA_TASK_ROOT: dir,
        TZ: ":UTC",
        ...model.environment,
        // The SDK would otherwise read the host's ~/.aws files and try the instance metadata service.
        AWS_CONFIG_FILE: path.join(dir, ".aws-config-none"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, ".aws-credentials-none"),
        AWS_EC2_METADATA_DISABLED: "true",
        ...local,
    };
}

/** Modules Lambda's Node.js runtime provides beside a function's package: AWS SDK v3. */
function providedByRuntime(id: string): boolean {
    return id.startsWith("@aws-sdk/");
}

const runtimeBundles = new Map<string, string>();

/** One runtime module and what it imports as one CommonJS file, bundled once per process. */
function runtimeBundle(functionName: string, id: string): string {
    let code = runtimeBundles.get(id);
    if (code === undefined) {
        try {
            const result = esbuild.buildSync({
                stdin: { contents: `module.exports = require(${JSON.stringify(id)});`, resolveDir: __dirname, loader: "js" },
                bundle: true,
                platform: "node",
                target: "node20",
                format: "cjs",
                write: false,
                logLevel: "silent",
            });
            code = result.outputFiles[0].text;
        } catch (cause) {
            throw new FunctionError(functionName, `the function requires ${id}, which Lambda's runtime provides; local mode takes it from the project's node_modules, where it is not (npm install it): ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`);
        }
        runtimeBundles.set(id, code);
    }
    return code;
}

const moduleParameters = ["exports", "require", "module", "__filename", "__dirname", "process", "console"];

/** Evaluates CommonJS `code` as `file` with the function's `process` and console; returns its exports. */
function evaluate(code: string, file: string, require: NodeJS.Require | ((id: string) => unknown), ownProcess: NodeJS.Process, ownConsole: Console): Record<string, unknown> {
    const module = { exports: {} as Record<string, unknown> };
    vm.compileFunction(code, moduleParameters, { filename: file })(module.exports, require, module, file, path.dirname(file), ownProcess, ownConsole);
    return module.exports;
}

/** A console whose every line goes to `log`, as Lambda sends a function's output to its log group. */
function functionConsole(log: (line: string) => void): Console {
    const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
            chunk.toString("utf8").split("\n").filter((line) => line !== "").forEach(log);
            done();
        },
    });
    return new console.Console({ stdout: stream, stderr: stream });
}

/**
 * Writes the function's archive under `dir`, evaluates its handler module (CommonJS, as the
 * bundler emits it) and returns a function that invokes it with Lambda's timeout. What the
 * function prints goes to `log`, line by line; `local` goes into its environment last.
 */
export async function loadFunction(model: FunctionModel, into: string, log: (line: string) => void = () => undefined, local: LocalEnvironment = {}): Promise<LocalFunction> {
    const dir = path.resolve(into);
    await writeArchive(model, dir);
    const dot = model.handler.lastIndexOf(".");
    const file = path.join(dir, `${model.handler.slice(0, dot)}.js`);
    const exportName = model.handler.slice(dot + 1);
    if (dot < 1 || !fs.existsSync(file)) {
        throw new FunctionError(model.functionName, `handler ${model.handler} names ${path.relative(dir, file)}, which the archive does not hold`);
    }
    const env = lambdaEnvironment(model, dir, local);
    const ownProcess = Object.create(process, { env: { value: env, enumerable: true, writable: true } }) as NodeJS.Process;
    const ownConsole = functionConsole(log);
    const nodeRequire = createRequire(file);
    const runtimeModules = new Map<string, unknown>();
    const functionRequire = (id: string): unknown => {
        if (!providedByRuntime(id)) {
            return nodeRequire(id);
        }
        if (!runtimeModules.has(id)) {
            runtimeModules.set(id, evaluate(runtimeBundle(model.functionName, id), path.join(dir, "runtime", `${id}.js`), nodeRequire, ownProcess, ownConsole));
        }
        return runtimeModules.get(id);
    };
    let exported: Record<string, unknown>;
    try {
        exported = evaluate(await fs.promises.readFile(file, "utf8"), file, functionRequire, ownProcess, ownConsole);
    } catch (cause) {
        throw new FunctionError(model.functionName, `loading ${model.handler} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const handler = exported[exportName];
    if (typeof handler !== "function") {
        throw new FunctionError(model.functionName, `${path.basename(file)} exports no function ${exportName}`);
    }
    const timeoutMs = model.timeoutSeconds * 1000;
    return {
        model,
        invoke: (event) => invoke(model, handler as Handler, event, timeoutMs),
    };
}

/** What a handler failed with, as an Error: handlers may pass any value, such as an authorizer's "Unauthorized", to their callback. */
function asError(reason: unknown): Error {
    if (reason instanceof Error) {
        return reason;
    }
    return new Error(typeof reason === "string" ? reason : JSON.stringify(reason));
}

function invoke(model: FunctionModel, handler: Handler, event: unknown, timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    const context = {
        functionName: model.functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: model.arn,
        memoryLimitInMB: String(model.memorySize),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${model.functionName}`,
        logStreamName: "local",
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new FunctionError(model.functionName, `timed out after ${model.timeoutSeconds} s`)), timeoutMs);
        timer.unref();
        const settle = (error: unknown, result?: unknown) => {
            clearTimeout(timer);
            if (error) {
                reject(asError(error));
            } else {
                resolve(result);
            }
        };
        try {
            const returned = handler.length >= 3
                ? handler(event, context, (error, result) => settle(error, result))
                : handler(event, context);
            if (handler.length < 3) {
                Promise.resolve(returned).then((result) => settle(undefined, result), (error) => settle(error ?? new Error("rejected")));
            }
        } catch (error) {
            settle(error ?? new Error("threw"));
        }
    });
}
