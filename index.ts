import * as pulumi from "@pulumi/pulumi";
import { BasePathMapping } from "./components/base-path-mapping";
import { CustomerApi } from "./components/customer-api";
import { DnsAlias } from "./components/dns-alias";
import { GatewayAccount } from "./components/gateway-account";
import { MtlsDomain } from "./components/mtls-domain";
import { PartnerAuthorizer } from "./components/partner-authorizer";
import { PartnerMonitoring } from "./components/partner-monitoring";
import { PartnerPki } from "./components/partner-pki";
import { PartnerUsageKeys } from "./components/partner-usage-keys";
import { PartnerUsagePlans } from "./components/partner-usage-plans";
import { Truststore } from "./components/truststore";
import { readStackConfig } from "./core/config/stack";
import { expiryOf } from "./core/x509/expiry";
import { partnersByIssuer } from "./core/config/partner-kinds";
import { certificateSerials, usageKeysParameterName } from "./core/authorizer/decision";

// Every value is checked before the first resource is declared.
const config = readStackConfig(new pulumi.Config(), new pulumi.Config("aws").get("region"));
const partners = partnersByIssuer(config.partners);

// Partners: our own CA issues their client certificates, for a key it makes (dev) or for the
// partner's own request (the partner keeps its key); partners with their own CA bring it.
const pki = new PartnerPki("pki", {
    organization: config.organization,
    keyAlgorithm: config.keyAlgorithm,
    intermediateCa: config.intermediateCa,
    caValidityDays: config.caValidityDays,
    partnerValidityDays: config.partnerValidityDays,
    partners: partners.issued,
    caGenerations: config.caGenerations,
    activeCaGeneration: config.activeCaGeneration,
    expiryWarningDays: config.expiryWarningDays,
});

// Truststore: every CA a client certificate may chain to, in a versioned bucket, and the CRLs
// of those CAs, verified against them.
const truststore = new Truststore("truststore", {
    caCertificatePems: pki.caCertificatePems.apply((ours) => [...ours, ...partners.ownCa.map((p) => p.caCertPem)]),
    retainOnDelete: config.retainTruststoreOnDelete,
    expiryWarningDays: config.expiryWarningDays,
    crl: config.crl,
});

// Usage keys partners never see, one per partner, in a parameter the authorizer reads.
const usageKeys = new PartnerUsageKeys("usage", {
    partners: config.partnerLimits.map((partner) => partner.name),
    parameterName: usageKeysParameterName(pulumi.getStack()),
});

// Revocation: mutual TLS accepts a revoked certificate; the authorizer refuses it. It also
// returns the caller's usage key, and is updated only once the keys' parameter is.
const authorizer = new PartnerAuthorizer("authorizer", {
    revokedSerials: config.revokedSerials,
    crlRevocations: truststore.crlRevocations,
    truststorePem: truststore.bundlePem,
    issuedCertificates: pki.certificatePems,
    ownCaPartners: partners.ownCa,
    cacheSeconds: config.authorizerCacheSeconds,
    logRetentionDays: config.logRetentionDays,
    usageKeysParameter: usageKeys.parameter,
});

// Customer API: reachable only through the custom domain.
const gatewayAccount = new GatewayAccount("gateway", { cloudwatchRoleArn: config.cloudwatchRoleArn });
const api = new CustomerApi("customer", {
    stageName: config.stageName,
    logRetentionDays: config.logRetentionDays,
    gatewayAccount,
    authorizerFunction: authorizer.function,
});

// Throttling and quotas per partner: a usage plan each on the stage, with the partner's key in it.
new PartnerUsagePlans("usage", {
    partners: config.partnerLimits,
    apiKeys: usageKeys.apiKeys,
    restApiId: api.stage.restApi,
    stageName: api.stage.stageName,
});

// Alarms on the stage and the authorizer, per-partner metrics from the access log, a dashboard.
const monitoring = new PartnerMonitoring("monitoring", {
    restApiName: api.api.name,
    stageName: api.stage.stageName,
    accessLogGroupName: api.accessLog.name,
    authorizerFunctionName: authorizer.function.name,
    partners: config.partners.map((partner) => partner.name),
    alarms: config.alarms,
});

// Custom domain with mutual TLS, the stage mapped under the base path, and DNS to it.
const domain = new MtlsDomain("domain", {
    domainName: config.domainName,
    hostedZoneId: config.hostedZoneId,
    certificateArn: config.certificateArn,
    ownershipVerificationCertificateArn: config.ownershipVerificationCertificateArn,
    truststoreUri: truststore.uri,
    truststoreVersion: truststore.version,
    dualStack: config.dualStack,
});
const mapping = new BasePathMapping("mapping", {
    restApi: api.api.id,
    stageName: api.stage.stageName,
    domainName: domain.domain.domainName,
    basePath: config.basePath,
});
new DnsAlias("alias", {
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
export const partnerCertificates = pki.certificatePems;
/** The keys the stack generated; a partner that sent a request holds its own and has none here. */
export const partnerPrivateKeys = pki.privateKeyPems;
/** Each issued certificate's serial, normalised: what `revokedSerials` takes. */
export const partnerCertificateSerials = pki.certificatePems.apply(certificateSerials);
/** When each truststore CA and each issued partner certificate ends; near ends are warned about. */
export const certificateExpiry = pulumi.all([truststore.bundlePem, pki.certificatePems]).apply(([bundle, issued]) => expiryOf(bundle, issued));
/** The SNS topic the stage's alarms notify. */
export const alarmTopicArn = monitoring.topicArn;
/** The alarms' names: serverErrors, clientErrorRate, latencyP99, authorizerErrors. */
export const alarmNames = monitoring.alarmNames;
/** The stack's CloudWatch dashboard in the console. */
export const dashboardUrl = monitoring.dashboardUrl;
