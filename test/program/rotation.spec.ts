import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CapturedResource, ProgramRun, RunOptions, runProgram } from "../../tools/simulator/program";
import { x509 } from "../../core/x509/x509";
import { AuthorizerLists, authorizerListsFile, issuerId, normaliseSerial } from "../../core/authorizer/decision";
import { Issued, makeCa, makeLeaf } from "../helpers/certs";
import { makeCrl } from "../helpers/crls";
import { allOf, archiveFile, only, withWarnings } from "../helpers/outputs";
import { certificateBlocks } from "../../core/truststore/bundle";

const bundleOf = (run: ProgramRun) => only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2", "truststore-bundle").inputs.content as string;
const commonNameOf = (dn: string) => dn.split("\n").find((rdn) => rdn.startsWith("CN="));
const subjectsOf = (pem: string) => certificateBlocks(pem).map((block) => commonNameOf(new X509Certificate(block).subject)).sort();
const authorizerFunction = (run: ProgramRun) => only(run.resources, "aws:lambda/function:Function", "authorizer-function").inputs;
const authorizerLists = async (run: ProgramRun): Promise<AuthorizerLists> => JSON.parse(await archiveFile(authorizerFunction(run).code, authorizerListsFile));
const tlsNames = (run: ProgramRun) => run.resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.name).sort();

/** The resources a rotation must never replace: the domain, its mapping and its DNS records. */
function edge(run: ProgramRun): CapturedResource[] {
    return [
        only(run.resources, "aws:apigateway/domainName:DomainName"),
        ...allOf(run.resources, "aws:apigateway/basePathMapping:BasePathMapping"),
        ...allOf(run.resources, "aws:route53/record:Record"),
    ];
}

/** A stack's inputs with the truststore version blanked: what may differ between rotation steps. */
function withoutVersion(resource: CapturedResource): Record<string, unknown> {
    const inputs = JSON.parse(JSON.stringify(resource.inputs));
    if (inputs.mutualTlsAuthentication) {
        inputs.mutualTlsAuthentication.truststoreVersion = "<version>";
    }
    return inputs;
}

/** Runs the program, capturing what it warns about. */
async function runWarned(options: RunOptions): Promise<{ run: ProgramRun; warnings: string[] }> {
    const { value: run, warnings } = await withWarnings(() => runProgram(options));
    return { run, warnings };
}

