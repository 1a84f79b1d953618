// Local mode's usage plans end to end, on the dev stack with partners' limits set in config: the
// authorizer reads the partners' keys from local mode's SSM endpoint and returns the caller's as
// usageIdentifierKey; a partner past its burst gets 429 Too Many Requests, past its quota 429
// Limit Exceeded, without touching another partner's limits; a key that is missing, disabled or
// in no plan gets 403. `npm run local` prints the limits and `verify --burst` sees the 429s.
// Only 127.0.0.1 is contacted; every file goes to a temporary folder.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CapturedResource } from "../../../tools/simulator/program";
import type { LocalRun } from "../../../tools/local/start";
import { get, Reply } from "../../helpers/local-client";

/** acme-bank may send 2 at once and 1 a second; hooli 3 a day; initech has the stack's defaults. */
const partners = [
    { name: "acme-bank", commonName: "acme-bank.partners.example.com", organization: "Acme Bank", throttle: { rateLimit: 1, burstLimit: 2 } },
    { name: "initech", commonName: "initech.partners.example.com", organization: "Initech" },
    { name: "hooli", commonName: "hooli.partners.example.com", organization: "Hooli", quota: { limit: 3, period: "DAY" } },
];

/** The partners as the stack config holds them: a map keyed by name. */
const partnerMap = Object.fromEntries(partners.map(({ name, ...partner }) => [name, partner]));

const tooMany = '{"message":"Too Many Requests"}';
const limitExceeded = '{"message":"Limit Exceeded"}';
const forbidden = '{"message":"Forbidden"}';

function credentials(run: LocalRun, name: string): { cert: string; key: string } {
    const partner = run.partners.find((p) => p.name === name);
    assert.ok(partner, `partner ${name} has files`);
    return { cert: fs.readFileSync(partner.certFile, "utf8"), key: fs.readFileSync(partner.keyFile, "utf8") };
}

function customerPath(run: LocalRun): string {
    return `/${run.domain.mappings[0].basePath.join("/")}/customer/42`;
}

/** "200 {...}" per reply, with the body only for gateway answers. */
function tally(replies: readonly Reply[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const reply of replies) {
        const what = reply.status === 200 ? "200" : `${reply.status ?? reply.error?.message} ${reply.body ?? ""}`;
        counts[what] = (counts[what] ?? 0) + 1;
    }
    return counts;
}

async function startIn(dir: string, mutate?: (resources: CapturedResource[]) => void, logged: string[] = []): Promise<LocalRun> {
    const { startLocal } = await import("../../../tools/local/start");
    return startLocal({ port: 0, dir, config: { partners: partnerMap }, mutate, partnerKeysDir: path.join(dir, "no-keys"), log: (line) => logged.push(line) });
}

