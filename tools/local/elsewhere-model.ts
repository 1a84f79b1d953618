// A REST API another stack deploys, mapped onto the domain by its id: local mode cannot see its
// methods, so it serves the stage as one catch-all (`ANY /` and `ANY /{proxy+}`) whose calls go
// to the API's `localUrl`. The stack's docs ask the owning team to attach the stack's authorizer
// and require API keys; when the program lets that API invoke the authorizer (a Lambda
// permission whose source ARN names the API), local mode runs it as the owners were asked to, so
// per-partner access and usage plans hold there too.
import { resourceTypes } from "../../core/resource-types";
import type { CapturedResource } from "../simulator/program";
import type { AuthorizerModel, FunctionModel, LocalApiConfig, MethodModel, ResourceNode, StageModel } from "./domain-model";
import { readUsagePlans } from "./usage-plan-model";

export interface ElsewhereInput {
    readonly resources: readonly CapturedResource[];
    readonly api: LocalApiConfig;
    readonly restApiId: string;
    readonly stageName: string;
    /** The stack's function with this name or ARN, added to the functions local mode loads. */
    readonly functionNamed: (nameOrArn: string) => FunctionModel | undefined;
}

/** The stack's permission for API Gateway to call an authorizer from this API, if the program grants one. */
function authorizerPermission(resources: readonly CapturedResource[], restApiId: string): CapturedResource | undefined {
    return resources.find((r) => r.custom && r.type === resourceTypes.lambdaPermission
        && r.inputs.principal === "apigateway.amazonaws.com"
        && typeof r.inputs.sourceArn === "string"
        && (r.inputs.sourceArn.split(":")[5] ?? "").startsWith(`${restApiId}/authorizers/`));
}

/** The stage of an API deployed elsewhere, as local mode serves it. */
export function elsewhereStage(input: ElsewhereInput): StageModel {
    const { api, restApiId, stageName } = input;
    const permission = authorizerPermission(input.resources, restApiId);
    const fn = permission && input.functionNamed(String(permission.inputs.function));
    const [, , , region = "us-east-1", accountId = "123456789012"] = permission ? String(permission.inputs.sourceArn).split(":") : [];
    // Its authorizer's identity sources and cache are the owners' settings, which this stack
    // cannot read: local mode asks the function on every call.
    const authorizer: AuthorizerModel | undefined = fn && { id: "elsewhere", name: `${api.name} (deployed elsewhere)`, function: fn, identitySources: [], ttlSeconds: 0 };
    const method = (resourcePath: string, id: string): MethodModel => ({
        httpMethod: "ANY",
        resourcePath,
        resourceId: id,
        authorizer,
        requiredParameters: [],
        apiKeyRequired: authorizer !== undefined,
        integration: { kind: "elsewhere", apiName: api.name, restApiId, localUrl: api.localUrl },
    });
    const proxy: ResourceNode = { id: `${restApiId}-proxy`, path: "/{proxy+}", statics: new Map(), methods: new Map([["ANY", method("/{proxy+}", `${restApiId}-proxy`)]]) };
    const root: ResourceNode = { id: `${restApiId}-root`, path: "/", statics: new Map(), methods: new Map([["ANY", method("/", `${restApiId}-root`)]]), greedy: { name: "proxy", node: proxy } };
    return {
        apiId: restApiId,
        stageName,
        accountId,
        region,
        variables: null,
        apiKeySource: "AUTHORIZER",
        usagePlans: readUsagePlans((t) => input.resources.filter((r) => r.custom && r.type === t), restApiId, stageName),
        root,
    };
}
