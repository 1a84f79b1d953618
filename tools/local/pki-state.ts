// The stack's PKI as local mode keeps it between starts, the way a deployed stack's state keeps
// it between `pulumi up`s: each tls resource the program declares is stored by URN with a hash of
// its inputs, and is made again only where the program changed it (a new partner, generation or
// CA generation, another subject or validity), where it is due for renewal, or with --fresh.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { tlsResource, TlsMaker, TlsProps } from "../simulator/tls";
import { LocalError, writeSecret } from "./folder";

/**
 * The one input of a tls resource that does not force its replacement: a changed
 * `early_renewal_hours` is updated in place (terraform-provider-tls,
 * internal/provider/resource_self_signed_cert.go and resource_locally_signed_cert.go: every other
 * attribute is RequiresReplace).
 */
const UPDATED_IN_PLACE = "earlyRenewalHours";

/** One stored resource: what it was made from (as a hash) and what it computed. */
interface StoredResource {
    readonly type: string;
    /** SHA-256 of the inputs that force replacement; the inputs themselves hold private keys. */
    readonly inputsHash: string;
    /** The computed outputs only: the inputs are the program's to give again. */
    readonly outputs: TlsProps;
}

interface StateFile {
    readonly version: 1;
    /** By URN. */
    readonly resources: Record<string, StoredResource>;
}

/** What a start did to each tls resource, as `pulumi up` would report it. */
export type PkiChange = "kept" | "created" | "replaced" | "dropped";

/** The JSON of `value` with object keys sorted, so that equal inputs hash alike. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) {
        return `[${value.map(canonical).join(",")}]`;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/**
 * The hash of the inputs that force replacement. The real provider, too, keeps only "an
 * irreversible secure hash of the private key" it is given (its private_key_pem description).
 */
export function inputsHash(type: string, inputs: TlsProps): string {
    const { [UPDATED_IN_PLACE]: _inPlace, ...replacing } = inputs;
    return createHash("sha256").update(`${type}\n${canonical(replacing)}`).digest("hex");
}

/**
 * A certificate past its validity end, less `earlyRenewalHours`, is gone for the provider: its
 * `ready_for_renewal` makes the next update replace it (terraform-provider-tls,
 * internal/provider/common_cert.go, modifyPlanIfCertificateReadyForRenewal).
 */
function dueForRenewal(inputs: TlsProps, outputs: TlsProps, now: Date): boolean {
    if (typeof outputs.validityEndTime !== "string") {
        return false;
    }
    const renewAt = Date.parse(outputs.validityEndTime) - Number(inputs[UPDATED_IN_PLACE] ?? 0) * 3600_000;
    return renewAt <= now.getTime();
}

function isStateFile(value: unknown): value is StateFile {
    const state = value as Partial<StateFile> | null;
    return state?.version === 1 && typeof state.resources === "object" && state.resources !== null
        && Object.values(state.resources).every((r: Partial<StoredResource> | null) => typeof r?.type === "string" && typeof r.inputsHash === "string" && typeof r.outputs === "object" && r.outputs !== null);
}

export class PkiState {
    private readonly current = new Map<string, StoredResource>();
    private readonly changes = new Map<string, PkiChange>();

    private constructor(readonly file: string, private readonly stored: Readonly<Record<string, StoredResource>>, private readonly now: () => Date) {}

    /**
     * The state in `file`; none when it does not exist or `fresh` is set. A file that is not one
     * is refused, never silently replaced: the partners' certificates of the stack depend on it.
     */
    static load(file: string, options: { fresh?: boolean; now?: () => Date } = {}): PkiState {
        const now = options.now ?? (() => new Date());
        if (options.fresh || !fs.existsSync(file)) {
            return new PkiState(file, {}, now);
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (error) {
            throw new LocalError(`${file} is not local mode's PKI state (${error instanceof SyntaxError ? "not JSON" : (error as Error).message}); restore it, or start with --fresh for a new PKI (new keys and certificates for every partner)`);
        }
        if (!isStateFile(parsed)) {
            throw new LocalError(`${file} is not local mode's PKI state (no version 1 resources); restore it, or start with --fresh for a new PKI (new keys and certificates for every partner)`);
        }
        return new PkiState(file, parsed.resources, now);
    }

    /** Makes the program's tls resources: the stored one where its inputs are unchanged, a new one otherwise. */
    readonly make: TlsMaker = async (urn, type, inputs) => {
        const hash = inputsHash(type, inputs);
        const known = this.stored[urn];
        if (known && known.type === type && known.inputsHash === hash && !dueForRenewal(inputs, known.outputs, this.now())) {
            this.current.set(urn, known);
            this.changes.set(urn, "kept");
            return { ...inputs, ...known.outputs };
        }
        const state = await tlsResource(type, inputs);
        const outputs = Object.fromEntries(Object.entries(state).filter(([key, value]) => !(key in inputs && isDeepStrictEqual(inputs[key], value))));
        this.current.set(urn, { type, inputsHash: hash, outputs });
        this.changes.set(urn, known ? "replaced" : "created");
        return state;
    };

    /** What this start did, by URN: the resources the program declared, and those stored that it no longer declares. */
    summary(): ReadonlyMap<string, PkiChange> {
        const all = new Map(this.changes);
        Object.keys(this.stored).filter((urn) => !this.current.has(urn)).forEach((urn) => all.set(urn, "dropped"));
        return all;
    }

    /** Writes what the program declared this start, readable by its owner only; what it no longer declares is dropped. */
    save(): void {
        fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
        const state: StateFile = { version: 1, resources: Object.fromEntries(this.current) };
        // Written whole, then renamed into place: a stop halfway leaves the previous state.
        const draft = `${this.file}.${process.pid}`;
        writeSecret(draft, JSON.stringify(state, null, 1));
        fs.renameSync(draft, this.file);
    }
}
