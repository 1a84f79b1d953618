import * as assert from "node:assert/strict";
import { certificateBlocks } from "../../../core/truststore/bundle";

describe("certificateBlocks", () => {
    const cert = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

    it("finds each certificate block, leaving other text and blocks out", () => {
        const crl = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----";
        const text = `subject=CN=A\n${cert("QUFB")}\n${crl}\n${cert("QkJC")}\ntrailing\n`;
        assert.deepEqual(certificateBlocks(text), [cert("QUFB"), cert("QkJC")]);
    });

    it("reads the blocks the truststore rules read: lines trimmed, CRLF or LF, blank lines inside a body dropped", () => {
        const text = "  -----BEGIN CERTIFICATE-----\r\n  QUFB\r\n\r\n  QkJC\r\n  -----END CERTIFICATE-----  \r\n";
        assert.deepEqual(certificateBlocks(text), [cert("QUFB\nQkJC")]);
    });

    it("keeps a block cut short by another BEGIN line without an END line, so that parsing it fails instead of dropping it", () => {
        const cut = "-----BEGIN CERTIFICATE-----\nQUFB\n";
        assert.deepEqual(certificateBlocks(cut + cert("QkJC")), ["-----BEGIN CERTIFICATE-----\nQUFB", cert("QkJC")]);
    });

    it("keeps a block that ends with another label without an END line", () => {
        assert.deepEqual(certificateBlocks("-----BEGIN CERTIFICATE-----\nQUFB\n-----END X509 CRL-----\n"), ["-----BEGIN CERTIFICATE-----\nQUFB"]);
    });

    it("reads a file of BEGIN lines without END lines in linear time, each block without an END line", () => {
        const started = Date.now();
        const blocks = certificateBlocks("-----BEGIN CERTIFICATE-----\nQUFB\n".repeat(50_000));
        assert.equal(blocks.length, 50_000);
        assert.ok(blocks.every((block) => !block.includes("-----END")));
        assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    });

    it("finds no block on a line that runs BEGIN and END together", () => {
        assert.deepEqual(certificateBlocks("-----BEGIN CERTIFICATE----------END CERTIFICATE-----"), []);
    });
});
