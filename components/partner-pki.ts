import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { issuingCaValidityDays, KeyAlgorithm } from "../core/config/stack";
import { IssuedPartner } from "../core/config/partners";
import { partnerExpiry, partnerExpiryWarnings } from "../core/x509/expiry";
import { projectName } from "../core/config/keys";

export interface PartnerPkiArgs {
    /** Organization (O) in the CA subjects. */
    readonly organization: pulumi.Input<string>;
    /** Algorithm of every key in this PKI; API Gateway accepts ECDSA P-256/P-384 and RSA >= 2048. */
    readonly keyAlgorithm: KeyAlgorithm;
    /** Whether partners are issued by an intermediate CA below the root. Default: true. */
    readonly intermediateCa?: boolean;
    /** Life of the root CA in days; the intermediate ends a day earlier. */
    readonly caValidityDays: number;
    /** Life of each partner's client certificate in days; shorter than its issuing CA. */
    readonly partnerValidityDays: number;
    /** Partners this PKI issues a client certificate: with a key of its own (generated), or for the partner's request (csr). */
    readonly partners: readonly IssuedPartner[];
    /** CA generations to keep, each a root and its intermediate; more than one while a CA is rotated. Default: [1]. */
    readonly caGenerations?: readonly number[];
    /** The CA generation that issues partner certificates. Default: the highest of `caGenerations`. */
    readonly activeCaGeneration?: number;
    /** Warn about partner certificates that expire within this many days. Default: 30. */
    readonly expiryWarningDays?: number;
}

/** A partner's client credentials; the key is a secret. */
export interface PartnerCredentials {
    readonly certificatePem: pulumi.Output<string>;
    /** The key the stack generated; absent for a partner that sent a request and keeps its key. */
    readonly privateKeyPem?: pulumi.Output<string>;
    /** The generation of this certificate (and of its key, when generated). */
    readonly generation: number;
}

/** One generation of the CA: a root and, with `intermediateCa`, the intermediate that issues. */
export interface CaGeneration {
    readonly rootCertificate: tls.SelfSignedCert;
    readonly intermediateCertificate?: tls.LocallySignedCert;
    /** The generation's certificates, issuing CA first, root last. */
    readonly chainPems: pulumi.Output<string[]>;
    readonly issuerKey: tls.PrivateKey;
    readonly issuerCertPem: pulumi.Output<string>;
}

/**
 * The logical name of a resource of generation `generation`: generation 1 keeps the name it
 * always had, a later one adds `-g<n>`, so that bumping a generation creates new resources
 * (and deletes the old) while nothing else in the stack is renamed.
 */
export function generationName(base: string, generation: number): string {
    return generation === 1 ? base : `${base}-g${generation}`;
}

/** Subject common name of a CA: "<org> partner root CA", " G2" and on for later generations. */
export function caCommonName(organization: string, role: "root" | "issuing", generation: number): string {
    return `${organization} partner ${role} CA${generation === 1 ? "" : ` G${generation}`}`;
}

/** The tls key arguments for one of our key algorithms. */
export function keyArgs(algorithm: KeyAlgorithm): tls.PrivateKeyArgs {
    const [family, size] = algorithm.split("-");
    return family === "RSA"
        ? { algorithm: "RSA", rsaBits: Number(size) }
        : { algorithm: "ECDSA", ecdsaCurve: size };
}

const hours = (days: number) => days * 24;

/**
 * A stack's own PKI: one root CA (and an optional intermediate CA) per CA generation, and one
 * client certificate per partner from the active generation, for a key it generates or for the
 * partner's own request. Keys live in Pulumi state (encrypted as secrets), never in files.
 */
