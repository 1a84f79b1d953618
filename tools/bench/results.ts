// The bench's results: what .local/bench/results.json holds, the targets they are judged on, and the
// tables printed from them.
import { Cell, formatTable } from "../cli/table";
import type { CdkResult } from "./cdk-case";
import { EngineCase, engineLabel, EngineResult, oneBucket } from "./engine-case";
import type { PackEntry, PackStartResult } from "./pack-start";
import type { HarnessName } from "./harness";
import type { ProgramCase, ProgramResult } from "./program-case";
import type { RulesCase, RulesResult } from "./rules-case";

export const sections = ["program", "rules", "local", "pack", "cdk", "engine", "tests"] as const;
export type Section = (typeof sections)[number];
export interface ProgramRow extends ProgramCase, Partial<ProgramResult> {
    readonly harness: HarnessName;
}

export interface EngineRow extends EngineCase, EngineResult {
    /** The same stack under mocks, in a process of its own under ts-node (as Pulumi's language host runs this project). */
    readonly mocks?: Partial<ProgramResult>;
}

export interface LocalFigures {
    readonly requests: number;
    /** Server CPU per request: what the server would sustain with a core to itself, whatever the load generator manages. */
    readonly serverCpuMsPerRequest: number;
    /** Server CPU over wall time while loaded: near 1, the server was the bottleneck; well below, the load generator was. */
    readonly serverBusy: number;
    readonly failed: number;
    readonly failure?: string;
    /** Responses by HTTP status. */
    readonly statuses: Record<string, number>;
    readonly perSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
}

export interface Results {
    machine: {
        cpus: number;
        cpuModel: string;
        memoryMb: number;
        node: string;
        platform: string;
        date: string;
        loadAverageStart: number[];
        loadAverageEnd?: number[];
    };
    options: { quick: boolean; only: readonly Section[]; harnesses: readonly HarnessName[] };
    harnesses: Record<string, string>;
    compileMs?: number;
    program?: ProgramRow[];
    rules?: (RulesCase & Partial<RulesResult> & { error?: string })[];
    /** Local mode called by a partner it never throttles (against bare https) and by one it throttles (the 429 path). */
    local?: { stack: string; localStartMs?: number; rounds: number; concurrency: number; bare?: LocalFigures; local?: LocalFigures; throttled?: LocalFigures; ratio?: number; cpuRatio?: number; error?: string };
    /** The policy pack's analyzer, spawn to ready, as it runs now (bundle) and from its TypeScript sources. */
    pack?: { runs: Partial<Record<PackEntry, PackStartResult>>; error?: string };
    /** The dev stack: the program plus the pack under mocks, and the same stack in the CDK under cdk-nag, each spawn to exit. */
    cdk?: { harness: HarnessName; ours?: { wallMs: number; resources: number }; cdk?: CdkResult; ratio?: number; error?: string };
    /** The program under the real CLI; `skipped` says why it did not run. */
    engine?: { label: string; skipped?: string; cases: EngineRow[] };
    tests?: { wallMs: number; exitCode: number | null; summary: string };
    targets?: { target: string; limit: string; value: string; holds: boolean | null }[];
}

export const caseName = (c: ProgramCase) =>
    c.external === 0 ? `${c.generated} generated` : c.generated === 0 ? `${c.external} external CAs` : `${c.generated} generated, ${c.external} external CAs`;

export const engineCaseName = (c: EngineCase) =>
    c.program === oneBucket ? "one bucket, Pulumi's defaults (no pack)" : c.generated === undefined ? "dev stack as in the repository" : `dev stack, ${c.generated} generated partners`;

export function round(value: number, digits: number): number {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
}

