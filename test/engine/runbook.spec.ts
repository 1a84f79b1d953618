// The runbook on one deployed dev stack, under the REAL Pulumi engine and the stand-in cloud,
// which replaces, refuses and deletes as AWS and the provider do: every step's `pulumi up` is read
// from the stand-ins' operation log, and no partner still in the config may lose its
// certificate, key, usage key, plan membership or trust at any point; the domain, the API and the
// mapping are never replaced. A second stack of the same backend and account comes and goes beside it.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineWorkspace, missingEngine, StandInOperation } from "../../tools/engine/workspace";
import { resourceName, StackExport, StateResource } from "../helpers/engine-state";
import { makeRequest } from "../helpers/csrs";

before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

const types = {
    apiKey: "aws:apigateway/apiKey:ApiKey",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    planKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    domain: "aws:apigateway/domainName:DomainName",
    restApi: "aws:apigateway/restApi:RestApi",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    role: "aws:iam/role:Role",
};

/** The resources of a partner, by the names the program gives them (`pki-<p>-...`, `usage-<p>-...`). */
function ownerOf(urn: string, partners: readonly string[]): string | undefined {
    const name = resourceName(urn);
    return partners.find((p) => name.startsWith(`pki-${p}-`) || name.startsWith(`usage-${p}-`));
}

/**
 * What a step may not do to a partner still in the config: delete its usage key, plan or plan key
 * at all, or delete a certificate, key or request of it that was not first replaced by a new one
 * of the same type in the same step (create before delete).
 */
function partnerLosses(operations: readonly StandInOperation[], partners: readonly string[]): string[] {
    const losses: string[] = [];
    operations.forEach((operation, index) => {
        const partner = ownerOf(operation.urn, partners);
        if (operation.op !== "delete" || partner === undefined) {
            return;
        }
        const kept = [types.apiKey, types.plan, types.planKey].includes(operation.type);
        const replacedFirst = operations.slice(0, index).some((o) => o.op === "create" && o.type === operation.type && ownerOf(o.urn, partners) === partner);
        if (kept || !replacedFirst) {
            losses.push(`${partner}: ${resourceName(operation.urn)} deleted`);
        }
    });
    return losses;
}

/** The stack's resources and outputs as `pulumi stack export` has them. */
async function exported(workspace: EngineWorkspace, stack: string): Promise<StateResource[]> {
    return (JSON.parse((await workspace.pulumi(["stack", "export", "--stack", stack])).stdout) as StackExport).deployment.resources ?? [];
}

const byName = (resources: readonly StateResource[], name: string) => resources.find((r) => resourceName(r.urn) === name);
/** A resource's id, beside its outputs in the export. */
const idOf = (resource: StateResource | undefined) => (resource as { id?: string } | undefined)?.id;

