// What only AWS knows about a deployed domain: whether it is AVAILABLE, and the truststore
// warnings API Gateway reports instead of failing the deployment (Pulumi never shows them).
import { GetDomainNameCommand, GetDomainNameCommandOutput } from "@aws-sdk/client-api-gateway";
import type { CheckResult } from "./checks";

/** The one call made; an APIGatewayClient fits, and tests pass their own. */
export interface DomainReader {
    send(command: GetDomainNameCommand): Promise<GetDomainNameCommandOutput>;
}

/** The domain could not be read (credentials, region, access); the message says which. */
export class DomainReadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DomainReadError";
    }
}

/** Reads the domain and checks its status, mutual TLS and truststore warnings. */
export async function checkDomain(domainName: string, reader: DomainReader): Promise<CheckResult[]> {
    let domain: GetDomainNameCommandOutput;
    try {
        domain = await reader.send(new GetDomainNameCommand({ domainName }));
    } catch (error) {
        const name = error instanceof Error ? error.name : "Error";
        const message = error instanceof Error ? error.message : String(error);
        if (name === "NotFoundException") {
            return [{ check: "domain exists", expected: domainName, got: `not found: ${message}`, passed: false }];
        }
        throw new DomainReadError(`cannot read domain ${domainName} from AWS (${name}: ${message}); check AWS credentials and AWS_REGION`);
    }
    const status = domain.domainNameStatus ?? "unknown";
    const mtls = domain.mutualTlsAuthentication;
    const warnings = mtls?.truststoreWarnings ?? [];
    return [
        {
            check: "domain status",
            expected: "AVAILABLE",
            got: domain.domainNameStatusMessage ? `${status} (${domain.domainNameStatusMessage})` : status,
            passed: status === "AVAILABLE",
        },
        {
            check: "mutual TLS",
            expected: "truststore configured",
            got: mtls?.truststoreUri ? `${mtls.truststoreUri}${mtls.truststoreVersion ? ` version ${mtls.truststoreVersion}` : ""}` : "no mutualTlsAuthentication",
            passed: Boolean(mtls?.truststoreUri),
        },
        {
            check: "truststore warnings",
            expected: "none",
            got: warnings.length === 0 ? "none" : `${warnings.length}: ${warnings.join("; ")}`,
            passed: warnings.length === 0,
        },
    ];
}