/** The issue's targets, judged on the first harness (by default the compiled one). */
export function targets(results: Results): NonNullable<Results["targets"]> {
    const list: NonNullable<Results["targets"]> = [];
    const judge = (target: string, limit: string, value: number | undefined, holds: (v: number) => boolean, unit: string, failed = false) =>
        list.push(failed
            ? { target, limit, value: "failed", holds: false }
            : { target, limit, value: value === undefined || Number.isNaN(value) ? "n/a" : `${round(value, 2)}${unit}`, holds: value === undefined || Number.isNaN(value) ? null : holds(value) });
    const first = results.options.harnesses[0];
    if (results.engine) {
        const dev = results.engine.cases.find((c) => c.program === undefined && c.generated === undefined);
        const bucket = results.engine.cases.find((c) => c.program === oneBucket);
        const seconds = (ms?: number) => (ms === undefined ? undefined : ms / 1000);
        judge("pulumi preview --policy-pack policy, dev stack", "<= 5 s", seconds(dev?.previewMs), (v) => v <= 5, " s", dev?.error !== undefined);
        judge("the same / preview of one bucket with Pulumi's defaults", "<= 0.7x", dev?.previewMs && bucket?.previewMs ? dev.previewMs / bucket.previewMs : undefined, (v) => v <= 0.7, "x", dev?.error !== undefined || bucket?.error !== undefined);
        judge("pulumi up / pulumi preview, dev stack", "<= 2x", dev?.upMs && dev.previewMs ? dev.upMs / dev.previewMs : undefined, (v) => v <= 2, "x", dev?.error !== undefined);
    }
    if (results.pack) {
        const bundle = results.pack.runs.bundle;
        judge("policy pack ready after its analyzer starts", "<= 1 s", bundle ? bundle.readyMs / 1000 : undefined, (v) => v <= 1, " s", results.pack.error !== undefined && !bundle);
    }
    if (results.cdk) {
        judge(`program + pack under mocks / CDK synth + cdk-nag, dev stack (${results.cdk.harness})`, "<= 0.6x", results.cdk.ratio, (v) => v <= 0.6, "x", results.cdk.error !== undefined);
    }
    const row = (generated: number) => results.program?.find((r) => r.harness === first && r.generated === generated && r.external === 0);
    if (results.program) {
        const big = row(1000);
        const hundred = row(100);
        // A failed run's figures stop at the failure: they cannot meet a target.
        const failed = big?.error !== undefined || hundred?.error !== undefined;
        judge(`program, 1,000 partners (${first})`, "<= 10 s", big?.wallMs === undefined ? undefined : big.wallMs / 1000, (v) => v <= 10, " s", big?.error !== undefined);
        judge(`program, 1,000 partners, peak RSS (${first})`, "<= 1,536 MB", big?.peakRssMb, (v) => v <= 1536, " MB", big?.error !== undefined);
        judge(`program, linear: 1,000 / 100 partners time (${first})`, "<= 12x", big?.wallMs && hundred?.wallMs ? big.wallMs / hundred.wallMs : undefined, (v) => v <= 12, "x", failed);
        judge(`policy pack over 1,000 partners (${first})`, "<= 2 s", big?.pack ? big.pack.wallMs / 1000 : undefined, (v) => v <= 2, " s", big?.error !== undefined);
    }
    for (const rules of (results.rules ?? []).filter((r) => r.certificates === 1000)) {
        judge(`truststore rules, ${rules.certificates} ${rules.curve} CAs, first check`, "<= 1 s", rules.coldMs === undefined ? undefined : rules.coldMs / 1000, (v) => v <= 1, " s");
    }
    if (results.local) {
        const failed = results.local.error !== undefined;
        judge("local mode / bare https, requests per second", ">= 0.9", results.local.ratio, (v) => v >= 0.9, "", failed);
        judge("local mode / bare https, by server CPU per request", ">= 0.9", results.local.cpuRatio, (v) => v >= 0.9, "", failed);
        judge("local mode, failed requests (partner not throttled)", "0", results.local.local?.failed, (v) => v === 0, "", failed);
    }
    if (results.tests) {
        judge("npm test wall time", "<= 60 s", results.tests.wallMs / 1000, (v) => v <= 60, " s");
    }
    return list;
}

/** A bench table: names on the left, figures aligned on the right, a rule under the header. */
function benchTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
    return formatTable(header, rows, { align: header.map((_, i) => (i === 0 ? "left" : "right")), rule: true });
}