describe("the runbook on a deployed dev stack under the real Pulumi CLI (stand-in cloud)", () => {
    let workspace: EngineWorkspace;
    let scratch: string;
    let partners = ["acme-bank", "initech", "globex", "vandelay"];

    before(async () => {
        workspace = new EngineWorkspace();
        scratch = mkdtempSync(join(tmpdir(), "apigw-mtls-runbook-"));
        await workspace.pulumi(["stack", "init", "dev"]);
        await workspace.pulumi(["up", "--yes", "--skip-preview"]);
    });
    after(() => {
        workspace?.dispose();
        rmSync(scratch, { recursive: true, force: true });
    });

    /** Runs `pulumi up` and checks what it did: nothing a partner of `partners` needs is lost, the edge stays, trust holds. */
    async function upKeepingPartners(): Promise<StandInOperation[]> {
        const before = workspace.operations().length;
        await workspace.pulumi(["up", "--yes", "--skip-preview"]);
        const operations = workspace.operations().slice(before);
        assert.deepEqual(partnerLosses(operations, partners), [], "no partner in the config loses anything");
        const edge = operations.filter((o) => [types.domain, types.restApi, types.mapping].includes(o.type) && o.op !== "update");
        assert.deepEqual(edge.map((o) => `${o.op} ${resourceName(o.urn)}`), [], "the domain, the API and the mapping are never replaced");
        assert.deepEqual(operations.filter((o) => o.type === types.object && o.op === "delete" && o.urn.endsWith("::truststore-bundle")), [], "the truststore object is never deleted");
        await checkTrust();
        return operations;
    }

    /** Every partner of the config has its key in its plan on the stage, and every issued certificate chains to the pinned truststore version. */
    async function checkTrust(): Promise<void> {
        const resources = await exported(workspace, "dev");
        const cloud = workspace.cloud();
        assert.ok(cloud, "the stand-in cloud is there");
        const api = resources.find((r) => r.type === types.restApi);
        for (const partner of partners) {
            const key = byName(resources, `usage-${partner}-key`);
            const plan = byName(resources, `usage-${partner}-limits`);
            assert.ok(key && plan, `${partner} has a usage key and a plan`);
            assert.ok(idOf(plan), `${partner}'s plan has an id`);
            assert.equal(cloud.planKeys[`${idOf(api)}/v1/${idOf(key)}`], idOf(plan), `${partner}'s key is in its plan on the stage`);
        }
        const bundle = byName(resources, "truststore-bundle");
        const domain = resources.find((r) => r.type === types.domain);
        const pinned = (domain?.outputs?.mutualTlsAuthentication as { truststoreVersion?: string } | undefined)?.truststoreVersion;
        assert.equal(pinned, bundle?.outputs?.versionId, "the domain pins the bundle's version");
        const bucket = cloud.buckets[String(bundle?.outputs?.bucket)];
        assert.ok(bucket?.objects["truststore.pem"]?.includes(String(pinned)), "that version is in the bucket");
        writeFileSync(join(scratch, "bundle.pem"), String(bundle?.outputs?.content));
        const certificates = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificates"]);
        for (const [partner, pem] of Object.entries(certificates)) {
            writeFileSync(join(scratch, "client.pem"), pem);
            const verified = execFileSync("openssl", ["verify", "-purpose", "sslclient", "-CAfile", join(scratch, "bundle.pem"), join(scratch, "client.pem")], { encoding: "utf8" });
            assert.match(verified, /: OK\s*$/, `${partner}'s certificate chains to the truststore`);
        }
    }

    const set = (...args: string[]) => workspace.pulumi(["config", "set", "--path", ...args]);

    it("onboards a generated partner", async () => {
        await set("partners.acme-logistics.commonName", "acme-logistics.partners.example.com");
        partners = [...partners, "acme-logistics"];
        const operations = await upKeepingPartners();
        assert.ok(operations.some((o) => o.op === "create" && resourceName(o.urn) === "usage-acme-logistics-plan"));
    });

    it("onboards a partner from its certificate request", async () => {
        writeFileSync(join(workspace.dir, "partners", "hooli.csr"), (await makeRequest("CN=hooli.partners.example.com, O=Hooli")).pem);
        await set("partners.hooli.csrFile", "partners/hooli.csr");
        partners = [...partners, "hooli"];
        const operations = await upKeepingPartners();
        assert.ok(operations.some((o) => o.op === "create" && resourceName(o.urn) === "pki-hooli-cert"));
    });

    it("changes a partner's limits on its own plan, in place", async () => {
        await set("partners.initech.throttle.rateLimit", "1");
        await set("partners.initech.throttle.burstLimit", "2");
        const operations = await upKeepingPartners();
        assert.deepEqual(operations.filter((o) => o.type === types.plan || o.type === types.planKey).map((o) => `${o.op} ${resourceName(o.urn)}`), ["update usage-initech-limits"]);
    });

    it("rotates a partner's certificate: a new key and certificate before the old go", async () => {
        await set("partners.acme-bank.generation", "2");
        const operations = await upKeepingPartners();
        const ofAcme = operations.filter((o) => ownerOf(o.urn, partners) === "acme-bank").map((o) => `${o.op} ${resourceName(o.urn)}`);
        assert.ok(ofAcme.indexOf("create pki-acme-bank-cert-g2") < ofAcme.indexOf("delete pki-acme-bank-cert"), ofAcme.join(", "));
    });

    it("revokes a certificate", async () => {
        const serials = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificateSerials"]);
        await workspace.pulumi(["config", "set", "--path", "--type", "string", "revokedSerials[0].serial", serials["acme-logistics"]]);
        await set("revokedSerials[0].reason", "offboarding");
        const operations = await upKeepingPartners();
        assert.ok(operations.some((o) => o.op === "update" && resourceName(o.urn) === "authorizer-function"));
    });

    it("rotates the CA in its three phases: overlap, switch, retire", async () => {
        await set("caGenerations[0]", "1");
        await set("caGenerations[1]", "2");
        await workspace.pulumi(["config", "set", "activeCaGeneration", "1"]);
        await upKeepingPartners();
        await workspace.pulumi(["config", "set", "activeCaGeneration", "2"]);
        await upKeepingPartners();
        await workspace.pulumi(["config", "rm", "caGenerations"]);
        await set("caGenerations[0]", "2");
        const retired = await upKeepingPartners();
        assert.ok(retired.some((o) => o.op === "delete" && resourceName(o.urn) === "pki-root"), "generation 1's root goes");
    });

    it("offboards a partner: its resources go, nobody else's", async () => {
        await workspace.pulumi(["config", "rm", "--path", "partners.acme-logistics"]);
        partners = partners.filter((p) => p !== "acme-logistics");
        const operations = await upKeepingPartners();
        const deleted = operations.filter((o) => o.op === "delete").map((o) => resourceName(o.urn));
        assert.ok(["usage-acme-logistics-key", "usage-acme-logistics-plan", "usage-acme-logistics-limits", "pki-acme-logistics-cert"].every((name) => deleted.includes(name)), deleted.join(", "));
    });

    it("deploys and destroys a second stack in the same account beside it, which changes nothing of the first", async () => {
        const first = await exported(workspace, "dev");
        const role = String(first.find((r) => r.type === types.role && resourceName(r.urn) === "gateway-cloudwatch-role")?.outputs?.arn);
        const accountBefore = workspace.cloud()?.apigatewayAccount;
        assert.equal(accountBefore?.cloudwatchRoleArn, role, "dev set the account's logging role");

        // The second stack shares the account setting dev owns, as docs/aws-behaviour.md says; its
        // config is dev's, on another domain, with its own secrets salt.
        await workspace.pulumi(["stack", "init", "qa"]);
        const salt = readFileSync(join(workspace.dir, "Pulumi.qa.yaml"), "utf8").split("\n").filter((line) => line.startsWith("encryptionsalt:"));
        const devLines = readFileSync(join(workspace.dir, "Pulumi.dev.yaml"), "utf8").split("\n").filter((line) => !line.startsWith("encryptionsalt:"));
        writeFileSync(join(workspace.dir, "Pulumi.qa.yaml"), [...salt, ...devLines].join("\n")
            .replace("apigw-mtls:domainName: api.dev.example.com", "apigw-mtls:domainName: api.qa.example.com")
            .replace(/\n*$/, `\n  apigw-mtls:cloudwatchRoleArn: ${role}\n`));
        const before = workspace.operations().length;
        await workspace.pulumi(["up", "--yes", "--skip-preview", "--stack", "qa"]);
        await workspace.pulumi(["destroy", "--yes", "--skip-preview", "--stack", "qa"]);
        const operations = workspace.operations().slice(before);
        assert.ok(operations.some((o) => o.op === "delete"), "qa was deployed and destroyed");
        assert.deepEqual(operations.filter((o) => !o.urn.startsWith("urn:pulumi:qa::")).map((o) => o.urn), [], "no operation touched another stack");
        assert.deepEqual(workspace.cloud()?.apigatewayAccount, accountBefore, "the account's logging role is as dev set it");
        const strip = (resources: StateResource[]) => resources.map((r) => ({ urn: r.urn, outputs: r.outputs }));
        assert.deepEqual(strip(await exported(workspace, "dev")), strip(first), "dev's state is unchanged");
    });
});
