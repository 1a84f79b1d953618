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

    it("describes the dev and prod stacks of the repository as their files are", () => {
        type Partner = { name: string; caCertFile?: string; csrFile?: string; throttle?: { rateLimit: number }; quota?: { limit: number; period: string } };
        const stack = (name: string) => (yaml.load(fs.readFileSync(path.join(root, `Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
        const text = page.replace(/\s*\n\s*/g, " ");
        const dev = stack("dev");
        const byName = (value: unknown) => Object.entries(value as Record<string, Omit<Partner, "name">>).map(([name, partner]) => ({ name, ...partner }));
        const partners = byName(dev["apigw-mtls:partners"]);
        const generated = partners.filter((partner) => !partner.caCertFile && !partner.csrFile);
        const initech = partners.find((partner) => partner.name === "initech");
        assert.match(text, /`Pulumi\.dev\.yaml` is a complete dev stack: two generated partners \(`initech` on a lower plan of its own, 5 requests\/s and 10,000 a day\), `globex`, which brings its own CA, and `vandelay`, which sent a certificate request \(`partners\/vandelay\.csr`/);
        assert.equal(generated.length, 2);
        assert.ok(generated.some((partner) => partner.name === initech?.name));
        assert.deepEqual([initech?.throttle?.rateLimit, initech?.quota?.limit, initech?.quota?.period], [5, 10000, "DAY"]);
        assert.ok(partners.find((partner) => partner.name === "globex")?.caCertFile);
        assert.equal(partners.find((partner) => partner.name === "vandelay")?.csrFile, "partners/vandelay.csr");

        const prod = stack("prod");
        assert.match(text, /`Pulumi\.prod\.yaml` differs where prod should: a ten-year P-384 CA, the bucket retained on delete, a year of logs, dual-stack, its own DNS-validated certificate, its partners' limits written out .* and partners that keep their keys \(a request or their own CA, never a generated key\)/);
        assert.deepEqual(
            ["keyAlgorithm", "caValidityDays", "retainTruststoreOnDelete", "logRetentionDays", "dualStack", "certificateArn"].map((key) => prod[`apigw-mtls:${key}`]),
            ["ECDSA-P384", 3650, true, 365, true, undefined]);
        assert.ok(prod["apigw-mtls:throttle"] && prod["apigw-mtls:quota"], "prod writes its limits out");
        assert.deepEqual(byName(prod["apigw-mtls:partners"]).filter((partner) => !partner.caCertFile && !partner.csrFile), []);
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
