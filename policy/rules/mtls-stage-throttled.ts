import * as aws from "@pulumi/aws";
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { any, apiIds, both, dependsOnAny, domainOf, isAny, Link, matches, mtlsStages, ServedStage } from "../stack-links";
import { isSet, known, knownItems, show, subject, unknown } from "../values";

/**
 * Severity: medium. Enforcement: advisory: mTLS decides who may call, not how much. Without a
 * usage plan with `throttleSettings`, one trusted partner in a loop takes the account's whole
 * regional limit (10,000 requests/s, shared by every API of the account) and the other partners
 * get 429s; a plan gives each partner its own token bucket.
 *
 * Stack rule. Every `aws.apigateway.Stage` that a `BasePathMapping` maps onto a REST
 * `DomainName` with `mutualTlsAuthentication` is named (API id and stage) in the `apiStages` of
 * an `aws.apigateway.UsagePlan`, and every such plan sets `throttleSettings.rateLimit` and
 * `throttleSettings.burstLimit`. Per-method `apiStages[].throttles` do not count: a method they
 * leave out is not throttled.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export const mtlsStageThrottled: StackValidationPolicy = {
    name: "mtls-stage-throttled",
    description: "A stage served by an mTLS domain is in a usage plan that sets throttleSettings (rateLimit and burstLimit).",
    enforcementLevel: "advisory",
    severity: "medium",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",
    remediationSteps: "Add an aws.apigateway.UsagePlan whose apiStages name the stage (apiId and stage) and whose throttleSettings " +
        "set rateLimit (requests per second) and burstLimit (requests).",
    validateStack: (args, report) => {
        const served = mtlsStages(args.resources);
        if (served.length === 0) {
            args.notApplicable("no REST API stage served by a custom domain with mutual TLS in the stack");
        }
        const plans = args.resources.filter(r => isAny(r, [aws.apigateway.UsagePlan]));
        for (const stage of served) {
            const covering = plans.map(plan => ({ plan, link: planCovers(plan, stage) }));
            if (covering.every(c => c.link === "no")) {
                report(`${subject(stage.stage)} serves the mTLS domain ${domainOf(stage)}, but no aws.apigateway.UsagePlan names it in apiStages, ` +
                    "so its partners are throttled only by the account's regional limit, which they share; add a UsagePlan with " +
                    `apiStages [{ apiId: ${apiIdHint(stage)}, stage: ${literal(known(() => stage.stage.props.stageName))} }] and throttleSettings { rateLimit, burstLimit }`,
                stage.stage.urn);
            }
            for (const { plan } of covering.filter(c => c.link === "yes")) {
                checkThrottle(plan, stage, report);
            }
        }
    },
};

function checkThrottle(plan: PolicyResource, stage: ServedStage, report: ReportViolation): void {
    const throttle = known(() => plan.props.throttleSettings as { rateLimit?: unknown; burstLimit?: unknown } | undefined);
    if (throttle === unknown) {
        return;
    }
    const because = `it applies to ${subject(stage.stage)}, which serves the mTLS domain ${domainOf(stage)}`;
    if (throttle === undefined || throttle === null) {
        report(`${subject(plan)}: throttleSettings is omitted, so the partners of this plan are not throttled (${because}); ` +
            "set throttleSettings { rateLimit: <requests per second>, burstLimit: <requests> }", plan.urn);
        return;
    }
    const missing = (["rateLimit", "burstLimit"] as const).filter(field => !isSet(throttle[field]));
    if (missing.length > 0) {
        const found = missing.map(field => `throttleSettings.${field} is ${show(throttle[field])}`).join(" and ");
        report(`${subject(plan)}: ${found}, so API Gateway does not limit it (${because}); ` +
            `set ${missing.map(field => `throttleSettings.${field}`).join(" and ")} (rateLimit in requests per second, burstLimit in requests)`, plan.urn);
    }
}

/** Whether `plan`'s apiStages name the served stage. */
function planCovers(plan: PolicyResource, served: ServedStage): Link {
    const entries = knownItems(() => plan.props.apiStages);
    if (entries === unknown) {
        return "maybe";
    }
    if (!Array.isArray(entries)) {
        return "no";
    }
    return any(entries.map((_, i) => both(
        matches(known(() => plan.props.apiStages[i].apiId), apiIds(served), () => dependsOnAny(plan, "apiStages", [served.api, served.stage])),
        matches(known(() => plan.props.apiStages[i].stage), [known(() => served.stage.props.stageName)], () => dependsOnAny(plan, "apiStages", [served.stage])),
    )));
}

function apiIdHint(served: ServedStage): string {
    return served.api ? `<${subject(served.api)}>.id` : literal(known(() => served.stage.props.restApi));
}

function literal(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : show(value);
}
