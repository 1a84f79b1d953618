import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Policies } from "@pulumi/policy";
import { configTable, projectDir, refreshed, rulesTable, shownTable, TABLES } from "../../../tools/docs/tables";
import { policies } from "../../../policy/policies";

describe("the generated tables of docs/ (tools/docs/tables.ts)", () => {
    for (const table of TABLES) {
        it(`finds the ${table.name} of ${table.page} up to date (else: npx ts-node --transpile-only tools/docs/tables.ts --write)`, () => {
            const page = fs.readFileSync(path.join(projectDir, table.page), "utf8");
            assert.equal(shownTable(page, table), table.render());
            assert.equal(refreshed(page, table), page);
        });
    }

    it("writes a row per rule from its metadata: a link to its file, levels, knobs with defaults, the fix and the links", () => {
        const table = rulesTable(policies).split("\n");
        assert.equal(table.length, policies.length + 2);
        const [row] = rulesTable([{ ...policies[2], description: "a | b <c>" }] as Policies).split("\n").slice(2);
        assert.equal(row, `| [\`${policies[2].name}\`](../policy/rules/${policies[2].name}.ts) | mandatory | high | resource | a \\| b &lt;c&gt; | ` +
            "`allowedSecurityPolicies` (`[\"TLS_1_2\",\"SecurityPolicy_TLS13_*\",\"SecurityPolicy_TLS12_*\"]`) | " +
            `${policies[2].remediationSteps ?? ""} | [AWS](${policies[2].url ?? ""}); [NIST SP 800-52 Rev. 2, 3.1 Protocol Version Support](https://doi.org/10.6028/NIST.SP.800-52r2) |`);
    });

    it("writes a row per config key with its type, its default (required, unset or the value) and its description", () => {
        const table = configTable([
            "name: p", "config:",
            "  a:", "    type: string", "    description: Required.",
            "  b:", "    type: string", "    default: \"\"", "    description: Optional.",
            "  c:", "    type: array", "    items:", "      type: integer", "    default: [1]", "    description: Generations.",
            "  d:", "    default: {}", "    description: \"Limits {x, y}.\"",
        ].join("\n")).split("\n").slice(2);
        assert.deepEqual(table, [
            "| `a` | string | (required) | Required. |",
            "| `b` | string | unset | Optional. |",
            "| `c` | array of integer | `[1]` | Generations. |",
            "| `d` | object (untyped) | `{}` | Limits {x, y}. |",
        ]);
    });

    it("refuses a page without the markers, naming them", () => {
        assert.throws(() => refreshed("# Policy pack\n", TABLES[0]), /docs\/policy\.md has no markers for its rules table; add "<!-- begin rules table: /);
    });
});
