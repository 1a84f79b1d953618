// Local mode remembers the stack's PKI from one start to the next, so that the runbook can be
// rehearsed step by step: each start below is one step, on the same folder, as after `pulumi up`.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalOptions, LocalRun } from "../../../tools/local/start";
import { get } from "../../helpers/local-client";

const acme = { commonName: "acme-bank.partners.example.com", organization: "Acme Bank" };
const initech = { commonName: "initech.partners.example.com", organization: "Initech" };

/** A partner's certificate as a run serves it, with its key. */
interface Served {
    readonly cert: string;
    readonly key: string;
    readonly serial: string;
    readonly fingerprint: string;
}

function served(run: LocalRun, name: string): Served {
    const partner = run.partners.find((p) => p.name === name);
    assert.ok(partner, `partner ${name} has files`);
    const cert = fs.readFileSync(partner.certFile, "utf8");
    const parsed = new X509Certificate(cert);
    return { cert, key: fs.readFileSync(partner.keyFile, "utf8"), serial: parsed.serialNumber, fingerprint: parsed.fingerprint256 };
}

describe("local mode remembers the stack's PKI between starts", function () {
    this.timeout(120_000);
    let dir: string;
    let customerPath: string;
    const log: string[] = [];

    /** One start on the test's folder with the dev stack and these partners and config; stopped at once unless `use` says otherwise. */
    async function step<T>(config: LocalOptions["config"], use: (run: LocalRun) => Promise<T> | T, options: Pick<LocalOptions, "fresh"> = {}): Promise<T> {
        const { startLocal } = await import("../../../tools/local/start");
        const run = await startLocal({ stack: "dev", port: 0, dir: path.join(dir, "local"), config: { partners: { "acme-bank": acme, initech }, ...config }, functionLog: (_fn, line) => log.push(line), ...options });
        try {
            customerPath = `/${run.domain.mappings[0].basePath.join("/")}/customer/42`;
            return await use(run);
        } finally {
            await run.stop();
        }
    }

    let first: { acme: Served; initech: Served; truststore: string };

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-pki-e2e-"));
        first = await step({}, (run) => ({ acme: served(run, "acme-bank"), initech: served(run, "initech"), truststore: fs.readFileSync(run.truststoreFile, "utf8") }));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("serves the same partner certificates at the second start: same serial, same fingerprint, same key, same CAs", async () => {
        const second = await step({}, async (run) => {
            assert.deepEqual([...new Set(run.pkiChanges.values())], ["kept"]);
            const reply = await get(run, customerPath, first.acme);
            assert.equal(reply.status, 200, reply.body);
            return { acme: served(run, "acme-bank"), initech: served(run, "initech"), truststore: fs.readFileSync(run.truststoreFile, "utf8") };
        });
        assert.deepEqual(second, first);
    });

    it("answers 403 for being revoked to a certificate whose serial is revoked between two starts", async () => {
        log.length = 0;
        await step({ revokedSerials: [{ serial: first.acme.serial, reason: "rehearsal: laptop lost" }] }, async (run) => {
            assert.equal(served(run, "acme-bank").serial, first.acme.serial, "the revoked certificate is still the one served");
            const revoked = await get(run, customerPath, first.acme);
            assert.equal(revoked.status, 403, revoked.body);
            assert.ok(log.some((line) => line.includes("revoked: rehearsal: laptop lost")), `the authorizer denied it as revoked: ${log.join(" | ")}`);
            const other = await get(run, customerPath, first.initech);
            assert.equal(other.status, 200, other.body);
        });
    });

    it("makes a new certificate and key for a partner whose generation changed, and for that partner only", async () => {
        const rotated = await step({ partners: { "acme-bank": { ...acme, generation: 2 }, initech } }, (run) => {
            const names = (change: string) => [...run.pkiChanges].filter(([, c]) => c === change).map(([urn]) => urn.split("::").pop()).sort();
            assert.deepEqual(names("created"), ["pki-acme-bank-cert-g2", "pki-acme-bank-csr-g2", "pki-acme-bank-key-g2"]);
            assert.deepEqual(names("dropped"), ["pki-acme-bank-cert", "pki-acme-bank-csr", "pki-acme-bank-key"]);
            return { acme: served(run, "acme-bank"), initech: served(run, "initech") };
        });
        assert.notEqual(rotated.acme.serial, first.acme.serial);
        assert.notEqual(rotated.acme.fingerprint, first.acme.fingerprint);
        assert.notEqual(rotated.acme.key, first.acme.key);
        assert.deepEqual(rotated.initech, first.initech);
    });

    it("re-issues partners' certificates from a new CA generation once it is active, on the keys they have", async () => {
        const rotated = await step({ caGenerations: [1, 2], activeCaGeneration: 2 }, (run) => served(run, "initech"));
        assert.equal(rotated.key, first.initech.key);
        assert.notEqual(rotated.serial, first.initech.serial);
        assert.match(new X509Certificate(rotated.cert).issuer, /CA G2/);
    });

    it("makes a new PKI with fresh: new serials and fingerprints for every partner, and new CAs", async () => {
        const fresh = await step({}, (run) => {
            assert.deepEqual([...new Set(run.pkiChanges.values())], ["created"]);
            return { acme: served(run, "acme-bank"), initech: served(run, "initech"), truststore: fs.readFileSync(run.truststoreFile, "utf8") };
        }, { fresh: true });
        for (const name of ["acme", "initech"] as const) {
            assert.notEqual(fresh[name].serial, first[name].serial, name);
            assert.notEqual(fresh[name].fingerprint, first[name].fingerprint, name);
        }
        assert.notEqual(fresh.truststore, first.truststore);
    });
});
