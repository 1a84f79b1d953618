// The local gateway as a server a partner could hammer: slow clients are closed when a deadline
// passes (handshake, headers, body), while other partners keep being served; a function still
// working is no idle client; connections beyond the cap are closed as they arrive. The limits
// are short here so that each case takes a second or two.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../../../tools/simulator/program";
import type { LocalRun } from "../../../tools/local/start";
import { get } from "../../helpers/local-client";
import { customerApi } from "../../helpers/api-stack";

// The customer function sleeps for x-sleep-ms before it answers.
const sleeper = `
exports.handler = async (event) => {
    const ms = Number(event.headers["x-sleep-ms"] || 0);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { statusCode: 200, body: JSON.stringify({ slept: ms }) };
};`;

function withSleeper(resources: CapturedResource[]): void {
    customerApi(resources).handler.inputs.code = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(sleeper) });
}

/** What happened to a connection the test drove: what it sent before the server closed it. */
interface Ending {
    readonly closedAfterBytes: number;
    readonly received: string;
}

/** Sends `text` one byte every `everyMs` over `socket` until it is all sent or the server closes. */
function trickle(socket: net.Socket, text: string, everyMs: number): Promise<Ending> {
    return new Promise((resolve) => {
        let sent = 0;
        let received = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (received += chunk));
        socket.on("error", () => undefined);
        const timer = setInterval(() => {
            if (sent < text.length) {
                socket.write(text[sent++]);
            }
        }, everyMs);
        socket.once("close", () => {
            clearInterval(timer);
            resolve({ closedAfterBytes: sent, received });
        });
    });
}

function tlsConnect(local: LocalRun, partner: string): Promise<tls.TLSSocket> {
    const files = local.partners.find((p) => p.name === partner);
    assert.ok(files, `partner ${partner} has files`);
    return new Promise((resolve, reject) => {
        const socket = tls.connect({
            host: "127.0.0.1", port: local.port, servername: local.domain.domainName,
            ca: fs.readFileSync(local.serverCaFile), cert: fs.readFileSync(files.certFile), key: fs.readFileSync(files.keyFile),
        }, () => resolve(socket));
        socket.once("error", reject);
    });
}

function rawConnect(port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
        socket.once("error", reject);
    });
}

function credentials(local: LocalRun, partner: string): { cert: string; key: string } {
    const files = local.partners.find((p) => p.name === partner);
    assert.ok(files, `partner ${partner} has files`);
    return { cert: fs.readFileSync(files.certFile, "utf8"), key: fs.readFileSync(files.keyFile, "utf8") };
}

describe("the local gateway under slow and many clients", function () {
    this.timeout(30_000);
    let local: LocalRun;
    let dir: string;
    let customerPath: string;
    const logged: string[] = [];

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-limits-"));
        const { startLocal } = await import("../../../tools/local/start");
        local = await startLocal({
            stack: "dev",
            port: 0,
            dir,
            mutate: withSleeper,
            log: (line) => logged.push(line),
            limits: { handshakeTimeoutMs: 1_000, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 500, maxConnections: 4 },
        });
        customerPath = `/${local.domain.mappings[0].basePath.join("/")}/customer/42`;
    });

    after(async () => {
        await local?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("closes a partner that trickles its request headers, while another partner is served", async () => {
        const slow = await tlsConnect(local, "acme-bank");
        const request = `GET ${customerPath} HTTP/1.1\r\nHost: ${local.domain.domainName}\r\nUser-Agent: one byte at a time\r\n\r\n`;
        const ending = trickle(slow, request, 100);
        const meanwhile = await get(local, customerPath, credentials(local, "initech"));
        const { closedAfterBytes, received } = await ending;
        assert.equal(meanwhile.status, 200, meanwhile.body ?? meanwhile.error?.message);
        assert.ok(closedAfterBytes < request.length, `the server waited for all ${request.length} bytes`);
        assert.equal(received, "", "the slow partner got no answer");
        assert.ok(logged.some((line) => /^closed connection from 127\.0\.0\.1: no complete request headers within 1 s$/.test(line)), logged.join("\n"));
    });

    it("closes a partner that trickles its request body", async () => {
        const slow = await tlsConnect(local, "acme-bank");
        const body = "x".repeat(200);
        const head = `GET ${customerPath} HTTP/1.1\r\nHost: ${local.domain.domainName}\r\nContent-Length: ${body.length}\r\n\r\n`;
        slow.write(head);
        const { closedAfterBytes, received } = await trickle(slow, body, 50);
        assert.ok(closedAfterBytes < body.length, `the server waited for all ${body.length} bytes of the body`);
        assert.equal(received, "");
        assert.ok(logged.some((line) => /: no complete request within 2 s$/.test(line)), logged.join("\n"));
    });

    it("closes a client that trickles its TLS handshake", async () => {
        const raw = await rawConnect(local.port);
        // A TLS record header announcing 512 bytes of handshake, then the bytes one by one.
        const { closedAfterBytes } = await trickle(raw, `\x16\x03\x01\x02\x00${"\0".repeat(512)}`, 100);
        assert.ok(closedAfterBytes < 517, "the server waited for the whole record");
        assert.ok(logged.some((line) => /: no TLS handshake within 1 s$/.test(line)), logged.join("\n"));
    });

    it("answers a request whose function works past the idle timeout, then closes the idle connection", async () => {
        const socket = await tlsConnect(local, "acme-bank");
        const ending = trickle(socket, "", 1_000);
        socket.write(`GET ${customerPath} HTTP/1.1\r\nHost: ${local.domain.domainName}\r\nx-sleep-ms: 1500\r\n\r\n`);
        const { received } = await ending;
        assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
        assert.match(received, /\{"slept":1500\}$/);
    });

    it("closes connections beyond the cap as they arrive, and serves again once one ends", async () => {
        const held = await Promise.all([1, 2, 3, 4].map(() => rawConnect(local.port)));
        try {
            const refused = await get(local, customerPath, credentials(local, "acme-bank"));
            assert.equal(refused.status, undefined, `answered ${refused.status}`);
            assert.match(String(refused.error?.code ?? refused.error?.message), /ECONNRESET|socket hang up|EPIPE/);
            assert.ok(logged.some((line) => /^refused connection from 127\.0\.0\.1: 4 connections are open, the most local mode serves at once$/.test(line)), logged.join("\n"));
        } finally {
            held.forEach((socket) => socket.destroy());
        }
        let reply = await get(local, customerPath, credentials(local, "acme-bank"));
        for (let attempt = 0; reply.status === undefined && attempt < 20; attempt++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            reply = await get(local, customerPath, credentials(local, "acme-bank"));
        }
        assert.equal(reply.status, 200, reply.body ?? reply.error?.message);
    });
});