describe("revocation and rotation in the program", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("revocation", () => {
        let run: ProgramRun;
        let globexCa: Issued;
        let revokedByCrl: Issued;
        before(async () => {
            globexCa = await makeCa("CN=Globex Test CA, O=Globex");
            revokedByCrl = await makeLeaf("CN=globex-laptop", globexCa);
            fs.writeFileSync(path.join(dir, "globex-ca.pem"), globexCa.pem);
            fs.writeFileSync(path.join(dir, "globex.crl.pem"), await makeCrl(globexCa, [{ serial: revokedByCrl.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }]));
            run = await runProgram({
                stack: "dev",
                config: {
                    partners: { "acme-bank": {}, globex: { caCertFile: path.join(dir, "globex-ca.pem") } },
                    revokedSerials: [{ serial: "0a:1b:2c", reason: "laptop stolen, SEC-42" }],
                    crlFile: path.join(dir, "globex.crl.pem"),
                    authorizerCacheSeconds: 15,
                },
            });
        });

        it("sends GET /customer/{customer-id} through the revocation authorizer", () => {
            const body = JSON.parse(only(run.resources, "aws:apigateway/restApi:RestApi", "customer-api").inputs.body as string) as {
                paths: Record<string, { get: { security: unknown } }>; components: { securitySchemes: Record<string, { "x-amazon-apigateway-authorizer"?: { authorizerUri: string } }> };
            };
            assert.deepEqual(body.paths["/customer/{customer-id}"].get.security, [{ "apigw-mtls-authorizer": [], api_key: [] }]);
            assert.equal(body.components.securitySchemes["apigw-mtls-authorizer"]["x-amazon-apigateway-authorizer"]?.authorizerUri,
                only(run.resources, "aws:lambda/function:Function", "authorizer-function").outputs.invokeArn);
        });

        it("gives the authorizer the config's serials for any issuer and the CRL's for the partner CA that signed it", async () => {
            const list = (await authorizerLists(run)).revocations;
            assert.deepEqual(list.anyIssuer, { A1B2C: "laptop stolen, SEC-42" });
            assert.deepEqual(list.byIssuer, { [issuerId(new X509Certificate(globexCa.pem).subject)]: { [normaliseSerial(revokedByCrl.cert.serialNumber) as string]: "keyCompromise (CRL)" } });
            assert.equal(authorizerFunction(run).environment.variables.DECISION_CACHE_SECONDS, "15");
        });

        it("names the issued partner by its certificate, its issuer and subject and its subject, and the partner with its own CA by that CA", async () => {
            const names = (await authorizerLists(run)).partnerNames;
            assert.deepEqual(Object.values(names).sort(), ["acme-bank", "acme-bank", "acme-bank", "globex"]);
            assert.equal(names[issuerId(new X509Certificate(globexCa.pem).subject)], "globex");
        });

        it("uploads the verified CRL beside the truststore bundle", () => {
            const crl = only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2", "truststore-crl").inputs;
            assert.equal(crl.key, "revocations.crl.pem");
            assert.equal(crl.content, fs.readFileSync(path.join(dir, "globex.crl.pem"), "utf8"));
            assert.equal(crl.bucket, only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2", "truststore-bundle").inputs.bucket);
        });

        it("exports each issued certificate's serial as revokedSerials takes it", () => {
            const serial = normaliseSerial(new X509Certificate(run.outputs.partnerCertificates["acme-bank"]).serialNumber);
            assert.deepEqual(run.outputs.partnerCertificateSerials, { "acme-bank": serial });
        });
    });

    describe("partner certificate rotation", () => {
        it("replaces only the partner's key and certificate when its generation is bumped, and keeps the domain", async () => {
            const before = await runProgram({ stack: "dev" });
            const after = await runProgram({
                stack: "dev",
                config: { partners: { "acme-bank": { commonName: "acme-bank.partners.example.com", organization: "Acme Bank", generation: 2 }, initech: { commonName: "initech.partners.example.com", organization: "Initech", access: ["customer"] }, globex: { caCertFile: "partners/globex-ca.pem", access: ["orders"] }, vandelay: { csrFile: "partners/vandelay.csr" } } },
            });
            const gone = tlsNames(before).filter((n) => !tlsNames(after).includes(n));
            const added = tlsNames(after).filter((n) => !tlsNames(before).includes(n));
            assert.deepEqual(gone, ["pki-acme-bank-cert", "pki-acme-bank-csr", "pki-acme-bank-key"]);
            assert.deepEqual(added, ["pki-acme-bank-cert-g2", "pki-acme-bank-csr-g2", "pki-acme-bank-key-g2"]);
            assert.deepEqual(edge(after).map((r) => r.urn), edge(before).map((r) => r.urn));
            assert.deepEqual(Object.keys(after.outputs.partnerPrivateKeys).sort(), ["acme-bank", "initech"]);
        });
    });

    describe("CA rotation", () => {
        // The steps of the runbook: overlap, switch issuance, retire the old generation.
        const steps: [string, RunOptions["config"]][] = [
            ["generation 1 only", {}],
            ["both generations, issuing from 1", { caGenerations: [1, 2], activeCaGeneration: 1 }],
            ["both generations, issuing from 2", { caGenerations: [1, 2], activeCaGeneration: 2 }],
            ["generation 2 only", { caGenerations: [2] }],
        ];
        const runs: ProgramRun[] = [];
        before(async () => {
            for (const [, config] of steps) {
                runs.push(await runProgram({ stack: "dev", config }));
            }
        });

        it("keeps the truststore chains of every listed generation, and the partner's own CA, at each step", () => {
            const g1 = ["CN=Example Corp partner issuing CA", "CN=Example Corp partner root CA"];
            const g2 = ["CN=Example Corp partner issuing CA G2", "CN=Example Corp partner root CA G2"];
            const globex = "CN=Globex Partner Root CA";
            assert.deepEqual(subjectsOf(bundleOf(runs[0])), [...g1, globex].sort());
            assert.deepEqual(subjectsOf(bundleOf(runs[1])), [...g1, ...g2, globex].sort());
            assert.deepEqual(subjectsOf(bundleOf(runs[2])), [...g1, ...g2, globex].sort());
            assert.deepEqual(subjectsOf(bundleOf(runs[3])), [...g2, globex].sort());
        });

        it("issues partners from the active generation", () => {
            const issuers = runs.map((run) => new X509Certificate(run.outputs.partnerCertificates["acme-bank"]).issuer.split("\n").pop());
            assert.deepEqual(issuers, [
                "CN=Example Corp partner issuing CA",
                "CN=Example Corp partner issuing CA",
                "CN=Example Corp partner issuing CA G2",
                "CN=Example Corp partner issuing CA G2",
            ]);
            assert.match(new X509Certificate(runs[2].outputs.caCertificates[0]).subject, /issuing CA G2$/);
        });

        it("changes only the truststore version on the domain: same domain, mapping and records, same bundle object", () => {
            for (const [index, run] of runs.entries()) {
                const step = steps[index][0];
                assert.deepEqual(edge(run).map((r) => r.urn), edge(runs[0]).map((r) => r.urn), step);
                assert.deepEqual(edge(run).map(withoutVersion), edge(runs[0]).map(withoutVersion), step);
                const bundle = only(run.resources, "aws:s3/bucketObjectv2:BucketObjectv2", "truststore-bundle");
                assert.equal(only(run.resources, "aws:apigateway/domainName:DomainName").inputs.mutualTlsAuthentication.truststoreVersion, bundle.outputs.versionId, step);
            }
            const versions = runs.map((run) => only(run.resources, "aws:apigateway/domainName:DomainName").inputs.mutualTlsAuthentication.truststoreVersion);
            assert.equal(new Set(versions).size, versions.length, "each step pins a new truststore version");
        });

        it("names generation 1's resources as a stack without generations always did", () => {
            assert.ok(tlsNames(runs[0]).includes("pki-root"));
            assert.ok(!tlsNames(runs[0]).some((n) => /-g\d+$/.test(n)));
            assert.ok(tlsNames(runs[3]).includes("pki-root-g2") && !tlsNames(runs[3]).includes("pki-root"));
        });
    });

    describe("expiry", () => {
        it("lists when each truststore CA and partner certificate ends, soonest first", async () => {
            const run = await runProgram({ stack: "dev" });
            const entries = run.outputs.certificateExpiry as { kind: string; name: string; notAfter: string }[];
            assert.deepEqual(entries.filter((e) => e.kind === "partner").map((e) => e.name).sort(), ["acme-bank", "initech", "vandelay"]);
            assert.equal(entries.filter((e) => e.kind === "truststore").length, 3);
            const ends = entries.map((e) => e.notAfter);
            assert.deepEqual(ends, [...ends].sort());
            assert.equal(entries.find((e) => e.name === "acme-bank")?.notAfter, new Date(new X509Certificate(run.outputs.partnerCertificates["acme-bank"]).validTo).toISOString());
        });

        it("warns about partner certificates that end within expiryWarningDays, and not otherwise", async () => {
            const quiet = await runWarned({ stack: "dev" });
            assert.deepEqual(quiet.warnings.filter((w) => /partner/.test(w)), []);
            const near = await runWarned({ stack: "dev", config: { partnerValidityDays: 20 } });
            const partnerWarnings = near.warnings.filter((w) => /^the certificate of partner/.test(w)).sort();
            assert.equal(partnerWarnings.length, 3, "the generated partners and the one from a request");
            assert.match(partnerWarnings[0], /^the certificate of partner "acme-bank" expires on .*, in 19 day\(s\); bump its partners\[\]\.generation/);
        });
    });
});
