import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bodyUnguardedOperations, unreadable } from "../documents";
import { domainOf, isAny, mtlsStages, refersTo } from "../stack-links";
import { known, subject, unknown } from "../values";

/**
 * Severity: high. Enforcement: advisory: API Gateway never checks revocation; a Lambda
 * authorizer does. An operation without one lets a partner whose certificate was revoked, or
 * who may not call that API, straight through mutual TLS.
 *
 * Stack rule. Every operation of a REST API whose stage a `BasePathMapping` maps onto a
 * `DomainName` with `mutualTlsAuthentication` is guarded by a Lambda authorizer: in the API's
 * OpenAPI `body`, each security requirement of the operation names a security scheme with
 * `x-amazon-apigateway-authorizer`; an `aws.apigateway.Method` of the API has `authorization: CUSTOM`.
 *
 * @link https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
export const mtlsOperationsAuthorized: StackValidationPolicy = {
    name: "mtls-operations-authorized",
    description: "Every operation of an API served by an mTLS domain is guarded by a Lambda authorizer, which checks revocation.",
    enforcementLevel: "advisory",
    severity: "high",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
    remediationSteps: "Give every operation of the API's OpenAPI body a security requirement naming a Lambda authorizer " +
        "(x-amazon-apigateway-authorizer), such as the stack's own, so that revocation is checked on every call.",
    validateStack: (args, report) => {
        const served = mtlsStages(args.resources).filter(s => s.api !== undefined);
        if (served.length === 0) {
            args.notApplicable("no REST API of the stack has a stage served by a custom domain with mutual TLS");
        }
        const methods = args.resources.filter(r => isAny(r, [aws.apigateway.Method]));
        const seen = new Set<string>();
        for (const { api, domain } of served) {
            if (api === undefined || seen.has(api.urn)) {
                continue;
            }
            seen.add(api.urn);
            const because = `${subject(api)} is served by the mTLS domain ${domainOf({ stage: api, api, domain })}`;
            const body = known(() => api.props.body);
            if (typeof body === "string") {
                const unguarded = bodyUnguardedOperations(body);
                if (unguarded === unreadable) {
                    report(`${because}, but its body is neither JSON nor YAML, so its operations' authorizers cannot be checked; write the body as OpenAPI in JSON or YAML`, api.urn);
                } else if (unguarded.length > 0) {
                    report(`${because}, but ${unguarded.length} operation(s) of its body have no Lambda authorizer in every security requirement (${unguarded.slice(0, 3).join(", ")}${unguarded.length > 3 ? ", ..." : ""}), ` +
                        "so revoked certificates pass; give each operation security [{<scheme with x-amazon-apigateway-authorizer>: []}]", api.urn);
                }
            }
            for (const method of methods.filter(m => refersTo(m, "restApi", api, ["id"]))) {
                const authorization = known(() => method.props.authorization);
                if (authorization !== unknown && authorization !== "CUSTOM") {
                    report(`${subject(method)}: authorization is ${JSON.stringify(authorization)}, but ${because}, so revoked certificates pass; set authorization: CUSTOM with the authorizer's authorizerId`, method.urn);
                }
            }
        }
    },
};
