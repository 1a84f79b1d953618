// Where a partner's hand-over comes from: the deployed stack's outputs (`pulumi stack output`)
// or the files local mode wrote to `.local/<stack>/`; either way its certificate, the chain that
// issued it, and its key when the stack generated it.
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { certificateBlocks } from "../../core/truststore/bundle";
import { mergeProjectConfig, projectName, readProjectConfig, readStackFile } from "../simulator/stack-config";

/** Why no bundle can be written; one line that says what to do. */
export class HandoverError extends Error {}

/** What `pulumi <args>` printed and how it exited. */
export interface PulumiResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export type PulumiRunner = (args: readonly string[]) => Promise<PulumiResult>;

/** The port `npm run local` serves on unless it is given --port. */
export const LOCAL_PORT = 8443;

/** A partner's certificate and what goes with it, wherever it came from. */
export interface PartnerMaterial {
    readonly partner: string;
    /** Where it came from, for messages: "stack dev", "local mode's .local/dev". */
    readonly source: string;
    /** Base URL of the API, e.g. https://api.dev.example.com/c360. */
    readonly apiUrl: string;
    readonly certificatePem: string;
    /** Issuing CA first, root last. */
    readonly chainPems: readonly string[];
    /** Only for a partner whose key the stack generated. */
    readonly privateKeyPem?: string;
    /** Local mode: the CA of the server's certificate, which callers must trust. */
    readonly serverCaFile?: string;
}

const selfSigned = (cert: X509Certificate) => cert.checkIssued(cert) && cert.verify(cert.publicKey);

/**
 * The chain that issued `certificatePem`, issuing CA first, up to a self-signed root, taken
 * from `caPems` by name and signature. Exported for testing.
 */
export function issuingChain(certificatePem: string, caPems: readonly string[], source: string): string[] {
    const pool = caPems.flatMap(certificateBlocks).map((pem) => new X509Certificate(pem));
    const chain: X509Certificate[] = [];
    let current = new X509Certificate(certificatePem);
    while (chain.length === 0 || !selfSigned(current)) {
        const below = current;
        const issuer = pool.find((ca) => !chain.includes(ca) && ca !== below && below.checkIssued(ca) && below.verify(ca.publicKey));
        if (!issuer) {
            throw new HandoverError(`no CA certificate in ${source} issued "${commonName(below)}"; the chain cannot be built (deploy again so that the outputs are from one update)`);
        }
        chain.push(issuer);
        current = issuer;
    }
    return chain.map((ca) => ca.toString());
}

/** A config entry of `partners`, as stored (only the fields handover reads). */
/** A partner's entry in the stack's `partners` map, as far as handover reads it. */
interface ConfiguredPartner {
    readonly caCertFile?: unknown;
}

/** The stack's `partners` map, by name; anything else (unset, the old list form) is none. */
function configuredPartners(value: unknown): Readonly<Record<string, ConfiguredPartner>> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, ConfiguredPartner>) : {};
}

/** The error for a partner without a certificate in the source: own CA, not deployed yet, or unknown. */
function notIssued(partner: string, source: string, issued: readonly string[], configured: Readonly<Record<string, ConfiguredPartner>>, apiUrl: string, issueCommand: string): HandoverError {
    const entry = Object.hasOwn(configured, partner) ? configured[partner] : undefined;
    if (entry && typeof entry.caCertFile === "string") {
        return new HandoverError(`partner "${partner}" brings its own CA (caCertFile ${entry.caCertFile}), so ${source} holds no certificate or key for it; ` +
            `its client certificates come from that CA: send it only the API URL, ${apiUrl}`);
    }
    if (entry) {
        return new HandoverError(`partner "${partner}" is configured but ${source} has issued it no certificate yet; run ${issueCommand}, then hand over again`);
    }
    const known = [...new Set([...issued, ...Object.keys(configured)])].sort();
    return new HandoverError(`partner "${partner}" is not in ${source} (its partners: ${known.join(", ") || "none"}); check the name, or add the partner to the stack's partners and run ${issueCommand}`);
}

export function lastLine(text: string): string {
    return text.trim().split("\n").filter(Boolean).pop() ?? "no message";
}

function isStringRecord(value: unknown): value is Record<string, string> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

/** Where local mode's files are, and where paths in messages are said from. */
export interface LocalFiles {
    /** Where relative paths start, and where messages say paths from. */
    readonly cwd: string;
    /** The project whose Pulumi.yaml and Pulumi.<stack>.yaml local mode ran. */
    readonly projectDir: string;
    /** Where local mode writes `<stack>/`: the project's .local by default. */
    readonly localRoot: string;
}

/** The stack's `partners` config, to tell an own-CA partner from an unknown one; none when unset. */
async function deployedPartners(pulumi: PulumiRunner, stackArgs: readonly string[]): Promise<Readonly<Record<string, ConfiguredPartner>>> {
    const result = await pulumi(["config", "get", "partners", "--json", ...stackArgs]);
    try {
        const value = result.code === 0 ? (JSON.parse(result.stdout) as { objectValue?: unknown }).objectValue : undefined;
        return configuredPartners(value);
    } catch {
        return {};
    }
}

