import * as pulumi from "@pulumi/pulumi";
import { BasePathMapping } from "./components/basepathmapping";
import { parseConfig, readRawConfig } from "./components/config";
import { CustomerApi } from "./components/customerapi";
import { DnsAlias } from "./components/dnsalias";
import { GatewayAccount } from "./components/gatewayaccount";
import { MtlsDomain } from "./components/mtlsdomain";
import { PartnerPki } from "./components/partnerpki";
import { Truststore } from "./components/truststore";

// Every value is checked before the first resource is declared.
const config = parseConfig(readRawConfig(new pulumi.Config()), new pulumi.Config("aws").get("region"));
const stack = pulumi.getStack();

// Partners: our own CA issues their client certificates; partners with their own CA bring it.
const pki = new PartnerPki(`${stack}-pki`, {
    organization: config.organization,
    keyAlgorithm: config.keyAlgorithm,
    intermediateCa: config.intermediateCa,
    caValidityDays: config.caValidityDays,
    partnerValidityDays: config.partnerValidityDays,
    partners: config.partners.filter((p) => p.kind === "generated"),
});
const externalCaPems = config.partners.flatMap((p) => (p.kind === "external" ? [p.caCertPem] : []));

// Truststore: every CA a client certificate may chain to, in a versioned bucket.
const truststore = new Truststore(`${stack}-truststore`, {
    caCertificatePems: pki.caCertificatePems.apply((ours) => [...ours, ...externalCaPems]),
    retainOnDelete: config.retainTruststoreOnDelete,
});

// Customer API: reachable only through the custom domain.
const gatewayAccount = new GatewayAccount(`${stack}-gateway`, { cloudwatchRoleArn: config.cloudwatchRoleArn });
const api = new CustomerApi(`${stack}-customer`, {
    stageName: config.stageName,
    logRetentionDays: config.logRetentionDays,
    gatewayAccount: gatewayAccount.account,
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

const partnerNames = Object.keys(pki.partners);

/** Base URL of the API on the custom domain; append `/customer/<id>`. */
export const apiUrl = mapping.url;
export const truststoreUri = truststore.uri;
export const truststoreVersion = truststore.version;
export const domainRegionalName = domain.domain.regionalDomainName;
/** The generated CA chain, issuing CA first: what partners may pin on their side. */
export const caCertificates = pki.caCertificatePems;
export const partnerCertificates = pulumi.output(
    Object.fromEntries(partnerNames.map((name) => [name, pki.partners[name].certificatePem])),
);
export const partnerPrivateKeys = pulumi.secret(
    Object.fromEntries(partnerNames.map((name) => [name, pki.partners[name].privateKeyPem])),
);
