// One program case, in a process of its own: the real program under mocks with N generated
// partners, N partners that bring their own CA, or the dev stack's own partners, then the whole
// policy pack over what it declared.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CapturedResource, ProgramFailure, runProgram } from "../simulator/program";
import { privateKey, selfSignedCert } from "../simulator/tls";
import { runPack } from "../../policy/evaluate";
import { argument, peakRssMb, projectDir, serve, timed } from "./harness";
import { generatedPartners } from "./partners";

export interface ProgramCase {
    /** Partners whose key and certificate the stack issues. */
    readonly generated: number;
    /** Partners that bring their own CA (a PEM file each). */
    readonly external: number;
    /** Keep the partners of Pulumi.dev.yaml instead (generated and external are then 0): the dev stack as in the repository. */
    readonly stackPartners?: boolean;
}

export interface ProgramResult {
    readonly wallMs: number;
    readonly cpuMs: number;
    /** Peak RSS of the process when the program had run (before the pack). */
    readonly peakRssMb: number;
    readonly resources: number;
    /** The program's error, when it failed; the figures then are up to the failure. */
    readonly error?: string;
    /** The policy pack over the captured resources; absent when the program failed. */
    readonly pack?: { readonly wallMs: number; readonly violations: number; readonly mandatory: number };
}

/** Writes `count` self-signed partner CA certificates and returns their paths. */
async function writeExternalCas(count: number, dir: string): Promise<string[]> {
    fs.mkdirSync(dir, { recursive: true });
    const key = privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    return Promise.all(Array.from({ length: count }, async (_, i) => {
        const cert = await selfSignedCert({
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: `Bench partner ${i} root CA`, organization: `Bench partner ${i}` },
            validityPeriodHours: 2 * 365 * 24,
            isCaCertificate: true,
            allowedUses: ["cert_signing", "crl_signing"],
        });
        const file = path.join(dir, `ext-${i}.pem`);
        fs.writeFileSync(file, cert.certPem);
        return file;
    }));
}

function firstLine(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.split("\n")[0].slice(0, 300);
}

async function main(): Promise<ProgramResult> {
    const spec = argument<ProgramCase>();
    const casDir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-bench-cas-"));
    try {
        const files = await writeExternalCas(spec.external, casDir);
        const partners = {
            ...generatedPartners(spec.generated),
            ...Object.fromEntries(files.map((file, i) => [`ext-${i}`, { caCertFile: path.relative(projectDir, file) }])),
        };
        // With partners' own CAs, the stack's root alone fills the truststore to its 1,000 certificates.
        const config = spec.stackPartners ? {} : { partners, ...(spec.external > 0 ? { intermediateCa: false } : {}) };
        let resources: readonly CapturedResource[] = [];
        let error: string | undefined;
        const program = await timed(async () => {
            try {
                resources = (await runProgram({ config })).resources;
            } catch (failure) {
                error = firstLine(failure instanceof ProgramFailure ? failure.cause : failure);
                resources = failure instanceof ProgramFailure ? failure.resources : [];
            }
        });
        const result = { wallMs: program.wallMs, cpuMs: program.cpuMs, peakRssMb: peakRssMb(), resources: resources.length };
        if (error !== undefined) {
            return { ...result, error };
        }
        const pack = await timed(() => runPack(resources));
        return {
            ...result,
            pack: { wallMs: pack.wallMs, violations: pack.value.length, mandatory: pack.value.filter((v) => v.enforcementLevel === "mandatory").length },
        };
    } finally {
        fs.rmSync(casDir, { recursive: true, force: true });
    }
}

serve(main);