/** The results as the tables the bench prints. */
export function report(results: Results): string {
    const m = results.machine;
    const parts = [`${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, ${m.date}, load average at start ${m.loadAverageStart.join(" ")}`];
    if (results.program) {
        parts.push(benchTable(["program under mocks", "harness", "wall s", "CPU s", "peak RSS MB", "resources", "pack ms", "note"], results.program.map((r) => [
            caseName(r), r.harness, r.wallMs === undefined ? undefined : (r.wallMs / 1000).toFixed(2), r.cpuMs === undefined ? undefined : (r.cpuMs / 1000).toFixed(2),
            r.peakRssMb, r.resources, r.pack?.wallMs, r.error ? `FAILED: ${r.error.slice(0, 120)}` : r.pack ? `${r.pack.violations} violations (${r.pack.mandatory} mandatory)` : undefined,
        ])));
    }
    if (results.rules) {
        parts.push(benchTable(["truststore rules", "bundle KB", "first check ms", "later checks ms", "findings"], results.rules.map((r) => [
            `${r.certificates} ${r.curve} CAs`, r.bundleBytes === undefined ? undefined : Math.round(r.bundleBytes / 1024), r.coldMs, r.warmMs, r.error ? `FAILED: ${r.error}` : r.findings,
        ])));
    }
    if (results.local) {
        const l = results.local;
        const statuses = (f?: LocalFigures) => (f ? Object.entries(f.statuses).map(([status, n]) => `${n} x ${status}`).join(", ") : undefined);
        const row = (name: string, f?: LocalFigures) => [name, f?.requests, f?.perSecond, f?.p50Ms, f?.p99Ms, f?.serverCpuMsPerRequest, f?.serverBusy, statuses(f), f ? `${f.failed}${f.failure ? ` (${f.failure})` : ""}` : undefined];
        parts.push(l.error
            ? `local mode: FAILED: ${l.error}`
            : benchTable(["mTLS handshake + request", "requests", "per s", "p50 ms", "p99 ms", "server CPU ms/req", "server busy", "statuses", "failed"],
                [row("bare Node https", l.bare), row("local mode", l.local), row("local mode, throttled partner (429 path)", l.throttled)]) +
                `\nratio local/bare: ${l.ratio} requests per second, ${l.cpuRatio} by server CPU per request (local mode started in ${l.localStartMs} ms; alternating rounds: ${l.rounds}; connections at a time: ${l.concurrency})`);
    }
    if (results.pack) {
        const p = results.pack;
        const names: Record<PackEntry, string> = { bundle: "bundle (policy/run.cjs -> dist/index.js), as it runs now", sources: "TypeScript sources under ts-node, as it ran before" };
        parts.push(benchTable(["policy pack, spawn to ready", "ready ms", "CPU ms"], (Object.keys(names) as PackEntry[]).map((entry) => [names[entry], p.runs[entry]?.readyMs, p.runs[entry]?.cpuMs])) +
            (p.error ? `\npolicy pack: FAILED: ${p.error}` : ""));
    }
    if (results.cdk) {
        const c = results.cdk;
        parts.push(c.error
            ? `program + pack vs CDK + cdk-nag: FAILED: ${c.error}`
            : benchTable(["dev stack, spawn to exit", "wall s", "resources", "note"], [
                [`program + policy pack under mocks (${c.harness})`, c.ours ? (c.ours.wallMs / 1000).toFixed(2) : undefined, c.ours?.resources, undefined],
                ["AWS CDK synth + cdk-nag AwsSolutions", c.cdk ? (c.cdk.wallMs / 1000).toFixed(2) : undefined, c.cdk?.resources, c.cdk ? `${c.cdk.findings} findings` : undefined],
            ]) + `\nratio: ${c.ratio}`);
    }
    if (results.engine) {
        const e = results.engine;
        const seconds = (ms?: number) => (ms === undefined ? undefined : (ms / 1000).toFixed(2));
        parts.push(e.skipped
            ? `program under the ${engineLabel}: skipped: ${e.skipped}`
            : benchTable([`program under the ${engineLabel}`, "resources", "preview s", "preview CPU s", "up s", "up CPU s", "destroy s", "mocks s (ts-node)", "mocks pack ms", "note"], e.cases.map((c) => [
                engineCaseName(c), c.resources, seconds(c.previewMs), seconds(c.previewCpuMs), seconds(c.upMs), seconds(c.upCpuMs), seconds(c.destroyMs), seconds(c.mocks?.wallMs), c.mocks?.pack?.wallMs,
                c.error ? `FAILED: ${c.error.slice(0, 160)}` : c.mocks?.error ? `mocks FAILED: ${c.mocks.error.slice(0, 120)}` : c.mocks && c.mocks.resources !== c.resources ? `mocks declared ${c.mocks.resources} resources` : undefined,
            ])) + `\nPulumi CLI: ${e.cases.find((c) => c.cli)?.cli ?? "unknown"}; aws and tls are stand-ins, the cloud is not real (keys and certificates are). up previews again before it updates.`);
    }
    if (results.tests) {
        parts.push(`npm test: ${(results.tests.wallMs / 1000).toFixed(1)} s, exit ${results.tests.exitCode}, ${results.tests.summary}`);
    }
    if (results.targets?.length) {
        parts.push(benchTable(["target", "limit", "measured", "holds"], results.targets.map((t) => [t.target, t.limit, t.value, t.holds === null ? "n/a" : t.holds ? "yes" : "NO"])));
    }
    return parts.join("\n\n");
}
