// The revocation keys of stack config: `revokedSerials` (serials denied whoever issued them) and
// `crlFile` (CRLs of truststore CAs, read here and verified by the program).
import * as path from "node:path";
import { ConfigEnvironment, ConfigError, parseList } from "./values";
import { checkEvery } from "./problems";
import { normaliseSerial } from "../authorizer/decision";
import { scanPem } from "../x509/pem";
import { x509 } from "../x509/x509";

/** A certificate the authorizer refuses, whoever issued it. */
export interface RevokedSerial {
    /** Normalised (`normaliseSerial`): hex, upper case, no separators or leading zeros, "-" before a negative serial. */
    readonly serial: string;
    readonly reason: string;
}

/** The CRLs of `crlFile`, as read; the program verifies them against the truststore. */
export interface CrlFile {
    readonly file: string;
    /** One PEM block per CRL. */
    readonly pems: readonly string[];
}

// RFC 5280: a serial is at most 20 octets.
const maxSerialDigits = 40;
const maxReasonLength = 100;
const crlLabels = ["X509 CRL", "CRL"];

interface RawRevokedSerial {
    readonly serial?: unknown;
    readonly reason?: unknown;
}

export function parseRevokedSerials(value: string): RevokedSerial[] {
    const list = parseList<RawRevokedSerial>("revokedSerials", value, "{serial, reason}");
    const seen = new Map<string, number>();
    return checkEvery(ConfigError, list, (entry: RawRevokedSerial, index): RevokedSerial => {
        const key = `revokedSerials[${index}]`;
        const raw = entry?.serial;
        // The number says nothing of how the serial was written: 0x1001, 4097 and 1001 all could be it.
        if (typeof raw === "number") {
            throw new ConfigError(`${key}.serial is the number ${raw}, not the serial as written: YAML reads an unquoted 0x1001 as 4097 and 1e5 as 100000; quote it in the stack file, such as serial: "0A:1B:2C" (from the shell: \`pulumi config set --path --type string '${key}.serial' <serial>\`)`);
        }
        if (typeof raw !== "string") {
            throw new ConfigError(`${key}.serial is ${JSON.stringify(raw)}; write the certificate's serial as a quoted hex string, such as "0A:1B:2C" (from \`pulumi stack output partnerCertificateSerials\` or \`openssl x509 -noout -serial\`)`);
        }
        const serial = normaliseSerial(raw);
        if (serial === undefined || serial.replace("-", "").length > maxSerialDigits) {
            throw new ConfigError(`${key}.serial "${raw}" is not a certificate serial; use up to 20 bytes of hex, with or without colons, such as "0A:1B:2C"`);
        }
        const reason = entry.reason;
        if (typeof reason !== "string" || reason.trim() === "" || reason.length > maxReasonLength) {
            throw new ConfigError(`${key}.reason of serial ${serial} is ${JSON.stringify(reason)}; say in 1 to ${maxReasonLength} characters why it is revoked, such as "key leaked, ticket SEC-123"`);
        }
        const earlier = seen.get(serial);
        if (earlier !== undefined) {
            throw new ConfigError(`${key}.serial "${raw}" is revokedSerials[${earlier}] again (both are ${serial}); remove one of them`);
        }
        seen.set(serial, index);
        return { serial, reason: reason.trim() };
    });
}

export function readCrlFile(file: string, env: ConfigEnvironment): CrlFile {
    let text: string;
    try {
        text = env.readFile(path.resolve(env.projectDir, file));
    } catch {
        throw new ConfigError(`crlFile "${file}" cannot be read; put the CRL (PEM) at that path, relative to the project directory, or remove crlFile`);
    }
    // OpenSSL labels CRLs "X509 CRL", some tools just "CRL".
    const pems = scanPem(text).blocks
        .filter((block) => crlLabels.includes(block.label) && block.endLabel === block.label)
        .map((block) => `-----BEGIN ${block.label}-----\n${block.body.join("\n")}\n-----END ${block.label}-----\n`);
    if (pems.length === 0) {
        throw new ConfigError(`crlFile "${file}" holds no PEM CRL; it must contain "-----BEGIN X509 CRL-----" blocks (convert DER with \`openssl crl -inform der -in ca.crl -out ca.crl.pem\`)`);
    }
    checkEvery(ConfigError, pems, (pem, index) => {
        try {
            new x509.X509Crl(pem);
        } catch {
            throw new ConfigError(`crlFile "${file}" holds a CRL (block ${index + 1}) that does not parse; fetch it again from its CA`);
        }
    });
    return { file, pems };
}
