import * as assert from "node:assert/strict";
import {
    defaultLimits, effectiveLimits, parseQuota, parseThrottle, parseUsageLimits, PartnerLimits, planGroups, planKey, UsageLimitError,
} from "../../../core/usage/limits";
import { refusal } from "../../helpers/usage-refusal";
import { configDefaults } from "../../../core/config/keys";

/** `others` partners with defaults, then initech with `fields`. */
const partner = (others: number, fields: Record<string, unknown>) => {
    const partners = Object.fromEntries(Array.from({ length: others }, (_, i) => [`partner-${i}`, {}]));
    return { partners: { ...partners, initech: fields } };
};

describe("usage limits", () => {
    it("names every limit that cannot work in one error, one a line: the stack's and each partner's", () => {
        try {
            parseUsageLimits({
                throttle: { rateLimit: 0, burstLimit: 10 },
                partners: { "acme-bank": { quota: { limit: 0, period: "DAY" } }, globex: {}, initech: { throttle: { rateLimit: 5 } } },
            });
            assert.fail("accepted the limits");
        } catch (e) {
            assert.ok(e instanceof UsageLimitError, String(e));
            assert.deepEqual(e.message.split("\n").map((line) => line.split(" ")[0]),
                ["apigw-mtls:throttle.rateLimit", "apigw-mtls:partners.acme-bank.quota.limit", "apigw-mtls:partners.initech.throttle.burstLimit"]);
        }
    });

    describe("defaults", () => {
        it("gives every partner 50 requests/s, a burst of 100 and 100,000 a day when the stack sets nothing", () => {
            assert.deepEqual(defaultLimits, { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 100_000, period: "DAY" } });
            const { defaults, partners } = parseUsageLimits({ partners: { "acme-bank": {} } });
            assert.deepEqual(defaults, defaultLimits);
            assert.deepEqual(partners, [{ name: "acme-bank", ...defaultLimits }]);
        });

        it("reads them from the config table, the one place the keys' defaults are written", () => {
            assert.deepEqual(defaultLimits, { throttle: JSON.parse(configDefaults.throttle ?? "null"), quota: JSON.parse(configDefaults.quota ?? "null") });
        });

        it("stays well below the account's own 10,000 requests/s and 5,000 burst", () => {
            assert.ok(defaultLimits.throttle.rateLimit * 50 <= 2_500, "fifty partners at full rate fit inside the smaller regional limit of 2,500/s");
            assert.ok(defaultLimits.throttle.burstLimit * 50 <= 5_000, "and their bursts inside the account's bucket");
        });
    });

    describe("parsing", () => {
        it("reads the stack default and a partner's override, each replacing the default as a whole", () => {
            const { defaults, partners } = parseUsageLimits({
                throttle: { rateLimit: 20, burstLimit: 40 },
                quota: { limit: 5000, period: "WEEK" },
                partners: { "acme-bank": {}, initech: { throttle: { rateLimit: 0.5, burstLimit: 1 } }, globex: { quota: { limit: 10, period: "MONTH" } } },
            });
            assert.deepEqual(defaults, { throttle: { rateLimit: 20, burstLimit: 40 }, quota: { limit: 5000, period: "WEEK" } });
            assert.deepEqual(partners, [
                { name: "acme-bank", ...defaults },
                { name: "initech", throttle: { rateLimit: 0.5, burstLimit: 1 }, quota: defaults.quota },
                { name: "globex", throttle: defaults.throttle, quota: { limit: 10, period: "MONTH" } },
            ]);
        });

        it("reads top-level keys given as JSON text, numbers given as strings, and a period in lower case", () => {
            const { defaults } = parseUsageLimits({ throttle: '{"rateLimit":"10","burstLimit":"20"}', quota: '{"limit":1000,"period":"day"}' });
            assert.deepEqual(defaults, { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: "DAY" } });
        });

        it("accepts a burst equal to the rate, and each period", () => {
            assert.deepEqual(parseThrottle({ rateLimit: 5, burstLimit: 5 }, "throttle"), { rateLimit: 5, burstLimit: 5 });
            for (const period of ["DAY", "WEEK", "MONTH"] as const) {
                assert.deepEqual(parseQuota({ limit: 1, period }, "quota"), { limit: 1, period });
            }
        });
    });

    describe("refusals, one line naming the key, the value and the fix", () => {
        it("refuses a burst below the rate", () => {
            assert.equal(refusal(() => parseUsageLimits(partner(1, { throttle: { rateLimit: 10, burstLimit: 5 } }))),
                "apigw-mtls:partners.initech.throttle.burstLimit is 5, below rateLimit 10, so the partner could never reach its rate; " +
                "set burstLimit to 10 or more (twice the rate is usual)");
        });

        it("refuses a burst that is not a whole number", () => {
            assert.equal(refusal(() => parseUsageLimits(partner(1, { throttle: { rateLimit: 1, burstLimit: 1.5 } }))),
                "apigw-mtls:partners.initech.throttle.burstLimit is 1.5, not a whole number; set it to a whole number of requests, 1 (rateLimit) or more");
        });

        it("refuses a negative burst or rate, and a rate of 0", () => {
            assert.match(refusal(() => parseThrottle({ rateLimit: 10, burstLimit: -1 }, "throttle")), /^apigw-mtls:throttle.burstLimit is -1, below 0; /);
            assert.match(refusal(() => parseThrottle({ rateLimit: -5, burstLimit: 10 }, "throttle")),
                /^apigw-mtls:throttle.rateLimit is -5, below 0; set it to the requests per second the partner may send, above 0/);
            assert.match(refusal(() => parseThrottle({ rateLimit: 0, burstLimit: 10 }, "throttle")), /^apigw-mtls:throttle.rateLimit is 0, which refuses every request; /);
        });

        it("refuses a limit that is not a number", () => {
            assert.equal(refusal(() => parseUsageLimits({ throttle: { rateLimit: "fast", burstLimit: 10 } })),
                'apigw-mtls:throttle.rateLimit is "fast", not a number; set it to a number of requests per second');
            assert.match(refusal(() => parseUsageLimits({ quota: { limit: true, period: "DAY" } })), /^apigw-mtls:quota.limit is true, not a number; /);
        });

        it("refuses an unknown period, naming the valid ones", () => {
            assert.equal(refusal(() => parseUsageLimits(partner(2, { quota: { limit: 100, period: "HOUR" } }))),
                'apigw-mtls:partners.initech.quota.period is "HOUR", not a quota period; set it to one of DAY, WEEK, MONTH');
        });

        it("refuses an unknown field, naming the closest known one", () => {
            assert.equal(refusal(() => parseUsageLimits(partner(1, { throttle: { rateLimit: 1, burstlimit: 2 } }))),
                "apigw-mtls:partners.initech.throttle.burstlimit is not a field of throttle (the closest is burstLimit); rename it, or remove it (the fields are rateLimit, burstLimit)");
            assert.match(refusal(() => parseUsageLimits({ quota: { limit: 1, period: "DAY", limt: 0 } })), /quota.limt is not a field of quota \(the closest is limit\)/);
        });

        it("refuses a quota limit that is not a positive whole number", () => {
            for (const limit of [0, -3, 2.5]) {
                assert.equal(refusal(() => parseUsageLimits({ quota: { limit, period: "DAY" } })),
                    `apigw-mtls:quota.limit is ${limit}, not a positive whole number; set it to the requests allowed per period, 1 or more`);
            }
        });

        it("refuses an offset, which AWS's reference and its older pages read two ways, whatever its value", () => {
            for (const offset of [0, 1, 7]) {
                assert.equal(refusal(() => parseUsageLimits({ quota: { limit: 1, period: "WEEK", offset } })),
                    `apigw-mtls:quota.offset is ${offset}, which this program does not take: AWS's API reference reads it as requests taken off ` +
                    "the limit in the first period, older pages as the day a period starts; remove it");
            }
            assert.match(refusal(() => parseUsageLimits(partner(2, { quota: { limit: 1, period: "DAY", offset: 0 } }))), /^apigw-mtls:partners\.initech\.quota\.offset is 0, /);
        });

        it("refuses a partner's override that leaves out a field, because it replaces the default as a whole", () => {
            assert.equal(refusal(() => parseUsageLimits(partner(0, { throttle: { rateLimit: 200 } }))),
                "apigw-mtls:partners.initech.throttle.burstLimit is omitted; set it, as in {rateLimit: 50, burstLimit: 100} " +
                "(a partner's throttle or quota replaces the stack default's as a whole)");
        });

        it("refuses limits that are not mappings, and partners that are not a map", () => {
            assert.match(refusal(() => parseUsageLimits({ throttle: "[1, 2]" })), /^apigw-mtls:throttle is \[1,2\], not a mapping; write it as \{rateLimit: 50, burstLimit: 100\}$/);
            assert.match(refusal(() => parseUsageLimits({ quota: "100000/day" })), /^apigw-mtls:quota is "100000\/day", not a YAML mapping or list; /);
            assert.match(refusal(() => parseUsageLimits({ partners: [{ name: "acme-bank" }] })), /^apigw-mtls:partners is \[\{"name":"acme-bank"\}\], not a map; /);
            assert.match(refusal(() => parseUsageLimits({ partners: { "acme-bank": 5 } })), /^apigw-mtls:partners\.acme-bank is 5; write each partner as a YAML mapping /);
        });
    });

    describe("effective limits", () => {
        it("takes the partner's throttle and quota where set, the stack's elsewhere", () => {
            const throttle = { rateLimit: 1, burstLimit: 2 };
            assert.deepEqual(effectiveLimits(defaultLimits, { throttle }), { throttle, quota: defaultLimits.quota });
            assert.deepEqual(effectiveLimits(defaultLimits), defaultLimits);
        });
    });

    describe("plan groups", () => {
        const slow = { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 10_000, period: "DAY" as const } };
        const weekly = { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 10_000, period: "WEEK" as const } };
        const partners: PartnerLimits[] = [
            { name: "initech", ...defaultLimits },
            { name: "vandelay", ...slow },
            { name: "acme-bank", ...defaultLimits },
            { name: "globex", ...weekly },
            { name: "hooli", ...slow },
        ];

        it("puts partners with the same limits in one plan, with a key derived from the limits", () => {
            assert.deepEqual(planGroups(partners), [
                { key: "r10-b20-q10000-day", ...slow, partners: ["hooli", "vandelay"] },
                { key: "r10-b20-q10000-week", ...weekly, partners: ["globex"] },
                { key: "r50-b100-q100000-day", ...defaultLimits, partners: ["acme-bank", "initech"] },
            ]);
        });

        it("does not depend on the order of the partners", () => {
            assert.deepEqual(planGroups([...partners].reverse()), planGroups(partners));
        });

        it("keys a fractional rate without a dot", () => {
            assert.equal(planKey({ throttle: { rateLimit: 0.5, burstLimit: 1 }, quota: { limit: 10, period: "MONTH" } }), "r0p5-b1-q10-month");
        });
    });
});
