import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as sdkSettings from "@pulumi/pulumi/runtime/settings";
import * as sdkState from "@pulumi/pulumi/runtime/state";
import { awsFunctions, awsResource } from "./aws";
import { unwrapSecrets } from "./property-values";
import { loadStackConfig, projectName } from "./stack-config";
import { TlsMaker, tlsResources } from "./tls";

/** A property bag as Pulumi's mocks carry it: plain JSON values, which the SDK types `any`. */
type PropertyBag = pulumi.runtime.MockResourceResult["state"];

/** One resource the program declared, as a policy pack or a local gateway sees it. */
export interface CapturedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The id the provider gave it (under mocks: a plausible one). */
    readonly id: string;
    /** Custom resources are real cloud resources; components are not. */
    readonly custom: boolean;
    readonly inputs: PropertyBag;
    readonly outputs: PropertyBag;
}

export interface ProgramRun {
    /** Stack outputs as plain values (secrets unwrapped). */
    readonly outputs: PropertyBag;
    /** The program module's exports, as Outputs: secretness can be checked on them. */
    readonly exports: Record<string, unknown>;
    readonly resources: CapturedResource[];
}

export interface RunOptions {
    /** Stack whose Pulumi.<stack>.yaml is used. Default: "dev". */
    readonly stack?: string;
    /** Config overrides, keys with or without the project namespace; undefined removes a key. */
    readonly config?: Record<string, string | number | boolean | object | undefined>;
    /** Run as `pulumi preview` (outputs unknown) instead of `pulumi up`. Default: false. */
    readonly preview?: boolean;
    /** Makes the tls resources. Default: a new key or certificate for each, as at a stack's first `pulumi up`. */
    readonly tls?: TlsMaker;
}

// The program beside this folder: index.ts under ts-node, index.js where both are compiled.
const programPath = require.resolve(path.resolve(__dirname, "..", "..", "index"));

/** Pulumi mocks that generate real keys and certificates and plausible AWS outputs, and record every resource. */
export function capturingMocks(stack: string, region: string, resources: CapturedResource[], makeTls?: TlsMaker): pulumi.runtime.Mocks {
    return {
        async newResource(args) {
            const inputs = unwrapSecrets(args.inputs);
            const urn = `urn:pulumi:${stack}::${projectName}::${args.type}::${args.name}`;
            const tls = tlsResources[args.type];
            let id: string;
            let state: PropertyBag;
            if (tls) {
                state = await (makeTls ? makeTls(urn, args.type, inputs) : tls(inputs));
                id = `${args.name}-id`;
            } else {
                ({ id, state } = awsResource(args.type, args.name, inputs, { region }));
            }
            resources.push({
                type: args.type,
                name: args.name,
                urn,
                id,
                custom: args.custom ?? true,
                inputs,
                outputs: state,
            });
            return { id, state };
        },
        call: (args) => awsFunctions[args.token]?.(args.inputs, { region }) ?? args.inputs,
    };
}

/** The program stopped with an error; `resources` holds what it had declared by then. */
export class ProgramFailure extends Error {
    constructor(readonly cause: unknown, readonly resources: readonly CapturedResource[]) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

/**
 * Runs `run`, failing with the first promise rejection nobody handles meanwhile. A failed
 * `apply` (a truststore that breaks the rules, say) surfaces only that way: Pulumi's language
 * host turns it into a failed deployment, and so does this. Other listeners (a test runner's)
 * are set aside meanwhile and put back after.
 */
async function failOnUnhandledRejection<T>(run: () => Promise<T>): Promise<T> {
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    process.on("unhandledRejection", fail);
    try {
        return await Promise.race([run(), failed]);
    } finally {
        process.off("unhandledRejection", fail);
        others.forEach((listener) => process.on("unhandledRejection", listener));
    }
}

/**
 * Runs the real program (index.ts) in this process under Pulumi mocks, with the config of a
 * stack, and returns its outputs and every resource it declared. A config error, or any error
 * while resources are declared, rejects with a `ProgramFailure`.
 */
export async function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
    const stack = options.stack ?? "dev";
    const config = loadStackConfig(stack, options.config);
    const resources: CapturedResource[] = [];
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(capturingMocks(stack, config["aws:region"] ?? "us-east-1", resources, options.tls), projectName, stack, options.preview ?? false);

    // The program runs at import; a fresh import runs it again with this config.
    delete require.cache[programPath];
    let exports: Record<string, unknown> = {};
    try {
        return await failOnUnhandledRejection(async () => {
            const outputs = await pulumi.runtime.runInPulumiStack(async () => {
                exports = await import(programPath);
                return exports;
            });
            // Resources registered after the last output resolved are in flight until the RPC queue drains.
            await waitForRegistrations();
            return { outputs: outputs ?? {}, exports, resources };
        });
    } catch (error) {
        forgetAbandonedWork();
        throw new ProgramFailure(error, resources);
    }
}

/**
 * A failed run leaves resource promises that never settle. Pulumi's leak check would report
 * them when the process exits and turn its exit code to 1, though the failure was expected
 * (a test of bad input, say) and already reported. The run is over: forget them.
 */
function forgetAbandonedWork(): void {
    // Internal state, as `waitForRegistrations` below: the SDK has no public reset.
    const state = sdkState as typeof sdkState & { getStore?: () => { leakCandidates?: Set<unknown> } };
    state.getStore?.().leakCandidates?.clear();
}

/** Waits until every resource registration the program started has been answered. */
export async function waitForRegistrations(): Promise<void> {
    // Not part of the public SDK surface, but what `pulumi up` itself waits on before exiting.
    const settings = sdkSettings as typeof sdkSettings & { waitForRPCs?: () => Promise<void> };
    await settings.waitForRPCs?.();
}
