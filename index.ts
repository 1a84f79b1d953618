import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { normaliseSerial } from "./core/revocation";
import { BasePathMapping } from "./components/basepathmapping";
import { parseConfig, readRawConfig } from "./core/config";
import { CustomerApi } from "./components/customerapi";
import { DnsAlias } from "./components/dnsalias";
import { expiryOf, partnerExpiryWarnings } from "./core/expiry";
import { GatewayAccount } from "./components/gatewayaccount";
import { MtlsDomain } from "./components/mtlsdomain";
import { PartnerAuthorizer, partnerNames, revocationList } from "./components/partnerauthorizer";
import { PartnerPki } from "./components/partnerpki";
import { Truststore } from "./components/truststore";

// Every value is checked before the first resource is declared.
const config = parseConfig(readRawConfig(new pulumi.Config()), new pulumi.Config("aws").get("region"));
const stack = pulumi.getStack();

// Partners: our own CA issues their client certificates, for a key it makes (dev) or for the
// partner's own request (the partner keeps its key); partners with their own CA bring it.
const pki = new PartnerPki(`${stack}-pki`, {
    organization: config.organization,
    keyAlgorithm: config.keyAlgorithm,
    intermediateCa: config.intermediateCa,
    caValidityDays: config.caValidityDays,
    partnerValidityDays: config.partnerValidityDays,
    partners: config.partners.flatMap((p) => (p.kind === "external" ? [] : [p])),
    caGenerations: config.caGenerations,
    activeCaGeneration: config.activeCaGeneration,
});
const ownCaPartners = config.partners.flatMap((p) => (p.kind === "external" ? [p] : []));

// Truststore: every CA a client certificate may chain to, in a versioned bucket, and the CRLs
// of those CAs, verified against them.
const truststore = new Truststore(`${stack}-truststore`, {
    caCertificatePems: pki.caCertificatePems.apply((ours) => [...ours, ...ownCaPartners.map((p) => p.caCertPem)]),
    retainOnDelete: config.retainTruststoreOnDelete,
    expiryWarningDays: config.expiryWarningDays,
    crl: config.crl,
});
const partnerNameList = Object.keys(pki.partners);
const issuedCertificates = pulumi.all(Object.fromEntries(partnerNameList.map((name) => [name, pki.partners[name].certificatePem])));

// Revocation: mutual TLS accepts a revoked certificate; the authorizer refuses it.
const authorizer = new PartnerAuthorizer(`${stack}-authorizer`, {
    revocations: truststore.crlRevocations.apply((crl) => revocationList(config.revokedSerials, crl)),
    partnerNames: issuedCertificates.apply((issued) => partnerNames(issued, ownCaPartners)),
    cacheSeconds: config.authorizerCacheSeconds,
    logRetentionDays: config.logRetentionDays,
});

// Customer API: reachable only through the custom domain.
const gatewayAccount = new GatewayAccount(`${stack}-gateway`, { cloudwatchRoleArn: config.cloudwatchRoleArn });
const api = new CustomerApi(`${stack}-customer`, {
    stageName: config.stageName,
    logRetentionDays: config.logRetentionDays,
    gatewayAccount: gatewayAccount.account,
    authorizerFunction: authorizer.function,
});

// Custom domain with mutual TLS, the stage mapped under the base path, and DNS to it.
const domain = new MtlsDomain(`${stack}-domain`, {
    domainName: config.domainName,
    hostedZoneId: config.hostedZoneId,
    certificateArn: config.certificateArn,
    ownershipVerificationCertificateArn: config.ownershipVerificationCertificateArn,
    truststoreUri: truststore.uri,
    truststoreVersion: truststore.version,
    dualStack: config.dualStack,
});
const mapping = new BasePathMapping(`${stack}-mapping`, {
    restApi: api.api.id,
    stageName: api.stage.stageName,
    domainName: domain.domain.domainName,
    basePath: config.basePath,
});
new DnsAlias(`${stack}-alias`, {
    zoneId: config.hostedZoneId,
    name: domain.domain.domainName,
    targetName: domain.domain.regionalDomainName,
    targetZoneId: domain.domain.regionalZoneId,
    ipv6: config.dualStack,
});

/** Base URL of the API on the custom domain; append `/customer/<id>`. */
export const apiUrl = mapping.url;
export const truststoreUri = truststore.uri;
export const truststoreVersion = truststore.version;
export const domainRegionalName = domain.domain.regionalDomainName;
/** The active generated CA chain, issuing CA first: what partners may pin on their side. */
export const caCertificates = pki.activeChainPems;
export const partnerCertificates = issuedCertificates;
/** The keys the stack generated; a partner that sent a request holds its own and has none here. */
export const partnerPrivateKeys = pulumi.secret(Object.fromEntries(Object.entries(pki.partners)
    .flatMap(([name, { privateKeyPem }]) => (privateKeyPem ? [[name, privateKeyPem] as const] : []))));
/** Each issued certificate's serial, normalised: what `revokedSerials` takes. */
export const partnerCertificateSerials = issuedCertificates.apply((issued) => Object.fromEntries(
    Object.entries(issued).map(([name, pem]) => [name, normaliseSerial(new X509Certificate(pem).serialNumber)]),
));
/** When each truststore CA and each issued partner certificate ends; near ends are warned about. */
export const certificateExpiry = pulumi.all([truststore.bundlePem, issuedCertificates]).apply(async ([bundle, issued]) => {
    const entries = expiryOf(bundle, issued);
    for (const warning of partnerExpiryWarnings(entries, config.expiryWarningDays, new Date())) {
        await pulumi.log.warn(warning);
    }
    return entries;
});
