// Which APIs a partner may call, as the authorizer's Allow names them. The program knows each
// partner's API names at config time (they travel in the authorizer's lists) but each API's id
// only after the API exists, which needs the authorizer first: the ids go into an SSM parameter
// made after the APIs, which the authorizer reads.
import { projectName } from "../config/keys";

/** Each partner's API names (stack config's `access`), in the authorizer's lists. */
export type PartnerAccess = Readonly<Record<string, readonly string[]>>;

/** Each API's stage as `<restApiId>/<stage>`, by API name: the value of the API-stages parameter, as JSON. */
export type ApiStages = Readonly<Record<string, string>>;

/** The SSM parameter of a stack's API stages; known before the APIs exist, as the authorizer's environment names it. */
export function apiStagesParameterName(stack: string): string {
    return `/${projectName}/${stack}/api-stages`;
}

/** Reads the API stages from the parameter's JSON; throws (naming no value) when it is not `ApiStages`. */
export function parseApiStages(json: string | undefined): ApiStages {
    const value: unknown = json === undefined ? undefined : JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === "string" && /^[^/]+\/[^/]+$/.test(v))) {
        throw new Error("the API-stages parameter is not {api: \"<restApiId>/<stage>\"}");
    }
    return value as ApiStages;
}

/** What the Allow of one call names. */
export interface AllowedResources {
    /** Every stage the partner may call, each as `<arn prefix><apiId>/<stage>/*\/*`. */
    readonly resources: readonly string[];
    /** Whether they cover the called method. */
    readonly covers: boolean;
}

/**
 * The resources of an Allow for a partner who may call the APIs `permitted`: each such API's
 * whole stage (`arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/*\/*`), so that a
 * decision API Gateway caches for one method holds for every method the partner may call, and no
 * other (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * `methodArn` is the call's, as the REQUEST event gives it.
 */
export function allowedResources(methodArn: string, permitted: readonly string[], stages: ApiStages): AllowedResources {
    const parts = methodArn.split(":");
    const prefix = `${parts.slice(0, 5).join(":")}:`;
    const called = parts.slice(5).join(":").split("/").slice(0, 2).join("/");
    const own = permitted.flatMap((api) => (Object.hasOwn(stages, api) ? [stages[api]] : []));
    return { resources: own.map((stage) => `${prefix}${stage}/*/*`), covers: own.includes(called) };
}
