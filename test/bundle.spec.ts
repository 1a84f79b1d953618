import * as assert from "node:assert/strict";
import { certificateBlocks } from "../core/bundle";

describe("certificateBlocks", () => {
    const cert = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

    it("finds each certificate block from its BEGIN line to the first END line after it, leaving other text and blocks out", () => {
        const crl = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----";
        const text = `subject=CN=A\n${cert("QUFB")}\n${crl}\n${cert("QkJC")}\ntrailing\n`;
        assert.deepEqual(certificateBlocks(text), [cert("QUFB"), cert("QkJC")]);
    });

    it("runs a block pasted into another to the first END line", () => {
        const cut = "-----BEGIN CERTIFICATE-----\nQUFB\n";
        assert.deepEqual(certificateBlocks(cut + cert("QkJC")), [cut + cert("QkJC")]);
    });

    it("finds no block in BEGIN lines without an END line, however many", () => {
        assert.deepEqual(certificateBlocks("-----BEGIN CERTIFICATE-----\nQUFB\n".repeat(50_000)), []);
    });

    it("needs something between the BEGIN and END lines", () => {
        assert.deepEqual(certificateBlocks("-----BEGIN CERTIFICATE----------END CERTIFICATE-----"), []);
    });
});
