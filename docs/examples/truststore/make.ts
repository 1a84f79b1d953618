// Makes the example inputs docs/truststore.md shows the CLI on, and that
// test/repo/readme-truststore.spec.ts runs it on. Run once, from the repository root:
//   npx ts-node --transpile-only docs/examples/truststore/make.ts
// Keys live in memory only: the files are certificates, never a private key. Validity runs to the
// end of 2049 so that the examples print the same findings for twenty years and more; Initech's
// CA expired on purpose at the end of 2024. A new run makes new keys, so new files with the same
// findings.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CertOptions, Issued, makeCert, makeKey, toBundle } from "../../../test/helpers/certs";

const valid = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2049-12-31T23:59:59Z") };

function ca(subject: string, options: Omit<CertOptions, "subject"> = {}): Promise<Issued> {
    return makeCert({ ...valid, ...options, subject });
}

function client(subject: string, issuer: Issued, options: Omit<CertOptions, "subject" | "issuer"> = {}): Promise<Issued> {
    return makeCert({ ...valid, ca: false, ...options, subject, issuer });
}

function write(file: string, certs: readonly Issued[]): void {
    writeFileSync(join(__dirname, file), toBundle(certs));
}

async function main(): Promise<void> {
    const acmeRoot = await ca("CN=Acme Partner Root CA, O=Acme");
    const acmeIssuing = await ca("CN=Acme Partner Issuing CA, O=Acme", { issuer: acmeRoot });
    const globex = await ca("CN=Legacy Globex CA, O=Globex", { key: await makeKey("rsa1024"), hash: "SHA-1" });
    const initech = await ca("CN=Initech CA, O=Initech", { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2024-12-31T23:59:59Z") });
    const umbrellaRoot = await ca("CN=Umbrella Root CA, O=Umbrella");
    const umbrellaIssuing = await ca("CN=Umbrella Issuing CA, O=Umbrella", { issuer: umbrellaRoot });
    const hooliRoot = await ca("CN=Hooli Root CA, O=Hooli");

    write("good-truststore.pem", [acmeRoot, acmeIssuing]);
    // Every problem once: a copy of a root, a SHA-1 RSA-1024 root, an expired root, and an
    // issuing CA without its root.
    write("truststore.pem", [acmeRoot, acmeIssuing, globex, initech, umbrellaIssuing, acmeRoot]);
    write("partner-acme.crt", [await client("CN=partner-acme, O=Acme", acmeIssuing)]);
    write("partner-acme-rsa1024.crt", [await client("CN=partner-acme-legacy, O=Acme", acmeIssuing, { key: await makeKey("rsa1024") })]);
    write("hooli.crt", [await client("CN=hooli, O=Hooli", hooliRoot)]);
}

main().catch((cause) => {
    console.error(cause);
    process.exitCode = 1;
});
