// Local mode on the dev stack's own APIs, as the program declares them from apis/*.yaml: the
// customer API's Lambda handler, the orders API's http_proxy integration sent to an upstream on
// 127.0.0.1 (its localUrl) that records what it receives, an API deployed elsewhere passed to its
// localUrl, one without a localUrl answered with 502, and partners with different access.
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { colonHex } from "../../../tools/local/client-certs";
import type { LocalRun } from "../../../tools/local/start";
import { Credentials, get } from "../../helpers/local-client";

interface Received {
    readonly method: string;
    readonly url: string;
    readonly headers: http.IncomingHttpHeaders;
}

describe("local mode serving the dev stack's APIs from their OpenAPI files, end to end", function () {
    this.timeout(60_000);
    const received: Received[] = [];
    const logged: string[] = [];
    let upstream: http.Server;
    let local: LocalRun;
    let dir: string;
    let acme: Credentials & { cert: string };
    let initech: Credentials;

    before(async () => {
        upstream = http.createServer((req, res) => {
            received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
            req.resume();
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ served: req.url }));
        });
        await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
        const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "apigw-mtls-dev-apis-"));
        const { startLocal } = await import("../../../tools/local/start");
        local = await startLocal({
            stack: "dev", port: 0, dir, log: (line) => logged.push(line),
            config: {
                apis: {
                    customer: { basePath: "c360", openApiFile: "apis/customer.yaml" },
                    orders: { basePath: "orders", openApiFile: "apis/orders.yaml", localUrl: origin },
                    billing: { basePath: "billing", restApiId: "a1b2c3d4e5", stageName: "prod", localUrl: `${origin}/billing-service` },
                    ledger: { basePath: "ledger", restApiId: "f6g7h8i9j0", stageName: "live" },
                },
            },
        });
        const partner = local.partners.find((p) => p.name === "acme-bank");
        assert.ok(partner, "acme-bank has files");
        acme = { cert: fs.readFileSync(partner.certFile, "utf8"), key: fs.readFileSync(partner.keyFile, "utf8") };
        const customerOnly = local.partners.find((p) => p.name === "initech");
        assert.ok(customerOnly, "initech (access: [customer]) has files");
        initech = { cert: fs.readFileSync(customerOnly.certFile, "utf8"), key: fs.readFileSync(customerOnly.keyFile, "utf8") };
    });

    after(async () => {
        await local?.stop();
        await new Promise((resolve) => upstream?.close(resolve));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("runs the customer API's handler behind its Lambda proxy integration", async () => {
        const reply = await get(local, "/c360/customer/42", acme);
        assert.equal(reply.status, 200, reply.body ?? reply.error?.message);
        assert.equal(JSON.parse(reply.body ?? "null").id, "42");
    });

    it("sends the orders API's http_proxy call to its localUrl with the path, query and mapped certificate serial", async () => {
        const before = received.length;
        const reply = await get(local, "/orders/orders/o-5?expand=lines", acme);
        assert.equal(reply.status, 200, reply.body ?? reply.error?.message);
        assert.deepEqual(JSON.parse(reply.body ?? "null"), { served: "/orders/o-5?expand=lines" });
        const [call] = received.slice(before);
        assert.deepEqual([call?.method, call?.url], ["GET", "/orders/o-5?expand=lines"]);
        assert.equal(call?.headers["x-client-cert-serial"], colonHex(new X509Certificate(acme.cert).serialNumber));
    });

    it("passes a call to an API deployed elsewhere to its localUrl", async () => {
        const before = received.length;
        const reply = await get(local, "/billing/invoices/7", acme);
        assert.equal(reply.status, 200, reply.body ?? reply.error?.message);
        assert.deepEqual(received.slice(before).map((r) => [r.method, r.url]), [["GET", "/billing-service/invoices/7"]]);
    });

    it("answers a partner whose access does not name the API as API Gateway answers the authorizer's Deny, and lets it call the API it may", async () => {
        const before = received.length;
        const orders = await get(local, "/orders/orders/o-5", initech);
        const billing = await get(local, "/billing/invoices/7", initech);
        const customer = await get(local, "/c360/customer/42", initech);
        const denied = { Message: "User is not authorized to access this resource with an explicit deny" };
        assert.deepEqual([orders.status, JSON.parse(orders.body ?? "null")], [403, denied]);
        assert.deepEqual([billing.status, JSON.parse(billing.body ?? "null")], [403, denied]);
        assert.equal(customer.status, 200, customer.body);
        assert.equal(received.length, before, "no upstream heard of the denied calls");
    });

    it("answers 502 for an API deployed elsewhere without a localUrl, naming the key to set", async () => {
        const reply = await get(local, "/ledger/entries", acme);
        assert.equal(reply.status, 502, reply.body);
        assert.match(JSON.parse(reply.body ?? "null").message, /set apigw-mtls:apis\.ledger\.localUrl to where it runs on this machine/);
    });
});
