// The policy pack stands between the program and the local gateway as it stands between the
// program and AWS under `pulumi up --policy-pack policy`: a mandatory violation stops everything.
import type { CapturedResource } from "../simulator/program";
import { runPack, Violation } from "../../policy/evaluate";

/** The pack refused the stack; `violations` holds the mandatory ones. */
export class PolicyRefusal extends Error {
    constructor(readonly violations: readonly Violation[]) {
        super(`the policy pack refuses this stack, as \`pulumi up\` would:\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`);
        this.name = "PolicyRefusal";
    }
}

/** "<level> <policy> <resource>: <message>" */
export function formatViolation(v: Violation): string {
    const resource = v.urn ? v.urn.split("::").pop() : "stack";
    return `${v.enforcementLevel} ${v.policyName} ${resource}: ${v.message}`;
}

/**
 * Runs the whole pack over the stack's resources. Throws PolicyRefusal when a mandatory rule
 * fails; returns the advisory violations otherwise.
 */
export async function policyGate(resources: readonly CapturedResource[]): Promise<Violation[]> {
    const violations = await runPack(resources);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
        throw new PolicyRefusal(mandatory);
    }
    return violations;
}
