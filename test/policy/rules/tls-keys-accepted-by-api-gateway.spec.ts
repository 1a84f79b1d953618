import * as assert from "node:assert/strict";
import { tlsKeysAcceptedByApiGateway as policy } from "../../../policy/rules/tls-keys-accepted-by-api-gateway";
import { messages, resource, unknownValue } from "../../helpers/policy-args";

const key = (props: Record<string, unknown>) => resource("tls:index/privateKey:PrivateKey", "root-key", props);

describe("policy tls-keys-accepted-by-api-gateway", () => {
    it("accepts ECDSA P-256 and P-384, and RSA of 2048 bits or more (2048 when rsaBits is omitted)", async () => {
        const keys = [
            key({ algorithm: "ECDSA", ecdsaCurve: "P256" }),
            key({ algorithm: "ECDSA", ecdsaCurve: "P384" }),
            key({ algorithm: "RSA", rsaBits: 4096 }),
            key({ algorithm: "RSA" }),
        ];
        assert.deepEqual(await messages(policy, keys), []);
    });

    it("rejects an ECDSA key without ecdsaCurve, which tls.PrivateKey makes P-224", async () => {
        assert.deepEqual(await messages(policy, key({ algorithm: "ECDSA" })), [
            'tls:index/privateKey:PrivateKey "root-key": ecdsaCurve is omitted (tls.PrivateKey then uses P224); set ecdsaCurve to P256 or P384',
        ]);
    });

    it("rejects P-521", async () => {
        assert.match((await messages(policy, key({ algorithm: "ECDSA", ecdsaCurve: "P521" })))[0], /ecdsaCurve is P521; set ecdsaCurve to P256 or P384/);
    });

    it("rejects RSA below 2048 bits", async () => {
        assert.match((await messages(policy, key({ algorithm: "RSA", rsaBits: 1024 })))[0], /rsaBits is 1024; set rsaBits to 2048 or more/);
    });

    it("rejects Ed25519", async () => {
        assert.match((await messages(policy, key({ algorithm: "ED25519" })))[0],
            /algorithm is ED25519, which API Gateway does not accept; use algorithm ECDSA with ecdsaCurve P256 or P384, or RSA with rsaBits 2048 or more/);
    });

    it("takes the minimum RSA size and the curves from config", async () => {
        const config = { minRsaBits: 3072, allowedEcdsaCurves: ["P384"] };
        assert.equal((await messages(policy, [key({ algorithm: "RSA", rsaBits: 2048 }), key({ algorithm: "ECDSA", ecdsaCurve: "P256" })], config)).length, 2);
    });

    it("skips values that are unknown during preview", async () => {
        assert.deepEqual(await messages(policy, [key({ algorithm: unknownValue }), key({ algorithm: "RSA", rsaBits: unknownValue }), key({ algorithm: "ECDSA", ecdsaCurve: unknownValue })]), []);
    });
});
