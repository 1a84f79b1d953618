// Every rule of the pack. Importing this module starts nothing: `index.ts` hands the list to a
// PolicyPack, which serves it; `evaluate.ts` runs it in-process.
import { Policies } from "@pulumi/policy";
import { executeApiEndpointDisabled } from "./executeApiEndpointDisabled";
import { generatedPartnerKeysInProduction } from "./generatedPartnerKeysInProduction";
import { mtlsDomainCompatible } from "./mtlsDomainCompatible";
import { mtlsOwnershipVerification } from "./mtlsOwnershipVerification";
import { mtlsStageAlarmed } from "./mtlsStageAlarmed";
import { mtlsStageThrottled } from "./mtlsStageThrottled";
import { mtlsTruststorePinned } from "./mtlsTruststorePinned";
import { regionalEndpoints } from "./regionalEndpoints";
import { securityPolicyTls12OrNewer } from "./securityPolicyTls12OrNewer";
import { tlsCertificateUses } from "./tlsCertificateUses";
import { tlsKeysAcceptedByApiGateway } from "./tlsKeysAcceptedByApiGateway";
import { tlsLeafValidityLimited } from "./tlsLeafValidityLimited";
import { truststoreBucketHardened } from "./truststoreBucketHardened";
import { truststoreContentValid } from "./truststoreContentValid";

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
];
