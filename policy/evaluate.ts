// Runs the pack in-process over a list of resources, as `pulumi preview --policy-pack policy`
// would, without the CLI: resource rules see each resource's inputs, stack rules see every
// resource's outputs. Args have the shape @pulumi/policy's server builds (props behind the
// proxy that throws on unknown values), so a rule behaves here as it does under the CLI.
import {
    EnforcementLevel, Policies, Policy, PolicyPackConfig, PolicyResource, PolicyResourceOptions, ReportViolation,
    ResourceValidation, ResourceValidationArgs, StackValidationArgs,
    UnknownValueError, unknownCheckingProxy,
} from "@pulumi/policy";
import { policies as pack } from "./policies";

/** A resource as the pack sees it: what the engine sends, or what Pulumi mocks captured. */
export interface PackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The provider's id; stack rules see it as the `id` property. */
    readonly id?: string;
    /** What resource rules see. */
    readonly inputs: Record<string, unknown>;
    /** What stack rules see, over the inputs. Default: the inputs alone. */
    readonly outputs?: Record<string, unknown>;
    /** URN of the parent resource. */
    readonly parent?: string;
    /** URNs this resource depends on. */
    readonly dependencies?: readonly string[];
    /** URNs each top-level property depends on. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One violation, with the level it is enforced at after the policy config. */
export interface Violation {
    readonly policyName: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    readonly message: string;
    /** The resource at fault; absent when a stack rule blames the whole stack. */
    readonly urn?: string;
}

/**
 * Runs every rule of the pack over `resources` with a policy config (the contents of a
 * `--policy-pack-config` file) and returns the violations; a stack with a mandatory one is one
 * `pulumi up` would refuse.
 */
export async function runPack(resources: readonly PackResource[], config: PolicyPackConfig = {}): Promise<Violation[]> {
    return runPolicies(pack, resources, config);
}

/** Runs the given policies over `resources`; `runPack` runs the whole pack. */
export async function runPolicies(policies: Policies, resources: readonly PackResource[], config: PolicyPackConfig = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const level = enforcementOf(policy, config);
        if (level === "disabled") {
            continue;
        }
        const report = (urn?: string): ReportViolation => (message, stackUrn) =>
            violations.push({ policyName: policy.name, enforcementLevel: level, message, urn: urn ?? stackUrn });
        const preview = (e: UnknownValueError, urn?: string) => violations.push({
            policyName: policy.name, enforcementLevel: "advisory", urn,
            message: `can't run policy '${policy.name}' during preview: ${e.message}`,
        });
        const getConfig = configOf(policy, config);
        if ("validateStack" in policy) {
            await settle(policy, () => policy.validateStack(stackArgs(resources, getConfig), report()), e => preview(e));
        } else {
            const validations = ([] as ResourceValidation[]).concat(policy.validateResource ?? []);
            for (const resource of resources) {
                for (const validation of validations.filter(v => appliesTo(v, resource.type))) {
                    await settle(policy, () => validation(resourceArgs(resource, getConfig), report(resource.urn)), e => preview(e, resource.urn));
                }
            }
        }
    }
    return violations;
}

/** The args a resource rule gets for `resource`. */
export function resourceArgs(resource: PackResource, getConfig: () => object): ResourceValidationArgs {
    const props = unknownCheckingProxy(resource.inputs) as ResourceValidationArgs["props"];
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: options(resource.parent),
        stackTags,
        isType: resourceClass => isTypeOf(resource.type, resourceClass),
        asType: resourceClass => isTypeOf(resource.type, resourceClass) ? props as never : undefined,
        getConfig: getConfig as <T extends object>() => T,
        notApplicable,
    };
}

/** The args a stack rule gets for `resources`. */
export function stackArgs(resources: readonly PackResource[], getConfig: () => object): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    for (const resource of resources) {
        const outputs = { ...resource.inputs, ...resource.outputs };
        if (resource.id !== undefined && !("id" in outputs)) {
            outputs.id = resource.id;
        }
        const props = unknownCheckingProxy(outputs) as PolicyResource["props"];
        byUrn.set(resource.urn, {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: options(resource.parent),
            dependencies: [],
            propertyDependencies: {},
            isType: resourceClass => isTypeOf(resource.type, resourceClass),
            asType: resourceClass => isTypeOf(resource.type, resourceClass) ? props as never : undefined,
        });
    }
    const lookup = (urns: readonly string[] = []) => urns.flatMap(urn => byUrn.get(urn) ?? []);
    for (const resource of resources) {
        const policyResource = byUrn.get(resource.urn) as PolicyResource;
        policyResource.parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
        policyResource.dependencies = lookup(resource.dependencies);
        policyResource.propertyDependencies = Object.fromEntries(
            Object.entries(resource.propertyDependencies ?? {}).map(([property, urns]) => [property, lookup(urns)]));
    }
    return { resources: [...byUrn.values()], stackTags, getConfig: getConfig as <T extends object>() => T, notApplicable };
}

/** The level a policy runs at: the policy config's, else the policy's own, else the pack default. */
export function enforcementOf(policy: Policy, config: PolicyPackConfig): "advisory" | "mandatory" | "disabled" {
    const entry = config[policy.name];
    const level: EnforcementLevel = (typeof entry === "string" ? entry : entry?.enforcementLevel) ?? policy.enforcementLevel ?? "advisory";
    // Like the CLI: a violation that remediation did not fix is mandatory.
    return level === "remediate" ? "mandatory" : level;
}

/** What `getConfig()` returns for a policy: its config without the enforcement level. */
function configOf(policy: Policy, config: PolicyPackConfig): () => object {
    const entry = config[policy.name];
    if (typeof entry !== "object") {
        return () => ({});
    }
    const { enforcementLevel: _level, ...properties } = entry;
    return () => properties;
}

const stackTags: ReadonlyMap<string, string> = new Map();

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** Runs one validation; a rule that is not applicable ends quietly, one that meets an unknown value is reported. */
async function settle(policy: Policy, validate: () => Promise<void> | void, onUnknown: (e: UnknownValueError) => void): Promise<void> {
    try {
        await validate();
    } catch (e) {
        if (e instanceof NotApplicable) {
            return;
        }
        if (e instanceof UnknownValueError) {
            onUnknown(e);
            return;
        }
        throw new Error(`policy '${policy.name}' failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
}

function options(parent?: string): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(parent === undefined ? {} : { parent }),
    };
}

function pulumiTypeOf(value: unknown): string | undefined {
    const type = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

/** Whether a validation made by `validateResourceOfType` applies to resources of `type`. */
function appliesTo(validation: ResourceValidation, type: string): boolean {
    const only = pulumiTypeOf(validation);
    return only === undefined || only === type;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const classType = pulumiTypeOf(resourceClass);
    if (classType !== undefined) {
        return classType === type;
    }
    const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}
