import { strict as assert } from "node:assert";
import { DnsAlias } from "../../components/dns-alias";
import { allOf, captureResources } from "../helpers/outputs";

describe("components", () => {
    before(async () => {
        await captureResources();
    });

    describe("DnsAlias", () => {
        const args = { zoneId: "Z123", name: "api.example.com", targetName: "d-abc.execute-api.eu-west-1.amazonaws.com", targetZoneId: "ZLY8HYME6SFDD" };

        it("aliases the name to the domain's regional name and zone with an A record", async () => {
            const capture = await captureResources();
            new DnsAlias("a", args);
            const records = allOf(await capture.settled(), "aws:route53/record:Record");
            assert.deepEqual(records.map((r) => r.inputs.type), ["A"]);
            assert.deepEqual(records[0].inputs.aliases, [{ name: args.targetName, zoneId: args.targetZoneId, evaluateTargetHealth: false }]);
            assert.equal(records[0].inputs.zoneId, "Z123");
        });

        it("adds an AAAA alias for a dual-stack domain", async () => {
            const capture = await captureResources();
            new DnsAlias("a", { ...args, ipv6: true });
            const records = allOf(await capture.settled(), "aws:route53/record:Record");
            assert.deepEqual(records.map((r) => r.inputs.type).sort(), ["A", "AAAA"]);
        });
    });
});
