// Runs policies without the CLI: resources in, violations out, through the same args builder
// the pack's in-process runner uses (the shape of the installed @pulumi/policy).
import { Policy, PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { PackResource, runPolicies, Violation } from "../policy/evaluate";

/** What the engine sends for a value that is unknown during preview. */
export const unknownValue = pulumi.runtime.unknownValue;

/** A resource for a policy test: inputs only, unless `extra` adds outputs, an id or dependencies. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PackResource> = {}): PackResource {
    return { type, name, urn: `urn:pulumi:test::apigw-mtls::${type}::${name}`, inputs, ...extra };
}

/** The violations one policy reports over the resources, with a policy config for it. */
export function violations(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PackResource | readonly PackResource[],
    config?: object): Promise<Violation[]> {
    const packConfig: PolicyPackConfig = config === undefined ? {} : { [policy.name]: config };
    return runPolicies([policy], ([] as PackResource[]).concat(resources), packConfig);
}

/** Just the messages of the violations. */
export async function messages(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PackResource | readonly PackResource[],
    config?: object): Promise<string[]> {
    return (await violations(policy, resources, config)).map(v => v.message);
}

/** A copy of the resources with the one named `name` changed by `change` (inputs and outputs alike). */
export function mutate<T extends PackResource>(resources: readonly T[], type: string, change: (props: Record<string, any>) => void, name?: string): T[] {
    const matches = resources.filter(r => r.type === type && (name === undefined || r.name === name));
    if (matches.length !== 1) {
        throw new Error(`expected one ${type}${name ? ` named ${name}` : ""} to change, found ${matches.length}`);
    }
    return resources.map(r => {
        if (r !== matches[0]) {
            return r;
        }
        const inputs = structuredClone(r.inputs);
        const outputs = r.outputs === undefined ? undefined : structuredClone(r.outputs);
        change(inputs);
        if (outputs !== undefined) {
            change(outputs);
        }
        return { ...r, inputs, outputs };
    });
}

/** The names of the policies that fired, once each, sorted. */
export function firedPolicies(found: readonly Violation[], level?: Policy["enforcementLevel"]): string[] {
    return [...new Set(found.filter(v => level === undefined || v.enforcementLevel === level).map(v => v.policyName))].sort();
}
