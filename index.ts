import * as pulumi from "@pulumi/pulumi";
import { ApiStagesParameter } from "./components/api-stages-parameter";
import { BasePathMapping } from "./components/base-path-mapping";
import { DnsAlias } from "./components/dns-alias";
import { ExternalApi } from "./components/external-api";
import { GatewayAccount } from "./components/gateway-account";
import { MtlsDomain } from "./components/mtls-domain";
import { OpenApiApi } from "./components/openapi-api";
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
import { apiStagesParameterName } from "./core/authorizer/access";

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

// Usage keys partners never see, one per partner, in parameters the authorizer reads.
const usageKeys = new PartnerUsageKeys("usage", {
    partners: config.partnerLimits.map((partner) => partner.name),
    parameterName: usageKeysParameterName(pulumi.getStack()),
});

// Revocation: mutual TLS accepts a revoked certificate; the authorizer refuses it. It also
// returns the caller's usage key, and is updated only once the keys' parameters are; it allows
// only the APIs the partner may call, read from a parameter named here and made after the APIs,
// whose methods need this authorizer.
const apiStagesParameter = apiStagesParameterName(pulumi.getStack());
const authorizer = new PartnerAuthorizer("authorizer", {
    revokedSerials: config.revokedSerials,
    crlRevocations: truststore.crlRevocations,
    truststorePem: truststore.bundlePem,
    issuedCertificates: pki.certificatePems,
    ownCaPartners: partners.ownCa,
    cacheSeconds: config.authorizerCacheSeconds,
    logRetentionDays: config.logRetentionDays,
    usageKeysParameters: usageKeys.parameters,
    access: Object.fromEntries(config.partners.map((partner) => [partner.name, partner.access])),
    apiStagesParameterName: apiStagesParameter,
});

// The APIs behind the domain: each created from its OpenAPI file with the stack's authorizer and
// API keys on every operation, or deployed by another stack and mapped by id.
const gatewayAccount = new GatewayAccount("gateway", { cloudwatchRoleArn: config.cloudwatchRoleArn });
const apis = config.apis.map((api) => {
    if (api.kind === "external") {
        const external = new ExternalApi(api.name, { restApiId: api.restApiId, stageName: api.stageName, authorizerFunction: authorizer.function });
        return { config: api, restApiId: external.restApiId, stageName: external.stageName, restApiName: external.apiName, accessLogGroupName: undefined };
    }
    const created = new OpenApiApi(api.name, {
        api: api.document,
        stageName: config.stageName,
        logRetentionDays: config.logRetentionDays,
        gatewayAccount,
        authorizerFunction: authorizer.function,
    });
    return { config: api, restApiId: created.api.id, stageName: created.stage.stageName, restApiName: created.api.name, accessLogGroupName: created.accessLog.name };
});

// Per-partner access: the stage of each API, for the authorizer's Allow.
new ApiStagesParameter("api-stages", {
    parameterName: apiStagesParameter,
    stages: Object.fromEntries(apis.map((api) => [api.config.name, { restApiId: api.restApiId, stageName: api.stageName }])),
});

// Throttling and quotas per partner: usage plans on every API's stage, keyed by keys partners never see.
new PartnerUsagePlans("usage", {
    partners: config.partnerLimits,
    apiStages: apis.map((api) => ({ apiId: api.restApiId, stage: api.stageName })),
    apiKeys: usageKeys.apiKeys,
});

// Alarms on each stage and the authorizer, per-partner metrics from the access logs, a dashboard.
const monitoring = new PartnerMonitoring("monitoring", {
    apis: apis.map((api) => ({ name: api.config.name, restApiName: api.restApiName, stageName: api.stageName })),
    accessLogGroupNames: apis.flatMap((api) => (api.accessLogGroupName === undefined ? [] : [api.accessLogGroupName])),
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
// One API keeps the mapping's name it had alone; with several, each mapping carries its API's name.
const mappings = apis.map((api) => new BasePathMapping(apis.length > 1 ? `mapping-${api.config.name}` : "mapping", {
    restApi: api.restApiId,
    stageName: api.stageName,
    domainName: domain.domain.domainName,
    basePath: api.config.basePath,
}));
new DnsAlias("alias", {
    zoneId: config.hostedZoneId,
    name: domain.domain.domainName,
    targetName: domain.domain.regionalDomainName,
    targetZoneId: domain.domain.regionalZoneId,
    ipv6: config.dualStack,
});

/** Base URL of the first API on the custom domain (the sample API: append `/customer/<id>`). */
export const apiUrl = mappings[0].url;
/** Base URL of each API on the custom domain, by API name. */
export const apiUrls = pulumi.all(Object.fromEntries(mappings.map((mapping, i) => [apis[i].config.name, mapping.url])));
/** The stack's REQUEST authorizer function: what the owners of APIs deployed elsewhere attach to every method. */
export const authorizerArn = authorizer.function.arn;
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
