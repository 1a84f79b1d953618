import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleFiles } from "../../tools/handover/bundle";

const root = path.join(__dirname, "..", "..");

describe("the Outputs table of docs/deploying.md", () => {
    it("names every stack output index.ts exports, and only those", () => {
        const exported = [...fs.readFileSync(path.join(root, "index.ts"), "utf8").matchAll(/^export const (\w+)/gm)].map((m) => m[1]).sort();
        const page = fs.readFileSync(path.join(root, "docs", "deploying.md"), "utf8");
        const table = /^## Outputs\n([\s\S]*?)\n\n(?!\|)/m.exec(page)?.[1] ?? "";
        const named = table.split("\n").filter((line) => line.startsWith("| `")).flatMap((line) => [...line.split(" | ")[0].matchAll(/`(\w+)`/g)].map((m) => m[1])).sort();
        assert.ok(exported.length > 0, "index.ts exports outputs");
        assert.deepEqual(named, exported);
    });
});

describe("the handover transcript of docs/deploying.md", () => {
    it("lists the files a generated partner's handover writes, with their modes and what each is, as the CLI prints them", () => {
        const page = fs.readFileSync(path.join(root, "docs", "deploying.md"), "utf8");
        const shown = /^handover: acme-bank from stack dev: wrote (\d+) files to [^\n]+\n((?: {2}\S[^\n]*\n)+)/m.exec(page);
        assert.ok(shown, "the page shows a handover of acme-bank");
        // Any certificate will do: the listing does not depend on it (README.txt quotes it).
        const certificatePem = fs.readFileSync(path.join(root, "docs", "examples", "truststore", "partner-acme.crt"), "utf8");
        const material = { partner: "acme-bank", source: "stack dev", apiUrl: "https://api.dev.example.com/c360", certificatePem, chainPems: [], privateKeyPem: "key" };
        const files = bundleFiles(material, { der: Buffer.from("p12"), generatedPassphrase: "passphrase" });
        // As tools/bin/handover.ts prints them: names padded to the longest plus two, the mode, what it is.
        const width = Math.max(...files.map((file) => file.name.length)) + 2;
        const printed = files.map((file) => `  ${file.name.padEnd(width)}${file.mode === 0o600 ? "0600" : "0644"}  ${file.what}`);
        assert.equal(Number(shown[1]), files.length);
        assert.deepEqual(shown[2].trimEnd().split("\n"), printed);
    });
});
