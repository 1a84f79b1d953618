// A partner onboarded from its certificate request, under the REAL Pulumi engine (stand-in
// cloud): the stack signs the request, and no key of that partner exists anywhere in state.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { x509 } from "../../core/x509/x509";
import { EngineWorkspace, missingEngine } from "../../tools/engine/workspace";
import { StackExport } from "../helpers/engine-state";

before(function () {
    const missing = missingEngine();
    if (missing) {
        throw new Error(missing);
    }
});

/** The one partner of the dev stack file that sends a certificate request. */
function requestPartner(dir: string): { name: string; csrFile: string } {
    const stack = yaml.load(readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const partners = Object.entries(stack.config["apigw-mtls:partners"] as Record<string, { csrFile?: string }>).map(([name, partner]) => ({ name, ...partner }));
    const [partner, ...others] = partners.filter((p) => p.csrFile !== undefined);
    assert.ok(partner && others.length === 0, "Pulumi.dev.yaml has one partner with a csrFile");
    return { name: partner.name, csrFile: partner.csrFile as string };
}

describe("a partner from a certificate request under the real Pulumi CLI (stand-in cloud)", () => {
    let workspace: EngineWorkspace;
    let dir: string;
    before(() => {
        workspace = new EngineWorkspace();
        dir = mkdtempSync(join(tmpdir(), "apigw-mtls-csr-engine-"));
    });
    after(() => {
        workspace?.dispose();
        rmSync(dir, { recursive: true, force: true });
    });

    it("issues the dev stack's request partner a certificate for the request's key that openssl verifies against the truststore, and keeps no key of it", async () => {
        await workspace.pulumi(["stack", "init", "dev"]);
        await workspace.pulumi(["up", "--yes", "--policy-pack", "policy"]);
        const { name, csrFile } = requestPartner(workspace.dir);
        const request = new x509.Pkcs10CertificateRequest(readFileSync(join(workspace.dir, csrFile), "utf8"));
        const requestedKey = createPublicKey(request.publicKey.toString("pem"));

        const certificates = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerCertificates"]);
        assert.ok(certificates[name], `partnerCertificates has ${name}`);
        const certificate = new X509Certificate(certificates[name]);
        assert.ok(certificate.publicKey.equals(requestedKey), "the certificate carries the request's public key");

        const state = JSON.parse((await workspace.pulumi(["stack", "export"])).stdout) as StackExport;
        const resources = state.deployment.resources ?? [];
        const bundle = resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && r.urn.endsWith("::truststore-bundle"));
        assert.ok(bundle, "the truststore bundle is in state");
        writeFileSync(join(dir, "truststore.pem"), String(bundle.outputs?.content));
        writeFileSync(join(dir, `${name}.crt`), certificates[name]);
        const verified = execFileSync("openssl", ["verify", "-purpose", "sslclient", "-CAfile", join(dir, "truststore.pem"), join(dir, `${name}.crt`)], { encoding: "utf8" });
        assert.match(verified, /: OK\s*$/);

        const keys = await workspace.pulumiJson<Record<string, string>>(["stack", "output", "partnerPrivateKeys", "--show-secrets"]);
        assert.ok(Object.keys(keys).length > 0, "the generated partners have keys");
        assert.equal(keys[name], undefined, `partnerPrivateKeys has no entry for ${name}`);
        const ofPartner = resources.filter((r) => r.type.startsWith("tls:") && r.urn.includes(`::pki-${name}-`));
        assert.deepEqual(ofPartner.map((r) => r.type), ["tls:index/locallySignedCert:LocallySignedCert"], "only its certificate: no key, no request");
        const keyResources = resources.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
        assert.ok(keyResources.every((k) => !createPublicKey(String(k.outputs?.publicKeyPem)).equals(requestedKey)), "no key in state is the partner's");
    });
});
