import * as assert from "node:assert/strict";
import {
    checkUsageKeysFit, generatedKeyLength, parameterValueLimits, usageKeyShards, usageKeysValue, usagePlanQuotaWarning,
} from "../../../core/usage/keys";
import { refusal } from "../../helpers/usage-refusal";

/** The value a shard of these partners takes, their keys being generated ones. */
const valueOf = (partners: readonly string[]) => usageKeysValue(Object.fromEntries(partners.map((name) => [name, "k".repeat(generatedKeyLength)])));

describe("usage keys", () => {
    describe("shards", () => {
        it("puts every partner in one shard, the first, while their keys fit one Standard-tier value, and has one empty shard without partners", () => {
            assert.deepEqual(usageKeyShards(["globex", "acme-bank", "initech"]), [["acme-bank", "globex", "initech"]]);
            assert.deepEqual(usageKeyShards([]), [[]]);
        });

        it("fills a shard up to exactly 4,096 characters, and starts the next with the partner one character over", () => {
            // {"a…":"k…","b…":"k…"}: 93 characters besides the two names.
            const a = "a".repeat(2000);
            const exact = "b".repeat(4096 - 93 - 2000);
            assert.equal(valueOf([a, exact]).length, parameterValueLimits.Standard);
            assert.deepEqual(usageKeyShards([exact, a, "c"]), [[a, exact], ["c"]]);
            const over = `${exact}b`;
            assert.equal(valueOf([a, over]).length, parameterValueLimits.Standard + 1);
            assert.deepEqual(usageKeyShards([over, a, "c"]), [[a], [over, "c"]]);
        });

        it("takes a partner whose key alone fills 4,096 characters, and refuses one a character longer, naming it and the fix", () => {
            const fits = "x".repeat(4096 - 47);
            assert.equal(valueOf([fits]).length, 4096);
            assert.deepEqual(usageKeyShards(["acme-bank", fits]), [["acme-bank"], [fits]]);
            assert.equal(refusal(() => usageKeyShards(["acme-bank", `${fits}x`])),
                `apigw-mtls:partners.${"x".repeat(40)}...: the partner's name is 4050 characters, and with its usage key takes 4097 of the 4096 characters an SSM parameter of the Standard tier holds; shorten the name`);
        });

        it("splits 1,000 partners greedily and the same way whatever their order, each shard's value within 4,096 characters, each partner in one shard", () => {
            const partners = Array.from({ length: 1000 }, (_, i) => `partner-${String(i).padStart(4, "0")}`);
            const shards = usageKeyShards(partners);
            assert.deepEqual(usageKeyShards([...partners].reverse()), shards);
            assert.deepEqual(shards.flat(), partners, "sorted, each once");
            assert.ok(shards.every((shard) => valueOf(shard).length <= 4096));
            // Greedy: the next shard's first partner did not fit the one before.
            assert.ok(shards.slice(1).every((shard, i) => valueOf([...shards[i], shard[0]]).length > 4096));
            assert.equal(shards.length, 15);
        });
    });

    describe("what config refuses and warns about", () => {
        it("refuses more partners than API Gateway's 10,000 API keys per account and Region, and takes 10,000", () => {
            const partners = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
            assert.doesNotThrow(() => checkUsageKeysFit(partners(10_000)));
            assert.match(refusal(() => checkUsageKeysFit(partners(10_001))), /^apigw-mtls:partners has 10001 partners, each with an API key, above API Gateway's 10000 API keys per account per Region \(not adjustable\); split/);
        });

        it("warns beyond 300 usage plans, API Gateway's default quota, and names the quota to raise", () => {
            assert.equal(usagePlanQuotaWarning(300), undefined);
            assert.match(usagePlanQuotaWarning(301) ?? "", /^apigw-mtls:partners needs 301 usage plans .* request an increase of "Usage plans per account per Region" in Service Quotas/);
        });
    });
});
