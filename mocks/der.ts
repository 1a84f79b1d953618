// Just enough DER to write the certificates and certificate requests of the tls mocks and to
// read back the parts they need (a request's subject and key, a CA's subject and key id).
// Hand-written because a general ASN.1 library costs milliseconds per certificate, which is
// most of a 1,000-partner program run; these functions cost microseconds.

/** A DER element: its tag and where its header and contents lie in the buffer it was read from. */
export interface Element {
    readonly tag: number;
    /** Offset of the tag byte. */
    readonly start: number;
    /** Offset of the first content byte. */
    readonly contentStart: number;
    /** Offset just past the contents. */
    readonly end: number;
}

function lengthBytes(length: number): Buffer {
    if (length < 0x80) {
        return Buffer.from([length]);
    }
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
        bytes.unshift(rest % 256);
    }
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element with `tag` holding `contents` one after the other. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
    const body = Buffer.concat(contents);
    return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...contents: Buffer[]): Buffer => tlv(0x30, ...contents);
export const set = (...contents: Buffer[]): Buffer => tlv(0x31, ...contents);
export const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const boolean = (value: boolean): Buffer => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
/** `[n]` EXPLICIT (constructed, context-specific). */
export const explicit = (n: number, ...contents: Buffer[]): Buffer => tlv(0xa0 | n, ...contents);
/** `[n]` IMPLICIT of a primitive (context-specific). */
export const implicitPrimitive = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);

/** A non-negative INTEGER from its big-endian magnitude, in the minimal encoding DER demands. */
export function unsignedInteger(magnitude: Buffer): Buffer {
    let first = 0;
    while (first < magnitude.length - 1 && magnitude[first] === 0) {
        first++;
    }
    const trimmed = magnitude.subarray(first);
    const body = trimmed.length === 0 ? Buffer.from([0]) : trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    return tlv(0x02, body);
}

export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value]));

/** A BIT STRING of whole bytes. */
export const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.from([0]), bytes);

/** A named-bit BIT STRING (KeyUsage): bit i of `bits` is named bit i, trailing zero bits dropped. */
export function namedBits(bits: number): Buffer {
    const bytes: number[] = [];
    let highest = -1;
    for (let bit = 0; bits >> bit; bit++) {
        if ((bits >> bit) & 1) {
            highest = bit;
            bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
        }
    }
    if (highest < 0) {
        return tlv(0x03, Buffer.from([0]));
    }
    const length = (highest >> 3) + 1;
    const filled = Array.from({ length }, (_, i) => bytes[i] ?? 0);
    return tlv(0x03, Buffer.from([7 - (highest & 7)]), Buffer.from(filled));
}

const oids = new Map<string, Buffer>();

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
    let encoded = oids.get(dotted);
    if (!encoded) {
        const [first, second, ...rest] = dotted.split(".").map(Number);
        const bytes = [first * 40 + second];
        for (const arc of rest) {
            const base128 = [arc & 0x7f];
            for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
                base128.unshift(0x80 | (value & 0x7f));
            }
            bytes.push(...base128);
        }
        encoded = tlv(0x06, Buffer.from(bytes));
        oids.set(dotted, encoded);
    }
    return encoded;
}

// PrintableString's alphabet, with '*' as Go's encoder allows it.
const printable = /^[A-Za-z0-9 '()+,\-./:=?*]*$/;

/** A directory string as Go writes it: PrintableString when it can be one, else UTF8String. */
export function directoryString(value: string): Buffer {
    return printable.test(value) ? tlv(0x13, Buffer.from(value, "latin1")) : tlv(0x0c, Buffer.from(value, "utf8"));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A certificate time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5), whole seconds. */
export function time(date: Date): Buffer {
    const year = date.getUTCFullYear();
    const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
    return year >= 1950 && year < 2050
        ? tlv(0x17, Buffer.from(`${pad(year % 100)}${rest}`, "latin1"))
        : tlv(0x18, Buffer.from(`${pad(year, 4)}${rest}`, "latin1"));
}

/** The element that starts at `offset`. */
export function read(der: Buffer, offset = 0): Element {
    if (offset + 2 > der.length) {
        throw new Error(`DER element at ${offset} is cut short`);
    }
    const tag = der[offset];
    let length = der[offset + 1];
    let contentStart = offset + 2;
    if (length & 0x80) {
        const count = length & 0x7f;
        if (count === 0 || count > 4 || contentStart + count > der.length) {
            throw new Error(`DER element at ${offset} has an unsupported length`);
        }
        length = 0;
        for (let i = 0; i < count; i++) {
            length = length * 256 + der[contentStart + i];
        }
        contentStart += count;
    }
    const end = contentStart + length;
    if (end > der.length) {
        throw new Error(`DER element at ${offset} runs past the end of its buffer`);
    }
    return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element. */
export function children(der: Buffer, parent: Element): Element[] {
    const found: Element[] = [];
    for (let offset = parent.contentStart; offset < parent.end; offset = found[found.length - 1].end) {
        found.push(read(der, offset));
    }
    return found;
}

/** The whole element (header and contents), as bytes. */
export const raw = (der: Buffer, element: Element): Buffer => der.subarray(element.start, element.end);

/** The contents of an element, as bytes. */
export const contents = (der: Buffer, element: Element): Buffer => der.subarray(element.contentStart, element.end);

/** The dotted form of an OBJECT IDENTIFIER element. */
export function readOid(der: Buffer, element: Element): string {
    const bytes = contents(der, element);
    const arcs = [Math.floor(bytes[0] / 40), bytes[0] % 40];
    let value = 0;
    for (const byte of bytes.subarray(1)) {
        value = value * 128 + (byte & 0x7f);
        if (!(byte & 0x80)) {
            arcs.push(value);
            value = 0;
        }
    }
    return arcs.join(".");
}

/** PEM of DER bytes under `label`, 64 characters a line, ending in a newline. */
export function toPem(label: string, der: Buffer): string {
    const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER of the first PEM block with `label`. */
export function fromPem(label: string, pem: string): Buffer {
    const begin = `-----BEGIN ${label}-----`;
    const start = pem.indexOf(begin);
    const end = pem.indexOf(`-----END ${label}-----`, start);
    if (start < 0 || end < 0) {
        throw new Error(`no ${label} PEM block`);
    }
    return Buffer.from(pem.slice(start + begin.length, end).replace(/\s+/g, ""), "base64");
}