describe("local mode's usage plans, end to end", function () {
    this.timeout(60_000);
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-limits-"));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("with every partner's key in its plan", () => {
        let local: LocalRun;

        before(async () => {
            local = await startIn(path.join(dir, "plans"));
        });

        after(() => local?.stop());

        it("throttles a partner with a burst of 2 in a burst of 10 with 429 Too Many Requests, while another partner's 10 all succeed", async () => {
            const acme = credentials(local, "acme-bank");
            const initech = credentials(local, "initech");
            const url = customerPath(local);
            const [acmeReplies, initechReplies] = await Promise.all([
                Promise.all(Array.from({ length: 10 }, () => get(local, url, acme))),
                Promise.all(Array.from({ length: 10 }, () => get(local, url, initech))),
            ]);
            const acmeCounts = tally(acmeReplies);
            assert.deepEqual(Object.keys(acmeCounts).sort(), ["200", `429 ${tooMany}`], JSON.stringify(acmeCounts));
            assert.ok(acmeCounts["200"] >= 2 && acmeCounts["200"] <= 4, `2 at once, and 1 a second after: ${JSON.stringify(acmeCounts)}`);
            assert.deepEqual(tally(initechReplies), { 200: 10 });
        });

        it("answers a partner past its quota with 429 Limit Exceeded, and keeps serving the others", async () => {
            const hooli = credentials(local, "hooli");
            const replies: Reply[] = [];
            for (let i = 0; i < 5; i++) {
                replies.push(await get(local, customerPath(local), hooli));
            }
            assert.deepEqual(replies.map((r) => `${r.status} ${r.status === 200 ? "" : r.body}`), ["200 ", "200 ", "200 ", `429 ${limitExceeded}`, `429 ${limitExceeded}`]);
            assert.equal((await get(local, customerPath(local), credentials(local, "initech"))).status, 200);
        });

        it("knows each partner's limits from its usage plan", () => {
            assert.deepEqual(local.usagePlans.describe("acme-bank").map((line) => line.replace(/ \(usage plan .*\)$/, "")), ["acme-bank: 1 requests/s, burst 2, 100000 per DAY"]);
            assert.deepEqual(local.usagePlans.describe("hooli").map((line) => line.replace(/ \(usage plan .*\)$/, "")), ["hooli: 50 requests/s, burst 100, 3 per DAY"]);
        });
    });

    describe("with keys that API Gateway would refuse", () => {
        let local: LocalRun;
        const logged: string[] = [];

        before(async () => {
            // acme-bank's key leaves its plan, initech's is disabled, hooli's leaves the authorizer's parameter.
            local = await startIn(path.join(dir, "refused"), (resources) => {
                const keyOf = (partner: string) => resources.find((r) => r.type === "aws:apigateway/apiKey:ApiKey" && r.inputs.tags?.partner === partner);
                const acmeKey = keyOf("acme-bank");
                resources.splice(resources.findIndex((r) => r.type === "aws:apigateway/usagePlanKey:UsagePlanKey" && r.inputs.keyId === acmeKey?.id), 1);
                const initechKey = keyOf("initech");
                assert.ok(initechKey);
                initechKey.inputs.enabled = false;
                const parameter = resources.find((r) => r.type === "aws:ssm/parameter:Parameter");
                assert.ok(parameter, "the stack declares the keys' parameter");
                const values = JSON.parse(parameter.inputs.value) as Record<string, string>;
                delete values.hooli;
                parameter.inputs.value = JSON.stringify(values);
            }, logged);
        });

        after(() => local?.stop());

        it("answers 403 Forbidden to a partner whose key is in no usage plan of the stage", async () => {
            const reply = await get(local, customerPath(local), credentials(local, "acme-bank"));
            assert.equal(`${reply.status} ${reply.body}`, `403 ${forbidden}`);
            assert.ok(logged.some((line) => /the API key in the authorizer's usageIdentifierKey is in no usage plan of stage v1: 403$/.test(line)), logged.join("\n"));
        });

        it("answers 403 Forbidden to a partner whose key is disabled", async () => {
            const reply = await get(local, customerPath(local), credentials(local, "initech"));
            assert.equal(`${reply.status} ${reply.body}`, `403 ${forbidden}`);
            assert.ok(logged.some((line) => /API key \S+ is disabled: 403$/.test(line)), logged.join("\n"));
        });

        it("answers 403 Forbidden when the authorizer has no key for the partner", async () => {
            const reply = await get(local, customerPath(local), credentials(local, "hooli"));
            assert.equal(`${reply.status} ${reply.body}`, `403 ${forbidden}`);
            assert.ok(logged.some((line) => /no API key in the authorizer's usageIdentifierKey: 403$/.test(line)), logged.join("\n"));
        });
    });

    describe("npm run local and verify --burst", () => {
        const printed: string[] = [];
        const verified: { argv: string; code: number; out: string[] }[] = [];

        before(async () => {
            const local = await import("../../../tools/bin/local");
            const verify = await import("../../../tools/bin/verify");
            const runDir = path.join(dir, "cli");
            const io = {
                out: (line: string) => printed.push(line),
                err: (line: string) => printed.push(line),
                // While the run serves: verify --burst as two partners, one that the burst exceeds and one that it does not.
                untilInterrupted: async () => {
                    const port = /on https:\/\/127\.0\.0\.1:(\d+) /.exec(printed.join("\n"))?.[1];
                    for (const partner of ["acme-bank", "initech"]) {
                        const argv = ["--url", `https://api.dev.example.com:${port}/c360/customer/42`, "--resolve", "127.0.0.1", "--ca", "server-ca.pem",
                            "--cert", `partners/${partner}.crt`, "--key", `partners/${partner}.key`, "--burst", "10"];
                        const out: string[] = [];
                        const code = await verify.main(argv, { cwd: runDir, out: (line) => out.push(line), err: (line) => out.push(line), domainReader: () => Promise.reject(new Error("no AWS here")) });
                        verified.push({ argv: argv.join(" "), code, out });
                    }
                },
            };
            const code = await local.main(["--port", "0"], io, { dir: runDir, config: { partners: partnerMap }, partnerKeysDir: path.join(dir, "no-keys") });
            assert.equal(code, 0, printed.join("\n"));
        });

        it("prints each partner's limits under its curl command", () => {
            const acme = printed.findIndex((line) => line.startsWith("Trusted partner acme-bank "));
            assert.match(printed[acme + 1], /^ {2}curl /);
            assert.match(printed[acme + 2], /^ {2}limits: acme-bank: 1 requests\/s, burst 2, 100000 per DAY \(usage plan dev-acme-bank\)$/);
            const hooli = printed.findIndex((line) => line.startsWith("Trusted partner hooli "));
            assert.match(printed[hooli + 2], /^ {2}limits: hooli: 50 requests\/s, burst 100, 3 per DAY /);
        });

        it("verify --burst passes when the partner's plan throttles the burst, saying how many got 200 and 429", () => {
            const acme = verified[0];
            assert.equal(acme.code, 0, acme.out.join("\n"));
            assert.match(acme.out.join("\n"), /burst of 10 +some 429 Too Many Requests, no 5xx +of 10: \d+ got 200, \d+ got 429 \(\d+ Too Many Requests\) +PASS/);
        });

        it("verify --burst fails when no 429 comes back", () => {
            const initech = verified[1];
            assert.equal(initech.code, 1, initech.out.join("\n"));
            assert.match(initech.out.join("\n"), /burst of 10 +some 429 Too Many Requests, no 5xx +of 10: 10 got 200, 0 got 429 \(0 Too Many Requests\) +FAIL/);
            assert.match(initech.out.join("\n"), /verify: 1 of 5 checks FAILED/);
        });
    });
});
