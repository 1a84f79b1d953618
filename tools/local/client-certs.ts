// Client certificates as the local gateway sees them: API Gateway's verdict on each one (from the
// client verifier, cached per certificate fingerprint so that a connection costs a map lookup),
// and `requestContext.identity.clientCert` filled the way API Gateway fills it.
import { X509Certificate } from "node:crypto";
import { BoundedCache } from "../../core/cache";
import { ClientVerifier, createClientVerifier } from "../../core/truststore/client-verifier";

/** `requestContext.identity.clientCert` of a proxy or REQUEST authorizer event. */
export interface ClientCertIdentity {
    readonly clientCertPem: string;
    /** RFC 2253 form, most specific first: "CN=acme-bank.partners.example.com,O=Acme Bank". */
    readonly subjectDN: string;
    readonly issuerDN: string;
    /** Bytes in lower-case hex separated by colons: "a1:a1:..."; "-" before a negative serial. */
    readonly serialNumber: string;
    /** OpenSSL's time form: "May 28 12:30:02 2019 GMT". */
    readonly validity: { readonly notBefore: string; readonly notAfter: string };
}

/** Whether the gateway lets a certificate through, why, and who it is. */
export interface ClientCheck {
    readonly accepted: boolean;
    readonly reason: string;
    readonly identity: ClientCertIdentity;
}

/**
 * Node prints names one RDN a line, in certificate order, values already escaped as RFC 2253
 * wants; RFC 2253 (and OpenSSL's `-nameopt RFC2253`) lists them in reverse, comma-separated.
 * Exported for testing.
 */
export function rfc2253(nodeName: string): string {
    return nodeName
        .split("\n")
        .filter((line) => line !== "")
        .reverse()
        .map((rdn) => rdn.split(" + ").reverse().join("+"))
        .join(",");
}

/**
 * Node's upper-case hex serial as API Gateway writes it. A negative serial keeps Node's sign
 * ("-0A1B2C" is "-0a:1b:2c"), so that it reads back as the same serial. Exported for testing.
 */
export function colonHex(hexSerial: string): string {
    const sign = hexSerial.startsWith("-") ? "-" : "";
    const digits = hexSerial.slice(sign.length);
    const even = digits.length % 2 === 0 ? digits : `0${digits}`;
    return sign + (even.toLowerCase().match(/../g)?.join(":") ?? "");
}

export function clientCertIdentity(cert: X509Certificate): ClientCertIdentity {
    return {
        clientCertPem: cert.toString(),
        subjectDN: rfc2253(cert.subject),
        issuerDN: rfc2253(cert.issuer),
        serialNumber: colonHex(cert.serialNumber),
        validity: { notBefore: cert.validFrom, notAfter: cert.validTo },
    };
}

/** A verdict holds this long at most, so that time (expiry, not-yet-valid) is seen again. */
const VERDICT_TTL_MS = 60_000;
// Bounds the cache: a gateway meets few partners but may be probed with many certificates.
const CACHE_LIMIT = 10_000;

interface Cached {
    readonly until: number;
    value?: ClientCheck;
    readonly pending: Promise<ClientCheck>;
}

/**
 * The truststore, parsed once, and a verdict per certificate fingerprint. `check` answers from
 * the cache synchronously when it can, so the per-request cost is a lookup.
 */
export class ClientCertificates {
    readonly #cache = new BoundedCache<string, Cached>(CACHE_LIMIT);

    private constructor(private readonly verifier: ClientVerifier) {}

    static async fromTruststore(bundlePem: string): Promise<ClientCertificates> {
        return new ClientCertificates(await createClientVerifier(bundlePem));
    }

    check(cert: X509Certificate, now: number = Date.now()): ClientCheck | Promise<ClientCheck> {
        const key = cert.fingerprint256;
        const cached = this.#cache.get(key);
        if (cached && cached.until > now) {
            return cached.value ?? cached.pending;
        }
        // A valid certificate's verdict ends with it; an expired one's stays refused.
        const expiry = Date.parse(cert.validTo) + 1000;
        const until = now < expiry ? Math.min(now + VERDICT_TTL_MS, expiry) : now + VERDICT_TTL_MS;
        const pending = this.verifier.verify(cert.raw, new Date(now)).then((verdict) => {
            const value = { accepted: verdict.accepted, reason: verdict.reason, identity: clientCertIdentity(cert) };
            entry.value = value;
            return value;
        });
        const entry: Cached = { until, pending };
        this.#cache.set(key, entry);
        return pending;
    }
}
