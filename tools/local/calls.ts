// What a caller of a local run needs: a URL worth calling and the curl commands that call it,
// one per partner (with the limits of its usage plan under it), with the untrusted certificate and
// without one, as `npm run local` prints them.
import * as path from "node:path";
import { projectDir } from "../simulator/stack-config";
import type { ResourceNode } from "./domain-model";
import { CredentialFiles, CsrPartner, LocalRun } from "./start";

/** A path as short as it can be said from the working directory. */
export function shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative.startsWith("..") ? file : relative;
}

function firstGet(node: ResourceNode): string | undefined {
    if (node.methods.has("GET")) {
        return node.path;
    }
    for (const child of [...node.statics.values(), ...(node.param ? [node.param.node] : [])]) {
        const found = firstGet(child);
        if (found) {
            return found;
        }
    }
    return undefined;
}

/** A URL worth calling: the first GET method, path parameters filled with 42. Exported for testing. */
export function sampleUrl(run: Pick<LocalRun, "baseUrl" | "domain">): string {
    const mapping = run.domain.mappings[0];
    const stage = mapping?.stage ?? mapping?.stages.values().next().value;
    const method = stage ? firstGet(stage.root) ?? "/" : "/";
    const stagePart = mapping && !mapping.stage && stage ? `/${stage.stageName}` : "";
    return `${run.baseUrl}${stagePart}${method.replace(/\{[^}]+\}/g, "42")}`;
}

/** A curl command line; `credentials` are its --cert and --key arguments as printed. */
function curl(run: LocalRun, url: string, credentials?: { cert: string; key: string }): string {
    const resolve = `--resolve ${run.domain.domainName}:${run.port}:127.0.0.1`;
    const auth = credentials ? ` --cert ${credentials.cert} --key ${credentials.key}` : "";
    return `  curl -sS -w ' %{http_code}\\n' ${resolve} --cacert ${shown(run.serverCaFile)}${auth} ${url}`;
}

function files(pair: CredentialFiles): { cert: string; key: string } {
    return { cert: shown(pair.certFile), key: shown(pair.keyFile) };
}

/** The call as a partner that keeps its key: with its key file where we found it, or a placeholder and one line on why. */
function csrPartnerCall(run: LocalRun, url: string, partner: CsrPartner): string[] {
    const request = shown(path.resolve(projectDir, partner.csrFile));
    const cert = shown(partner.certFile);
    const keyFile = shown(partner.key.file);
    const key = partner.key.status === "matches" ? keyFile : `<the key you made ${request} with>`;
    const lines = [`Trusted partner ${partner.name}, with its own key (expect 200):`, curl(run, url, { cert, key }), ...limits(run, partner.name)];
    switch (partner.key.status) {
        case "matches":
            return lines;
        case "absent":
            return [...lines, `  ${partner.name} keeps its key: pass the one ${request} was made with as --key (there is none at ${keyFile})`];
        case "mismatch":
            return [...lines, `  ${keyFile} is not the key of ${cert} (issued for ${request}), so it is not used: pass the key ${request} was made with`];
        case "unreadable":
            return [...lines, `  ${keyFile} is no private key local mode can read (PEM, no passphrase), so it is not checked against ${cert}: pass the key ${request} was made with (curl takes --pass for an encrypted one)`];
    }
}

/** "  limits: acme-bank: 50 requests/s, burst 100, 100000 per DAY (usage plan ...)", one per key of the partner. */
function limits(run: LocalRun, partner: string): string[] {
    return run.usagePlans.describe(partner).map((line) => `  limits: ${line}`);
}

/** The commands, a line at a time, each with what it should get. */
export function describeCalls(run: LocalRun, out: (line: string) => void): void {
    const url = sampleUrl(run);
    out("");
    for (const partner of run.partners) {
        out(`Trusted partner ${partner.name} (expect 200):`);
        out(curl(run, url, files(partner)));
        limits(run, partner.name).forEach(out);
    }
    run.csrPartners.flatMap((partner) => csrPartnerCall(run, url, partner)).forEach(out);
    out(`Untrusted certificate (expect 403 {"message":"Forbidden"}):`);
    out(curl(run, url, files(run.untrusted)));
    out("No certificate (expect the TLS handshake to fail):");
    out(curl(run, url));
    if (run.partners.length === 0 && run.csrPartners.length === 0) {
        out("This stack issues no partner certificates (its partners bring their own CA); sign one with such a CA to call it.");
    }
    out("");
}
