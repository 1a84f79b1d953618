import * as pulumi from "@pulumi/pulumi";
import { CapturedResource, capturingMocks, runProgram, waitForRegistrations } from "../../tools/simulator/program";

/**
 * The value of an Output, for `await` in a test (assertions inside `apply` never reach mocha).
 * Rejects when the Output failed, so that a test can assert on the error.
 */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    // `promise()` is not in the SDK's public types, but it is the only way to see a failed Output.
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/**
 * Sets Pulumi mocks that generate real certificates and records each resource declared
 * after it; call `settled()` before reading the list.
 */
export async function captureResources(stack = "test", region = "eu-west-1"): Promise<{ resources: CapturedResource[]; settled: () => Promise<CapturedResource[]> }> {
    const resources: CapturedResource[] = [];
    pulumi.runtime.setAllConfig({ "aws:region": region });
    await pulumi.runtime.setMocks(capturingMocks(stack, region, resources), "apigw-mtls", stack, false);
    return {
        resources,
        settled: async () => {
            await waitForRegistrations();
            return resources;
        },
    };
}

/** The one captured resource of a type (and name, when given); fails when there is not exactly one. */
export function only(resources: readonly CapturedResource[], type: string, name?: string): CapturedResource {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}

/** Every captured resource of a type. */
export function allOf(resources: readonly CapturedResource[], type: string): CapturedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The text of one file of a Lambda code archive, as the mocks captured it. */
export async function archiveFile(code: pulumi.asset.AssetArchive, file: string): Promise<string> {
    const assets = (await code.assets) as Record<string, pulumi.asset.StringAsset>;
    if (!assets[file]) {
        throw new Error(`the archive has no ${file}: it has ${Object.keys(assets).join(", ")}`);
    }
    return await assets[file].text;
}

/** The resources the program declares for the repository's dev and prod stacks, under the mocks. */
export async function devAndProdResources(): Promise<{ dev: CapturedResource[]; prod: CapturedResource[] }> {
    return { dev: (await runProgram({ stack: "dev" })).resources, prod: (await runProgram({ stack: "prod" })).resources };
}

/** The options each child of a component was declared with, by name, as a transformation sees them. */
export function recordOptions(): { options: Map<string, pulumi.CustomResourceOptions>; transformations: pulumi.ResourceTransformation[] } {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    return {
        options,
        transformations: [(args) => {
            options.set(args.name, args.opts);
            return undefined;
        }],
    };
}

/** Mocks that hold back the resources `gated` picks until `open()`, so that a test sees what registers before them. */
export interface GatedMocks {
    /** Whether a resource of `type` has registered so far. */
    registered(type: string): boolean;
    /** Waits until a resource of `type` registers (up to 5 s), then a little longer for what follows it. */
    settleAfter(type: string): Promise<void>;
    /** Lets the held resources register. */
    open(): void;
}

/** Sets mocks that hold back the registration of every resource `gated` picks until `open()` is called. */
export async function gatedMocks(gated: (args: pulumi.runtime.MockResourceArgs) => boolean): Promise<GatedMocks> {
    const resources: CapturedResource[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const mocks = capturingMocks("test", "eu-west-1", resources);
    await pulumi.runtime.setMocks({
        ...mocks,
        newResource: async (args) => {
            if (gated(args)) {
                await gate;
            }
            return mocks.newResource(args);
        },
    }, "apigw-mtls", "test", false);
    const registered = (type: string) => resources.some((r) => r.type === type);
    return {
        registered,
        open: () => open(),
        settleAfter: async (type) => {
            for (let waited = 0; !registered(type) && waited < 5_000; waited += 10) {
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
        },
    };
}

/** Runs `run` with `pulumi.log.warn` captured: its result, and what it warned about, in order. */
export async function withWarnings<T>(run: () => T | Promise<T>): Promise<{ value: T; warnings: string[] }> {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => void warnings.push(message);
    try {
        return { value: await run(), warnings };
    } finally {
        pulumi.log.warn = warn;
    }
}
