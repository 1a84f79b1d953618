// docs/configuration.md, held to the code: its table is Pulumi.yaml's `config:` (generated; the
// table's freshness is test/tools/docs/tables.spec.ts's), every key the program reads is on the
// page, those Pulumi.yaml cannot declare included, and the error it quotes is the program's.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { configKeys, parseConfig } from "../../core/config/stack";

const root = path.join(__dirname, "..", "..");
const page = fs.readFileSync(path.join(root, "docs", "configuration.md"), "utf8");

describe("docs/configuration.md", () => {
    /** The key of each row of the table, in the table's order. */
    const rows = [...page.matchAll(/^\| `([A-Za-z]+)` \| /gm)].map(([, key]) => key);

    it("has one row per key of Pulumi.yaml's config:, in its order", () => {
        const declared = Object.keys((yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> }).config);
        assert.deepEqual(rows, declared);
    });

    it("names every key the program reads, and says of each one the table lacks what it is and its default", () => {
        for (const key of configKeys.filter((key) => !rows.includes(key))) {
            assert.match(page, new RegExp(`^\`${key}\` \\((?:integer|string|boolean|list|object)[^)]*\\): [^\\n]+\\n[^\\n]*unset, `, "m"), key);
        }
        assert.deepEqual(configKeys.filter((key) => !page.includes(`\`${key}\``)), []);
    });

    it("quotes the error a partner certificate outliving its CA gets", () => {
        const quoted = /^error: (partnerValidityDays (\d+) must end before the CA that issues it, which lives (\d+) days;.*)$/m.exec(page);
        assert.ok(quoted, "the page quotes the partnerValidityDays error");
        const [, message, partnerDays, intermediateDays] = quoted;
        // The intermediate CA that issues partner certificates ends a day before the root.
        const raw = { domainName: "api.dev.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", partnerValidityDays: partnerDays, caValidityDays: String(Number(intermediateDays) + 1) };
        assert.throws(() => parseConfig(raw, "eu-west-1"), (error: unknown) => error instanceof Error && error.message.split("\n").includes(message));
    });
});
