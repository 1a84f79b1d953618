// Stacks for the rules on stages behind an mTLS domain (usage plans, alarms), and a runner that
// calls a stack rule's validateStack directly, on the args the pack's in-process runner builds.
import { StackValidationPolicy } from "@pulumi/policy";
import { PackResource, stackArgs } from "../../policy/evaluate";
import { resource, truststoreStack, unknownValue } from "./policy-args";

/** What one run of a stack rule found. */
export interface StackRun {
    readonly violations: { readonly message: string; readonly urn?: string }[];
    /** Why the rule said it does not apply, when it did. */
    readonly notApplicable?: string;
}

class NotApplicable extends Error {}

/** Runs `policy.validateStack` over `resources`; an unknown value it reads unguarded throws, so that a test sees it. */
export async function runStackRule(policy: StackValidationPolicy, resources: readonly PackResource[]): Promise<StackRun> {
    const violations: { message: string; urn?: string }[] = [];
    const args = {
        ...stackArgs(resources, () => ({})),
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
    };
    try {
        await policy.validateStack(args, (message, urn) => violations.push({ message, urn }));
    } catch (e) {
        if (e instanceof NotApplicable) {
            return { violations, notApplicable: e.message };
        }
        throw e;
    }
    return { violations };
}

/** Just the messages. */
export async function stackMessages(policy: StackValidationPolicy, resources: readonly PackResource[]): Promise<string[]> {
    return (await runStackRule(policy, resources)).violations.map(v => v.message);
}

export const usageTypes = {
    restApi: "aws:apigateway/restApi:RestApi",
    stage: "aws:apigateway/stage:Stage",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    plan: "aws:apigateway/usagePlan:UsagePlan",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    domain: "aws:apigateway/domainName:DomainName",
} as const;

export const apiId = "a1b2c3d4e5";
export const apiName = "customer-api-7f3e2d1";

const domainUrn = resource(usageTypes.domain, "partners", {}).urn;
const api = resource(usageTypes.restApi, "customer-api", { name: apiName, disableExecuteApiEndpoint: true }, { id: apiId });
const stage = resource(usageTypes.stage, "customer-api-stage", { restApi: apiId, deployment: "dep-1", stageName: "v1" });

/** A usage plan on the stage, with the stack's default limits. */
export const plan = (props: Record<string, unknown> = {}) => resource(usageTypes.plan, "usage-plan-r50-b100-q100000-day", {
    apiStages: [{ apiId, stage: "v1" }],
    throttleSettings: { rateLimit: 50, burstLimit: 100 },
    quotaSettings: { limit: 100_000, period: "DAY" },
    ...props,
});

/** An alarm on the stage's 5XXError. */
export const alarm = (props: Record<string, unknown> = {}) => resource(usageTypes.alarm, "customer-api-5xx", {
    namespace: "AWS/ApiGateway",
    metricName: "5XXError",
    dimensions: { ApiName: apiName, Stage: "v1" },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    ...props,
});

/**
 * The truststore and mTLS domain of `truststoreStack`, the REST API and stage it serves through a
 * base-path mapping, a throttled usage plan and a 5XXError alarm on the stage, as the program
 * would declare them once known (after `pulumi up`).
 */
export function servedStack(): PackResource[] {
    return [
        ...truststoreStack(),
        api,
        stage,
        resource(usageTypes.mapping, "partners-mapping", { restApi: apiId, stageName: "v1", domainName: "api.example.com", basePath: "c360" }),
        plan(),
        alarm(),
    ];
}

/**
 * The same stack during a first preview: the API's id is unknown, so every property that names
 * it is unknown too, and property dependencies link the resources instead.
 */
export function previewStack(): PackResource[] {
    const previewApi = { ...api, id: undefined, outputs: { id: unknownValue } };
    const previewStage = resource(usageTypes.stage, "customer-api-stage", { restApi: unknownValue, deployment: unknownValue, stageName: "v1" },
        { propertyDependencies: { restApi: [api.urn] } });
    const mapping = resource(usageTypes.mapping, "partners-mapping", { restApi: unknownValue, stageName: unknownValue, domainName: unknownValue, basePath: "c360" },
        { propertyDependencies: { restApi: [api.urn], stageName: [stage.urn], domainName: [domainUrn] } });
    const previewPlan = { ...plan({ apiStages: [{ apiId: unknownValue, stage: "v1" }] }), propertyDependencies: { apiStages: [api.urn, stage.urn] } };
    const previewAlarm = { ...alarm({ dimensions: { ApiName: unknownValue, Stage: "v1" } }), propertyDependencies: { dimensions: [api.urn, stage.urn] } };
    return [...truststoreStack(), previewApi, previewStage, mapping, previewPlan, previewAlarm];
}
