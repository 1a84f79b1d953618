// A REST API built from aws.apigateway Resource, Method, Integration, Authorizer and
// RequestValidator resources (rather than an OpenAPI body): its resource tree, each method's
// REQUEST authorizer, required parameters and Lambda proxy integration.
import { resourceTypes } from "../../core/resource-types";
import type { CapturedResource } from "../simulator/program";
import type { AuthorizerModel, FunctionModel, ResourceNode } from "./domain-model";
import { ModelError } from "./domain-model";

const type = {
    resource: resourceTypes.apigatewayResource,
    method: resourceTypes.apigatewayMethod,
    integration: resourceTypes.apigatewayIntegration,
    authorizer: resourceTypes.apigatewayAuthorizer,
    validator: resourceTypes.apigatewayRequestValidator,
};

type FunctionOf = (uri: unknown, what: string) => FunctionModel;

export type InvokeProblem = (fn: FunctionModel, sourceArn: string, credentials: unknown) => string | undefined;

/** The resource tree of an API built from aws.apigateway Resource, Method and Integration resources. */
export function readDeclaredMethods(all: (type: string) => CapturedResource[], api: CapturedResource, stageName: string, functionOf: FunctionOf, invokeProblem: InvokeProblem): ResourceNode {
    const executionArn = String(api.outputs.executionArn);
    const nodes = new Map<string, ResourceNode>();
    const rootId = String(api.outputs.rootResourceId);
    const root: ResourceNode = { id: rootId, path: "/", statics: new Map(), methods: new Map() };
    nodes.set(rootId, root);
    const resources = all(type.resource).filter((r) => r.inputs.restApi === api.id);
    const attach = (r: CapturedResource): ResourceNode => {
        const known = nodes.get(r.id);
        if (known) {
            return known;
        }
        const parentResource = resources.find((p) => p.id === r.inputs.parentId);
        const parent = r.inputs.parentId === rootId ? root : parentResource ? attach(parentResource) : undefined;
        if (!parent) {
            throw new ModelError(`resource ${r.name} hangs under ${r.inputs.parentId}, which REST API ${api.id} does not have`);
        }
        const part = String(r.inputs.pathPart);
        const node: ResourceNode = { id: r.id, path: `${parent.path === "/" ? "" : parent.path}/${part}`, statics: new Map(), methods: new Map() };
        const variable = /^\{([^}+]+)(\+?)\}$/.exec(part);
        if (!variable) {
            parent.statics.set(part, node);
        } else if (variable[2]) {
            parent.greedy = { name: variable[1], node };
        } else {
            parent.param = { name: variable[1], node };
        }
        nodes.set(r.id, node);
        return node;
    };
    resources.forEach(attach);

    const validators = all(type.validator).filter((v) => v.inputs.restApi === api.id);
    for (const method of all(type.method).filter((m) => m.inputs.restApi === api.id)) {
        const node = nodes.get(String(method.inputs.resourceId));
        const httpMethod = String(method.inputs.httpMethod).toUpperCase();
        const where = `method ${httpMethod} ${node?.path ?? method.inputs.resourceId}`;
        if (!node) {
            throw new ModelError(`${where} is on a resource REST API ${api.id} does not have`);
        }
        const methodArn = `${executionArn}/${stageName}/${httpMethod === "ANY" ? "*" : httpMethod}${node.path === "/" ? "/" : node.path}`;
        const integration = all(type.integration).find((i) =>
            i.inputs.restApi === api.id && i.inputs.resourceId === node.id && String(i.inputs.httpMethod).toUpperCase() === httpMethod);
        if (!integration) {
            throw new ModelError(`${where} has no integration; API Gateway refuses to deploy it`);
        }
        if (integration.inputs.type !== "AWS_PROXY") {
            throw new ModelError(`${where} uses a ${integration.inputs.type} integration; local mode emulates AWS_PROXY (Lambda proxy) integrations only`);
        }
        const fn = functionOf(integration.inputs.uri, where);
        let authorizer: AuthorizerModel | undefined;
        const authorization = String(method.inputs.authorization ?? "NONE").toUpperCase();
        if (authorization === "CUSTOM") {
            authorizer = readAuthorizer(all, api, String(method.inputs.authorizerId), where, functionOf, invokeProblem, executionArn);
        } else if (authorization !== "NONE") {
            throw new ModelError(`${where} uses ${authorization} authorization; local mode emulates NONE and CUSTOM (Lambda REQUEST authorizers)`);
        }
        const validator = validators.find((v) => v.id === method.inputs.requestValidatorId);
        const requiredParameters = validator?.inputs.validateRequestParameters
            ? Object.entries(method.inputs.requestParameters ?? {}).flatMap(([expression, required]) => {
                const parameter = /^method\.request\.(querystring|header)\.(.+)$/.exec(expression);
                return required === true && parameter ? [{ in: parameter[1] as "querystring" | "header", name: parameter[2] }] : [];
            })
            : [];
        node.methods.set(httpMethod, {
            httpMethod,
            resourcePath: node.path,
            resourceId: node.id,
            authorizer,
            requiredParameters,
            apiKeyRequired: method.inputs.apiKeyRequired === true,
            integration: { kind: "lambda", function: fn, invokeProblem: invokeProblem(fn, methodArn, integration.inputs.credentials) },
        });
    }
    return root;
}

function readAuthorizer(
    all: (type: string) => CapturedResource[], api: CapturedResource, id: string, where: string, functionOf: FunctionOf, invokeProblem: InvokeProblem, executionArn: string,
): AuthorizerModel {
    const r = all(type.authorizer).find((a) => a.id === id && a.inputs.restApi === api.id);
    if (!r) {
        throw new ModelError(`${where} uses authorizer ${id}, which REST API ${api.id} does not have`);
    }
    const kind = String(r.inputs.type ?? "TOKEN").toUpperCase();
    if (kind !== "REQUEST") {
        throw new ModelError(`authorizer ${r.name} is of type ${kind}; local mode emulates REQUEST Lambda authorizers`);
    }
    const fn = functionOf(r.inputs.authorizerUri, `authorizer ${r.name}`);
    return {
        id,
        name: String(r.inputs.name ?? r.name),
        function: fn,
        identitySources: String(r.inputs.identitySource ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
        ttlSeconds: r.inputs.authorizerResultTtlInSeconds === undefined ? 300 : Number(r.inputs.authorizerResultTtlInSeconds),
        invokeProblem: invokeProblem(fn, `${executionArn}/authorizers/${id}`, r.inputs.authorizerCredentials),
    };
}
