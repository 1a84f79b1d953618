import * as assert from "node:assert/strict";
import { defaultLimits, UsageLimits } from "../../../core/usage/limits";
import { Admission, PartnerLimiter, periodStart } from "../../../tools/local/rate-limit";

const tooMany: Admission = { allowed: false, status: 429, body: '{"message":"Too Many Requests"}' };
const limitExceeded: Admission = { allowed: false, status: 429, body: '{"message":"Limit Exceeded"}' };
const allowed: Admission = { allowed: true };

const limits = (rateLimit: number, burstLimit: number, quota: UsageLimits["quota"] = defaultLimits.quota): UsageLimits =>
    ({ throttle: { rateLimit, burstLimit }, quota });

/** A clock the test moves by hand; starts on Wednesday 2026-01-07, 12:00 UTC. */
function clock(start = Date.UTC(2026, 0, 7, 12)) {
    let now = start;
    return { now: () => now, set: (at: number) => { now = at; }, advance: (ms: number) => { now += ms; } };
}

const takeMany = (limiter: PartnerLimiter, partner: string, count: number) => Array.from({ length: count }, () => limiter.take(partner));

describe("local per-partner limiter", () => {
    it("lets a partner with a burst of 2 send 2 of a burst of 10 and answers the rest 429 Too Many Requests, while another partner's 10 all succeed", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ initech: limits(1, 2), "acme-bank": defaultLimits }, time);
        const initech = takeMany(limiter, "initech", 10);
        const acme = takeMany(limiter, "acme-bank", 10);
        assert.deepEqual(initech, [allowed, allowed, ...Array(8).fill(tooMany)]);
        assert.deepEqual(acme, Array(10).fill(allowed));
    });

    it("refills the bucket at rateLimit per second, up to burstLimit", () => {
        const time = clock();
        const limiter = new PartnerLimiter(new Map([["initech", limits(2, 4)]]), time);
        assert.equal(takeMany(limiter, "initech", 5).filter(a => a.allowed).length, 4);
        time.advance(499);
        assert.deepEqual(limiter.take("initech"), tooMany, "less than one token after 499 ms at 2/s");
        time.advance(1);
        assert.deepEqual(limiter.take("initech"), allowed, "one token after 500 ms");
        time.advance(60_000);
        assert.deepEqual(takeMany(limiter, "initech", 5).map(a => a.allowed), [true, true, true, true, false], "a minute refills the bucket to 4, not 120");
    });

    it("refills a fractional rate: 0.5 requests/s is one request every two seconds", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ slow: limits(0.5, 1) }, time);
        assert.deepEqual(takeMany(limiter, "slow", 2), [allowed, tooMany]);
        time.advance(1_999);
        assert.deepEqual(limiter.take("slow"), tooMany);
        time.advance(1);
        assert.deepEqual(limiter.take("slow"), allowed);
    });

    it("answers 429 Limit Exceeded past the quota, and resets it at the next UTC day", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ initech: limits(100, 100, { limit: 3, period: "DAY" }), "acme-bank": limits(100, 100, { limit: 3, period: "DAY" }) }, time);
        assert.deepEqual(takeMany(limiter, "initech", 4), [allowed, allowed, allowed, limitExceeded]);
        assert.deepEqual(takeMany(limiter, "acme-bank", 3), [allowed, allowed, allowed], "another partner's quota is its own");
        time.set(Date.UTC(2026, 0, 7, 23, 59, 59, 999));
        assert.deepEqual(limiter.take("initech"), limitExceeded, "still the same day");
        time.set(Date.UTC(2026, 0, 8));
        assert.deepEqual(takeMany(limiter, "initech", 4), [allowed, allowed, allowed, limitExceeded], "a new day, a new quota");
    });

    it("counts no quota for a request throttled past the burst", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ initech: limits(1, 1, { limit: 2, period: "DAY" }) }, time);
        assert.deepEqual(takeMany(limiter, "initech", 5), [allowed, ...Array(4).fill(tooMany)]);
        time.advance(1_000);
        assert.deepEqual(takeMany(limiter, "initech", 2), [allowed, limitExceeded], "the four throttled requests left the second of two allowed");
    });

    it("takes no token for a request refused past the quota", () => {
        const time = clock(Date.UTC(2026, 0, 7, 23, 59, 59));
        const limiter = new PartnerLimiter({ initech: limits(0.5, 2, { limit: 1, period: "DAY" }) }, time);
        assert.deepEqual(takeMany(limiter, "initech", 4), [allowed, limitExceeded, limitExceeded, limitExceeded]);
        time.advance(1_000);
        assert.deepEqual(limiter.take("initech"), allowed, "at midnight the bucket still holds the token the refused requests did not take, and half a token more");
    });

    it("resets a WEEK quota on Sunday and a MONTH quota on the 1st, in UTC", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ weekly: limits(10, 10, { limit: 1, period: "WEEK" }), monthly: limits(10, 10, { limit: 1, period: "MONTH" }) }, time);
        assert.deepEqual([...takeMany(limiter, "weekly", 2), ...takeMany(limiter, "monthly", 2)], [allowed, limitExceeded, allowed, limitExceeded]);
        time.set(Date.UTC(2026, 0, 10, 23));
        assert.deepEqual(limiter.take("weekly"), limitExceeded, "Saturday 2026-01-10 is still the week that began on Sunday the 4th");
        time.set(Date.UTC(2026, 0, 11));
        assert.deepEqual(limiter.take("weekly"), allowed, "Sunday 2026-01-11 starts a new week");
        time.set(Date.UTC(2026, 0, 31, 23));
        assert.deepEqual(limiter.take("monthly"), limitExceeded, "still January");
        time.set(Date.UTC(2026, 1, 1));
        assert.deepEqual(limiter.take("monthly"), allowed, "February starts a new month");
    });

    it("finds the start of each kind of period in UTC", () => {
        const wednesday = Date.UTC(2026, 0, 7, 12, 30);
        assert.equal(periodStart({ limit: 1, period: "DAY" }, wednesday), Date.UTC(2026, 0, 7));
        assert.equal(periodStart({ limit: 1, period: "WEEK" }, wednesday), Date.UTC(2026, 0, 4), "Sunday");
        assert.equal(periodStart({ limit: 1, period: "MONTH" }, wednesday), Date.UTC(2026, 0, 1));
    });

    it("does not drain the bucket when the clock steps back", () => {
        const time = clock();
        const limiter = new PartnerLimiter({ initech: limits(1, 2) }, time);
        assert.deepEqual(limiter.take("initech"), allowed);
        time.advance(-60_000);
        assert.deepEqual(limiter.take("initech"), allowed);
        assert.deepEqual(limiter.take("initech"), tooMany);
    });

    it("keeps one entry per partner it was given and refuses any other", () => {
        const limiter = new PartnerLimiter({ initech: defaultLimits, "acme-bank": defaultLimits }, clock());
        assert.throws(() => limiter.take("mallory"), /^RangeError: no usage limits for partner "mallory"; the limiter knows initech, acme-bank$/);
        assert.throws(() => limiter.describe("mallory"), RangeError);
        assert.deepEqual(limiter.partners, ["initech", "acme-bank"]);
    });

    it("describes a partner's limits in one line for npm run local, under another label when given", () => {
        const limiter = new PartnerLimiter({
            "acme-bank": defaultLimits,
            initech: limits(0.5, 1, { limit: 500, period: "WEEK" }),
            "plan/key": limits(10_000, 5_000, { limit: Number.POSITIVE_INFINITY, period: "DAY" }),
        }, clock());
        assert.equal(limiter.describe("acme-bank"), "acme-bank: 50 requests/s, burst 100, 100000 per DAY");
        assert.equal(limiter.describe("initech"), "initech: 0.5 requests/s, burst 1, 500 per WEEK");
        assert.equal(limiter.describe("plan/key", "globex"), "globex: 10000 requests/s, burst 5000, no quota");
    });
});
