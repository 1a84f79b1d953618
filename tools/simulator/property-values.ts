import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * Property values as Pulumi's RPC layer hands them to mocks and to resource providers: a secret
 * is `{<signature key>: <secret signature>, value}` (assets and archives carry other signatures).
 */

type Wire = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Wire =>
    !!value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;

/** Whether a value is a secret as serialized. */
export function isSecret(value: unknown): boolean {
    return isPlainObject(value) && value[specialSigKey] === specialSecretSig;
}

/** A value serialized as a secret. */
export function secret(value: unknown): Wire {
    return { [specialSigKey]: specialSecretSig, value };
}

/**
 * The values inside every secret, at any depth; resources compute with the values. The wire
 * types do not mark secrets, so the shape is the same before and after.
 */
export function unwrapSecrets<T>(value: T): T {
    return unwrap(value) as T;
}

function unwrap(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrap);
    }
    // Assets, archives and resources keep their own shape.
    if (isPlainObject(value)) {
        if (isSecret(value)) {
            return unwrap(value.value);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    }
    return value;
}