export class PartnerPki extends pulumi.ComponentResource {
    /** The intermediate CA of the active generation, which signs partner certificates, when there is one. */
    public readonly intermediateCertificate?: tls.LocallySignedCert;
    /** Every CA certificate of every generation, each generation issuing CA first, root last: what the truststore holds. */
    public readonly caCertificatePems: pulumi.Output<string[]>;
    /** The active generation's chain, issuing CA first, root last. */
    public readonly activeChainPems: pulumi.Output<string[]>;
    /** Each CA generation, by number. */
    public readonly caGenerations: Readonly<Record<number, CaGeneration>>;
    /** Each partner's certificate and, when generated, its (secret) private key, by partner name. */
    public readonly partners: Readonly<Record<string, PartnerCredentials>>;
    /** Each partner's certificate (PEM), by partner name; partners that are near their end are warned about. */
    public readonly certificatePems: pulumi.Output<Record<string, string>>;
    /** The private keys this PKI generated (PEM), by partner name, as one secret; none for partners that sent a request. */
    public readonly privateKeyPems: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PartnerPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:pki:PartnerPki`, name, {}, opts);
        const key = keyArgs(args.keyAlgorithm);
        const generations = args.caGenerations ?? [1];
        const active = args.activeCaGeneration ?? Math.max(...generations);
        if (!generations.includes(active)) {
            throw new pulumi.RunError(`activeCaGeneration ${active} is not one of caGenerations [${generations.join(", ")}]; set it to one of them`);
        }

        const cas: Record<number, CaGeneration> = {};
        for (const generation of generations) {
            cas[generation] = this.createCa(name, key, args, generation);
        }
        this.caGenerations = cas;
        this.intermediateCertificate = cas[active].intermediateCertificate;
        this.activeChainPems = cas[active].chainPems;
        this.caCertificatePems = pulumi.all(generations.map((g) => cas[g].chainPems)).apply((chains) => chains.flat());

        const partners: Record<string, PartnerCredentials> = {};
        for (const partner of args.partners) {
            partners[partner.name] = this.issue(`${name}-${partner.name}`, partner, key, cas[active], args.partnerValidityDays);
        }
        this.partners = partners;
        const issued = pulumi.all(Object.fromEntries(Object.entries(partners).map(([partner, { certificatePem }]) => [partner, certificatePem])));
        this.certificatePems = issued.apply(async (pems) => {
            for (const warning of partnerExpiryWarnings(partnerExpiry(pems), args.expiryWarningDays ?? 30, new Date())) {
                await pulumi.log.warn(warning, this);
            }
            return pems;
        });
        this.privateKeyPems = pulumi.secret(Object.fromEntries(Object.entries(partners)
            .flatMap(([partner, { privateKeyPem }]) => (privateKeyPem ? [[partner, privateKeyPem] as const] : []))));

        this.registerOutputs({
            caCertificatePems: this.caCertificatePems,
            activeChainPems: this.activeChainPems,
            partners: this.partners,
            certificatePems: this.certificatePems,
            privateKeyPems: this.privateKeyPems,
        });
    }

    /**
     * A partner's client certificate from `issuer`: for the partner's own request, or for a key
     * and request made here. A new issuing CA replaces the certificate (same key or request, new
     * issuer); a new generation replaces it under a new name, with a new key when generated.
     */
    private issue(prefix: string, partner: IssuedPartner, key: tls.PrivateKeyArgs, issuer: CaGeneration, validityDays: number): PartnerCredentials {
        const child = { parent: this };
        const sign = (certRequestPem: pulumi.Input<string>) => new tls.LocallySignedCert(generationName(`${prefix}-cert`, partner.generation), {
            certRequestPem,
            caPrivateKeyPem: issuer.issuerKey.privateKeyPem,
            caCertPem: issuer.issuerCertPem,
            validityPeriodHours: hours(validityDays),
            allowedUses: ["client_auth", "digital_signature"],
        }, child);
        if (partner.kind === "csr") {
            return { certificatePem: sign(partner.csrPem).certPem, generation: partner.generation };
        }
        const partnerKey = new tls.PrivateKey(generationName(`${prefix}-key`, partner.generation), key, child);
        const request = new tls.CertRequest(generationName(`${prefix}-csr`, partner.generation), {
            privateKeyPem: partnerKey.privateKeyPem,
            subject: { commonName: partner.commonName, organization: partner.organization },
        }, child);
        return {
            certificatePem: sign(request.certRequestPem).certPem,
            privateKeyPem: pulumi.secret(partnerKey.privateKeyPem),
            generation: partner.generation,
        };
    }

    /** One CA generation; generation 1 has the resource names and subjects this PKI always had. */
    private createCa(name: string, key: tls.PrivateKeyArgs, args: PartnerPkiArgs, generation: number): CaGeneration {
        const child = { parent: this };
        const intermediate = args.intermediateCa ?? true;
        const subject = (role: "root" | "issuing") => ({
            commonName: pulumi.output(args.organization).apply((org) => caCommonName(org, role, generation)),
            organization: args.organization,
        });

        const rootKey = new tls.PrivateKey(generationName(`${name}-root-key`, generation), key, child);
        const rootCertificate = new tls.SelfSignedCert(generationName(`${name}-root`, generation), {
            privateKeyPem: rootKey.privateKeyPem,
            subject: subject("root"),
            validityPeriodHours: hours(args.caValidityDays),
            isCaCertificate: true,
            allowedUses: ["cert_signing", "crl_signing"],
        }, child);
        if (!intermediate) {
            return { rootCertificate, chainPems: rootCertificate.certPem.apply((pem) => [pem]), issuerKey: rootKey, issuerCertPem: rootCertificate.certPem };
        }

        const intermediateKey = new tls.PrivateKey(generationName(`${name}-intermediate-key`, generation), key, child);
        const request = new tls.CertRequest(generationName(`${name}-intermediate-csr`, generation), {
            privateKeyPem: intermediateKey.privateKeyPem,
            subject: subject("issuing"),
        }, child);
        const intermediateCertificate = new tls.LocallySignedCert(generationName(`${name}-intermediate`, generation), {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: rootKey.privateKeyPem,
            caCertPem: rootCertificate.certPem,
            validityPeriodHours: hours(issuingCaValidityDays(args.caValidityDays, true)),
            isCaCertificate: true,
            allowedUses: ["cert_signing", "crl_signing"],
        }, child);
        return {
            rootCertificate,
            intermediateCertificate,
            chainPems: pulumi.all([intermediateCertificate.certPem, rootCertificate.certPem]),
            issuerKey: intermediateKey,
            issuerCertPem: intermediateCertificate.certPem,
        };
    }
}
