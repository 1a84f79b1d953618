// Every rule of the pack. Importing this module starts nothing: `index.ts` hands the list to a
// PolicyPack, which serves it; `evaluate.ts` runs it in-process.
import { Policies } from "@pulumi/policy";
import { executeApiEndpointDisabled } from "./rules/execute-api-endpoint-disabled";
import { generatedPartnerKeysInProduction } from "./rules/generated-partner-keys-in-production";
import { mtlsDomainCompatible } from "./rules/mtls-domain-compatible";
import { mtlsOperationsAuthorized } from "./rules/mtls-operations-authorized";
import { mtlsOwnershipVerification } from "./rules/mtls-ownership-verification";
import { mtlsStageAlarmed } from "./rules/mtls-stage-alarmed";
import { mtlsStageThrottled } from "./rules/mtls-stage-throttled";
import { mtlsTruststorePinned } from "./rules/mtls-truststore-pinned";
import { regionalEndpoints } from "./rules/regional-endpoints";
import { securityPolicyTls12OrNewer } from "./rules/security-policy-tls12-or-newer";
import { tlsCertificateUses } from "./rules/tls-certificate-uses";
import { tlsKeysAcceptedByApiGateway } from "./rules/tls-keys-accepted-by-api-gateway";
import { tlsLeafValidityLimited } from "./rules/tls-leaf-validity-limited";
import { truststoreBucketHardened } from "./rules/truststore-bucket-hardened";
import { truststoreContentValid } from "./rules/truststore-content-valid";

export const policies: Policies = [
    executeApiEndpointDisabled,
    regionalEndpoints,
    securityPolicyTls12OrNewer,
    mtlsTruststorePinned,
    mtlsDomainCompatible,
    truststoreBucketHardened,
    truststoreContentValid,
    tlsKeysAcceptedByApiGateway,
    tlsCertificateUses,
    tlsLeafValidityLimited,
    mtlsOwnershipVerification,
    generatedPartnerKeysInProduction,
    mtlsStageThrottled,
    mtlsStageAlarmed,
    mtlsOperationsAuthorized,
];
