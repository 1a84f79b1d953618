// The metadata every rule of the pack carries (severity, remediation steps, a link, a framework
// where one fits), and that @pulumi/policy hands it to the CLI and to Pulumi Cloud: the CLI
// prints `[severity: ...]` beside each violation, Pulumi Cloud shows the steps and the link.
import { strict as assert } from "node:assert";
import { Policy, Severity } from "@pulumi/policy";
import { policies } from "../../policy/policies";

/** The part of a PolicyInfo message this spec reads. */
interface PolicyInfo {
    getName(): string;
    getSeverity(): number;
    getRemediationSteps(): string;
    getUrl(): string;
    getFramework(): { getName(): string; getReference(): string } | undefined;
}

/** `makeAnalyzerInfo` of @pulumi/policy: what its server answers the CLI's GetAnalyzerInfo with. */
type MakeAnalyzerInfo = (name: string, version: string, level: string, args: { policies: readonly Policy[] }) => { getPoliciesList(): PolicyInfo[] };

const severities: readonly Severity[] = ["low", "medium", "high", "critical"];

describe("the pack's rule metadata (policy/policies.ts)", () => {
    for (const policy of policies) {
        it(`gives ${policy.name} a severity, remediation steps and an AWS documentation link`, () => {
            assert.ok(policy.severity !== undefined && severities.includes(policy.severity), `${policy.name}: severity ${String(policy.severity)}`);
            assert.match(policy.remediationSteps ?? "", /^[A-Z][^\n]{40,}\.$/, `${policy.name}: remediationSteps is one or more sentences`);
            assert.match(policy.url ?? "", /^https:\/\/docs\.aws\.amazon\.com\/\S+\.html$/, `${policy.name}: url`);
            if (policy.framework) {
                const { name, version, reference, specification } = policy.framework;
                assert.ok(name && version && specification, `${policy.name}: a framework names itself, its version and the part that applies`);
                assert.match(reference, /^https:\/\//, `${policy.name}: framework.reference is a link`);
            }
        });
    }

    it("is what @pulumi/policy serves for each rule", async () => {
        const { makeAnalyzerInfo } = (await import("@pulumi/policy/protoutil")) as unknown as { makeAnalyzerInfo: MakeAnalyzerInfo };
        const served = makeAnalyzerInfo("apigw-mtls-guard", "0.1.0", "advisory", { policies }).getPoliciesList();
        assert.deepEqual(served.map((info) => info.getName()), policies.map((policy) => policy.name));
        for (const [i, info] of served.entries()) {
            const policy = policies[i];
            assert.equal(info.getRemediationSteps(), policy.remediationSteps, policy.name);
            assert.equal(info.getUrl(), policy.url, policy.name);
            // The protocol's enum: 0 unspecified, then low, medium, high, critical.
            assert.equal(info.getSeverity(), severities.indexOf(policy.severity as Severity) + 1, policy.name);
            assert.equal(info.getFramework()?.getReference(), policy.framework?.reference, policy.name);
        }
    });
});
