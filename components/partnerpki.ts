import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { GeneratedPartner, issuingCaValidityDays, KeyAlgorithm } from "./config";

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
    /** Partners that get a key and a client certificate from this PKI. */
    readonly partners: readonly GeneratedPartner[];
}

/** A partner's client credentials; the key is a secret. */
export interface PartnerCredentials {
    readonly certificatePem: pulumi.Output<string>;
    readonly privateKeyPem: pulumi.Output<string>;
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
 * A stack's own PKI: a root CA, an optional intermediate CA, and one client certificate per
 * partner. Keys live in Pulumi state (encrypted as secrets), never in files.
 */
export class PartnerPki extends pulumi.ComponentResource {
    /** The self-signed root CA certificate. */
    public readonly rootCertificate: tls.SelfSignedCert;
    /** The intermediate CA that signs partner certificates, when there is one. */
    public readonly intermediateCertificate?: tls.LocallySignedCert;
    /** Every CA certificate of this PKI, issuing CA first, root last. */
    public readonly caCertificatePems: pulumi.Output<string[]>;
    /** Each partner's certificate and (secret) private key, by partner name. */
    public readonly partners: Readonly<Record<string, PartnerCredentials>>;

    constructor(name: string, args: PartnerPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("apigw-mtls:pki:PartnerPki", name, {}, opts);
        const key = keyArgs(args.keyAlgorithm);
        const intermediate = args.intermediateCa ?? true;

        const rootKey = new tls.PrivateKey(`${name}-root-key`, key, { parent: this });
        this.rootCertificate = new tls.SelfSignedCert(`${name}-root`, {
            privateKeyPem: rootKey.privateKeyPem,
            subject: { commonName: pulumi.interpolate`${args.organization} partner root CA`, organization: args.organization },
            validityPeriodHours: hours(args.caValidityDays),
            isCaCertificate: true,
            allowedUses: ["cert_signing", "crl_signing"],
        }, { parent: this });

        let issuerKey: tls.PrivateKey = rootKey;
        let issuerCertPem: pulumi.Output<string> = this.rootCertificate.certPem;
        if (intermediate) {
            const intermediateKey = new tls.PrivateKey(`${name}-intermediate-key`, key, { parent: this });
            const request = new tls.CertRequest(`${name}-intermediate-csr`, {
                privateKeyPem: intermediateKey.privateKeyPem,
                subject: { commonName: pulumi.interpolate`${args.organization} partner issuing CA`, organization: args.organization },
            }, { parent: this });
            this.intermediateCertificate = new tls.LocallySignedCert(`${name}-intermediate`, {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: rootKey.privateKeyPem,
                caCertPem: this.rootCertificate.certPem,
                validityPeriodHours: hours(issuingCaValidityDays(args.caValidityDays, true)),
                isCaCertificate: true,
                allowedUses: ["cert_signing", "crl_signing"],
            }, { parent: this });
            issuerKey = intermediateKey;
            issuerCertPem = this.intermediateCertificate.certPem;
        }
        this.caCertificatePems = this.intermediateCertificate
            ? pulumi.all([this.intermediateCertificate.certPem, this.rootCertificate.certPem])
            : this.rootCertificate.certPem.apply((pem) => [pem]);

        const partners: Record<string, PartnerCredentials> = {};
        for (const partner of args.partners) {
            const partnerKey = new tls.PrivateKey(`${name}-${partner.name}-key`, key, { parent: this });
            const request = new tls.CertRequest(`${name}-${partner.name}-csr`, {
                privateKeyPem: partnerKey.privateKeyPem,
                subject: { commonName: partner.commonName, organization: partner.organization },
            }, { parent: this });
            const certificate = new tls.LocallySignedCert(`${name}-${partner.name}-cert`, {
                certRequestPem: request.certRequestPem,
                caPrivateKeyPem: issuerKey.privateKeyPem,
                caCertPem: issuerCertPem,
                validityPeriodHours: hours(args.partnerValidityDays),
                allowedUses: ["client_auth", "digital_signature"],
            }, { parent: this });
            partners[partner.name] = {
                certificatePem: certificate.certPem,
                privateKeyPem: pulumi.secret(partnerKey.privateKeyPem),
            };
        }
        this.partners = partners;

        this.registerOutputs({
            caCertificatePems: this.caCertificatePems,
            partners: this.partners,
        });
    }
}