/** A partner's material from `pulumi stack output --json --show-secrets` of a deployed stack. */
export async function readDeployed(pulumi: PulumiRunner, partner: string, stack?: string): Promise<PartnerMaterial> {
    const stackArgs = stack === undefined ? [] : ["--stack", stack];
    const source = stack === undefined ? "the selected stack" : `stack ${stack}`;
    const result = await pulumi(["stack", "output", "--json", "--show-secrets", ...stackArgs]);
    if (result.code !== 0) {
        throw new HandoverError(`pulumi stack output failed on ${source}: ${lastLine(result.stderr)}`);
    }
    let outputs: Record<string, unknown>;
    try {
        outputs = JSON.parse(result.stdout) as Record<string, unknown>;
    } catch {
        throw new HandoverError(`pulumi stack output --json printed no JSON for ${source}; run it by hand to see why`);
    }
    if (typeof outputs !== "object" || outputs === null || Object.keys(outputs).length === 0) {
        throw new HandoverError(`${source} has no outputs; deploy it first (pulumi up --policy-pack policy)`);
    }
    const { apiUrl, partnerCertificates, partnerPrivateKeys, caCertificates } = outputs;
    if (typeof apiUrl !== "string" || !isStringRecord(partnerCertificates) || !Array.isArray(caCertificates)) {
        const missing = [["apiUrl", typeof apiUrl === "string"], ["partnerCertificates", isStringRecord(partnerCertificates)], ["caCertificates", Array.isArray(caCertificates)]]
            .flatMap(([name, ok]) => (ok ? [] : [name]));
        throw new HandoverError(`${source} has no output ${missing.join(", ")}; deploy this project's program to it (pulumi up --policy-pack policy)`);
    }
    const certificatePem = partnerCertificates[partner];
    if (certificatePem === undefined) {
        throw notIssued(partner, source, Object.keys(partnerCertificates), await deployedPartners(pulumi, stackArgs), apiUrl, "pulumi up --policy-pack policy");
    }
    const keys = isStringRecord(partnerPrivateKeys) ? partnerPrivateKeys : {};
    return {
        partner,
        source,
        apiUrl,
        certificatePem,
        chainPems: issuingChain(certificatePem, caCertificates.filter((pem): pem is string => typeof pem === "string"), `${source}'s caCertificates`),
        privateKeyPem: keys[partner],
    };
}

/** A partner's material from the files local mode wrote to `<localRoot>/<stack>/`. */
export function readLocal(io: LocalFiles, partner: string, stack: string): PartnerMaterial {
    const dir = path.join(io.localRoot, stack);
    const shown = shortPath(io.cwd, dir);
    const source = `local mode's ${shown}`;
    const partnersDir = path.join(dir, "partners");
    const truststoreFile = path.join(dir, "truststore.pem");
    if (!fs.existsSync(partnersDir) || !fs.existsSync(truststoreFile)) {
        throw new HandoverError(`there are no local mode files for stack ${stack} in ${shown}; run npm run local -- --stack ${stack} first`);
    }
    let config: Record<string, string>;
    try {
        const project = readProjectConfig(io.projectDir);
        config = mergeProjectConfig(stack, project, readStackFile(stack, project, io.projectDir));
    } catch (cause) {
        throw new HandoverError(`cannot read the config of stack ${stack}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const domainName = config[`${projectName}:domainName`];
    const basePath = config[`${projectName}:basePath`] ?? "";
    const apiUrl = `https://${domainName}:${LOCAL_PORT}/${basePath}`.replace(/\/$/, "");
    const certFile = path.join(partnersDir, `${partner}.crt`);
    if (!fs.existsSync(certFile)) {
        const issued = fs.readdirSync(partnersDir).filter((file) => file.endsWith(".crt")).map((file) => file.slice(0, -".crt".length));
        const configured = configuredPartners(JSON.parse(config[`${projectName}:partners`] ?? "{}"));
        throw notIssued(partner, source, issued, configured, apiUrl, `npm run local -- --stack ${stack}`);
    }
    const keyFile = path.join(partnersDir, `${partner}.key`);
    const certificatePem = fs.readFileSync(certFile, "utf8");
    return {
        partner,
        source,
        apiUrl,
        certificatePem,
        chainPems: issuingChain(certificatePem, [fs.readFileSync(truststoreFile, "utf8")], path.join(shown, "truststore.pem")),
        privateKeyPem: fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8") : undefined,
        serverCaFile: path.join(dir, "server-ca.pem"),
    };
}

export function commonName(cert: X509Certificate): string {
    return /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? cert.subject.split("\n").join(", ");
}

/** A path as short as it can be said from `cwd`. */
export function shortPath(cwd: string, file: string): string {
    const relative = path.relative(cwd, file);
    return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}
