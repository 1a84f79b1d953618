// The layering of DESIGN.md as eslint.config.mjs enforces it: snippets linted in memory as if
// they sat in a folder, so that the rule is seen to fail as well as to pass.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";

const projectDir = path.join(__dirname, "..", "..");

/** The no-restricted-imports findings on `code` as if it were the file `file` of the project. */
async function layeringFindings(file: string, code: string): Promise<string[]> {
    const eslint = new ESLint({
        cwd: projectDir,
        // The snippet is in no tsconfig: parse it without type information, run only the layering rule.
        overrideConfig: { languageOptions: { parserOptions: { project: false, projectService: false } } },
        ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
    });
    const [result] = await eslint.lintText(code, { filePath: path.join(projectDir, file) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the layering rule", function () {
    this.timeout(60_000);

    it("reports a core module that imports a component", async () => {
        const findings = await layeringFindings("core/layering-probe.ts", 'import { Truststore } from "../components/x";\nexport const t = Truststore;\n');
        assert.equal(findings.length, 1, findings.join("\n"));
        assert.match(findings[0], /^no-restricted-imports: .*core\/ is the bottom layer/);
    });

    it("reports a core module that imports the program, mocks or the policy pack", async () => {
        for (const source of ["..", "../index", "../tools/simulator/program", "../policy/policies", "../tools/local/model", "../tools/bin/verify", "../handlers/authorizer"]) {
            const findings = await layeringFindings("core/layering-probe.ts", `import type * as m from "${source}";\nexport type M = typeof m;\n`);
            assert.equal(findings.length, 1, `${source}: ${findings.join("\n")}`);
        }
    });

    it("reports a module in a concept folder of core that imports upward", async () => {
        for (const source of ["../..", "../../index", "../../components/truststore", "../../tools/local/model"]) {
            const findings = await layeringFindings("core/x509/layering-probe.ts", `import type * as m from "${source}";\nexport type M = typeof m;\n`);
            assert.equal(findings.length, 1, `${source}: ${findings.join("\n")}`);
        }
        assert.deepEqual(await layeringFindings("core/x509/layering-probe.ts", 'import { MAX_CA_LEVELS } from "../truststore/limits";\nexport const l = MAX_CA_LEVELS;\n'), []);
    });

    it("lets a core module import its own layer and packages", async () => {
        assert.deepEqual(await layeringFindings("core/layering-probe.ts", 'import { x509 } from "./x509";\nimport * as fs from "node:fs";\nexport const f = [x509, fs];\n'), []);
    });

    it("keeps handlers to handlers/ and their specs", async () => {
        const code = 'import { handler } from "../handlers/customer";\nexport const h = handler;\n';
        assert.equal((await layeringFindings("components/layering-probe.ts", code)).length, 1);
        assert.equal((await layeringFindings("tools/bench/layering-probe.ts", code)).length, 1);
        assert.equal((await layeringFindings("index-probe.ts", code.replace("../handlers", "./handlers"))).length, 1);
        assert.deepEqual(await layeringFindings("test/handlers/probe.spec.ts", code.replace("../handlers", "../../handlers")), []);
        assert.deepEqual(await layeringFindings("handlers/layering-probe.ts", code.replace("../handlers", ".")), []);
    });

    it("reports a policy that imports a component", async () => {
        const findings = await layeringFindings("policy/layering-probe.ts", 'import { MtlsDomain } from "../components/mtls-domain";\nexport const d = MtlsDomain;\n');
        assert.equal(findings.length, 1, findings.join("\n"));
        assert.match(findings[0], /policy pack judges resources/);
        assert.equal((await layeringFindings("policy/rules/layering-probe.ts", 'import { start } from "../../tools/local/start";\nexport const s = start;\n')).length, 1);
    });
});
