// PEM as the truststore rules read it: blocks with their line numbers, the lines outside them by
// kind, and the DER of a certificate block. Messages built from it name lines and PEM types,
// never the text itself: a pasted private key must not be repeated. Pure: no AWS, no Pulumi.
import { createPrivateKey } from "node:crypto";

const BEGIN = /^-----BEGIN ([^-]+)-----$/;
const END = /^-----END ([^-]+)-----$/;
// What RFC 7468 and OpenSSL name blocks with; any other label is input text, never repeated.
const PEM_LABEL = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;
const BASE64_LINE = /^(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]+={1,2})$/;

export interface PemBlock {
    /** 1-based position among all blocks of the file. */
    readonly number: number;
    readonly label: string;
    /** 1-based line of the BEGIN line. */
    readonly line: number;
    readonly body: string[];
    /** The END line's label; undefined when the block never ends. */
    endLabel?: string;
}

/** What a line outside every block looks like; the line itself is never repeated. */
export type StrayKind = "base64" | "end" | "dashes" | "other";

export interface PemScan {
    readonly blocks: PemBlock[];
    /** 1-based numbers of non-blank lines outside any block, by what they look like. */
    readonly stray: Record<StrayKind, number[]>;
}

/** The blocks of a PEM text, from each BEGIN line to the next END line, and the lines outside them. */
export function scanPem(text: string): PemScan {
    const blocks: PemBlock[] = [];
    const stray: Record<StrayKind, number[]> = { base64: [], end: [], dashes: [], other: [] };
    let open: PemBlock | undefined;
    text.split(/\r\n|\r|\n/).forEach((raw, index) => {
        const line = raw.trim();
        const begin = BEGIN.exec(line);
        if (begin) {
            open = { number: blocks.length + 1, label: begin[1], line: index + 1, body: [] };
            blocks.push(open);
            return;
        }
        const end = END.exec(line);
        if (open) {
            if (end) {
                open.endLabel = end[1];
                open = undefined;
            } else {
                open.body.push(line);
            }
        } else if (line !== "") {
            const kind: StrayKind = end ? "end" : line.startsWith("-----") ? "dashes" : BASE64_LINE.test(line) ? "base64" : "other";
            stray[kind].push(index + 1);
        }
    });
    return { blocks, stray };
}

/** How messages name a block: by its label when that is a PEM type name, never by other text. */
export function blockName(label: string): string {
    return PEM_LABEL.test(label) ? `a ${label} block` : "a block with a label that is not a PEM type";
}

/** Whether base64 with the shape of a private key (PKCS #8, SEC 1, PKCS #1) holds one. */
export function holdsPrivateKey(der: Buffer<ArrayBuffer>): boolean {
    // Every private key encoding starts SEQUENCE { INTEGER version, ... }; a certificate never does.
    if (der[0] !== 0x30 || der[der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2] !== 0x02) {
        return false;
    }
    return (["pkcs8", "sec1", "pkcs1"] as const).some((type) => {
        try {
            createPrivateKey({ key: der, format: "der", type });
            return true;
        } catch {
            return false;
        }
    });
}

/** Whether a string is base64 as PEM requires: whole quartets, padding only at the end. */
function isStrictBase64(text: string): boolean {
    if (text.length % 4 !== 0) {
        return false;
    }
    const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    for (let i = 0; i < text.length - padding; i++) {
        const c = text.charCodeAt(i);
        const valid = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
        if (!valid) {
            return false;
        }
    }
    return true;
}

/** Why a CERTIFICATE block yields no DER, by the finding code the truststore rules give it. */
export interface BlockProblem {
    readonly code: "malformed-block" | "corrupt-base64";
    readonly message: string;
}

/** Whether a block runs from its BEGIN line to an END line of the same label. */
export function isComplete(block: PemBlock): boolean {
    return block.endLabel === block.label;
}

/** The DER of a complete CERTIFICATE block with valid base64, else why not. */
export function certificateDer(block: PemBlock): { der: Buffer<ArrayBuffer> } | BlockProblem {
    const where = `block #${block.number} (line ${block.line})`;
    if (block.endLabel === undefined) {
        return {
            code: "malformed-block",
            message: `${where} has no -----END ${block.label}----- line: the file is cut short or a block is pasted into another; copy the whole certificate again`,
        };
    }
    if (block.endLabel !== block.label) {
        const ends = PEM_LABEL.test(block.endLabel) ? `ends as ${block.endLabel}` : "ends with a label that is not a PEM type";
        return {
            code: "malformed-block",
            message: `${where} begins as ${block.label} but ${ends}; copy the certificate again with its own BEGIN and END lines`,
        };
    }
    const base64 = block.body.join("");
    if (base64 === "" || !isStrictBase64(base64)) {
        return {
            code: "corrupt-base64",
            message: `${where} is not valid base64 (truncated, edited or holding other text); copy the certificate again from its source`,
        };
    }
    return { der: Buffer.from(base64, "base64") };
}
