// A REST API defined by its OpenAPI `body`, read as API Gateway imports it: each path a resource
// (`{name}` a parameter, a final `{name+}` greedy), each operation a method (and
// `x-amazon-apigateway-any-method` ANY), its security (a scheme with
// `x-amazon-apigateway-authorizer`, an apiKey scheme for API keys), its request validator and
// its `x-amazon-apigateway-integration` (tools/local/openapi-integration.ts).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
import { createHash } from "node:crypto";
import { load } from "js-yaml";
import type { AuthorizerModel, FunctionModel, MethodModel, ResourceNode } from "./domain-model";
import { ModelError } from "./domain-model";
import { field, object, readIntegration } from "./openapi-integration";

type Json = Record<string, unknown>;

/** What the body reader needs of the model around it. */
export interface BodyContext {
    /** The RestApi's logical name and id, for messages and ids. */
    readonly apiName: string;
    readonly apiId: string;
    readonly executionArn: string;
    readonly stageName: string;
    /** The function an `aws_proxy` URI or an authorizer URI invokes; throws ModelError when the stack has none. */
    readonly functionOf: (uri: unknown, what: string) => FunctionModel;
    /** Why API Gateway could not invoke `fn` from `sourceArn`, when it could not. */
    readonly invokeProblem: (fn: FunctionModel, sourceArn: string, credentials: unknown) => string | undefined;
    /** The API's `localUrl`: where its http integrations go in local mode. */
    readonly localUrl?: string;
}

/** The resource tree of the body and the API-level settings it declares. */
export interface BodyApi {
    readonly root: ResourceNode;
    /** `x-amazon-apigateway-api-key-source`, when the body sets it. */
    readonly apiKeySource?: string;
}

const operations: Readonly<Record<string, string>> = {
    get: "GET", put: "PUT", post: "POST", delete: "DELETE", options: "OPTIONS", head: "HEAD", patch: "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
};

/** The body as JSON or YAML, the two forms API Gateway imports. */
export function parseBody(body: string, apiName: string): Json {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        try {
            parsed = load(body);
        } catch (error) {
            throw new ModelError(`REST API ${apiName}: its body is neither JSON nor YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); fix the OpenAPI file`);
        }
    }
    const document = object(parsed);
    if (!document || !object(document.paths)) {
        throw new ModelError(`REST API ${apiName}: its body has no paths object; API Gateway imports OpenAPI documents with paths`);
    }
    return document;
}

/** The JSON pointer of a path's operation, as messages name places in the file. */
function pointer(path: string, operation: string): string {
    return `/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${operation}`;
}

/** Reads the body's paths into a resource tree; throws ModelError on what local mode cannot serve. */
export function readBodyApi(document: Json, context: BodyContext): BodyApi {
    const { apiName, apiId, executionArn } = context;
    const schemes = object(object(document.components)?.securitySchemes) ?? object(document.securityDefinitions) ?? {};
    const validators = object(document["x-amazon-apigateway-request-validators"]) ?? {};
    const authorizers = new Map<string, AuthorizerModel>();
    const authorizerOf = (name: string): AuthorizerModel => {
        const known = authorizers.get(name);
        if (known) {
            return known;
        }
        const definition = object(object(schemes[name])?.["x-amazon-apigateway-authorizer"]) ?? {};
        const kind = field(definition.type, "token").toUpperCase();
        const where = `REST API ${apiName} body /components/securitySchemes/${name}`;
        if (kind !== "REQUEST") {
            throw new ModelError(`${where} is a ${kind} authorizer; local mode emulates REQUEST Lambda authorizers`);
        }
        // An imported authorizer gets an id only on import; local mode derives a stable one.
        const id = createHash("sha256").update(`${apiId}/${name}`).digest("hex").slice(0, 6);
        const fn = context.functionOf(definition.authorizerUri, where);
        const ttl = definition.authorizerResultTtlInSeconds;
        const authorizer: AuthorizerModel = {
            id,
            name,
            function: fn,
            identitySources: field(definition.identitySource, "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
            // "If this field is not set, the default value is 300." (API reference, Authorizer)
            ttlSeconds: ttl === undefined ? 300 : Number(ttl),
            invokeProblem: context.invokeProblem(fn, `${executionArn}/authorizers/${id}`, definition.authorizerCredentials),
        };
        authorizers.set(name, authorizer);
        return authorizer;
    };

    const root: ResourceNode = { id: resourceId(apiId, "/"), path: "/", statics: new Map(), methods: new Map() };
    const nodeAt = (path: string): ResourceNode => {
        let node = root;
        for (const part of path.split("/").filter((s) => s !== "")) {
            const variable = /^\{([^}+]+)(\+?)\}$/.exec(part);
            const below = `${node.path === "/" ? "" : node.path}/${part}`;
            const make = (): ResourceNode => ({ id: resourceId(apiId, below), path: below, statics: new Map(), methods: new Map() });
            if (!variable) {
                node = node.statics.get(part) ?? node.statics.set(part, make()).get(part) as ResourceNode;
            } else if (variable[2]) {
                node.greedy ??= { name: variable[1], node: make() };
                node = node.greedy.node;
            } else {
                node.param ??= { name: variable[1], node: make() };
                if (node.param.name !== variable[1]) {
                    throw new ModelError(`REST API ${apiName} body: ${below} and ${node.param.node.path} name one path parameter differently; API Gateway refuses sibling parameters`);
                }
                node = node.param.node;
            }
        }
        return node;
    };

    for (const [path, item] of Object.entries(object(document.paths) ?? {})) {
        const pathItem = object(item) ?? {};
        const node = nodeAt(path);
        for (const [key, value] of Object.entries(pathItem)) {
            const httpMethod = operations[key.toLowerCase()];
            const operation = object(value);
            if (httpMethod === undefined || !operation) {
                continue;
            }
            const where = `REST API ${apiName} body ${pointer(path, key)}`;
            node.methods.set(httpMethod, readOperation({ document, schemes, validators, pathItem, operation, node, httpMethod, where, context, authorizerOf }));
        }
    }
    const apiKeySource = document["x-amazon-apigateway-api-key-source"];
    return { root, apiKeySource: typeof apiKeySource === "string" ? apiKeySource.toUpperCase() : undefined };
}

function resourceId(apiId: string, path: string): string {
    return createHash("sha256").update(`${apiId}${path}`).digest("hex").slice(0, 10);
}

interface OperationInput {
    readonly document: Json;
    readonly schemes: Json;
    readonly validators: Json;
    readonly pathItem: Json;
    readonly operation: Json;
    readonly node: ResourceNode;
    readonly httpMethod: string;
    readonly where: string;
    readonly context: BodyContext;
    readonly authorizerOf: (scheme: string) => AuthorizerModel;
}

function readOperation(input: OperationInput): MethodModel {
    const { document, schemes, validators, pathItem, operation, node, httpMethod, where, context } = input;
    // The operation's security, else the document's; API Gateway takes the first requirement.
    const security = Array.isArray(operation.security) ? operation.security : Array.isArray(document.security) ? document.security : [];
    const requirement = Object.keys(object(security[0]) ?? {});
    let authorizer: AuthorizerModel | undefined;
    let apiKeyRequired = false;
    for (const name of requirement) {
        const scheme = object(schemes[name]);
        if (!scheme) {
            throw new ModelError(`${where}/security names ${name}, which components/securitySchemes does not define`);
        }
        if (scheme["x-amazon-apigateway-authorizer"] !== undefined) {
            authorizer = input.authorizerOf(name);
        } else if (scheme.type === "apiKey") {
            apiKeyRequired = true;
        } else {
            throw new ModelError(`${where}/security names ${name}, a ${String(scheme.type)} scheme; local mode emulates Lambda authorizers and API keys`);
        }
    }
    const validatorName = operation["x-amazon-apigateway-request-validator"] ?? document["x-amazon-apigateway-request-validator"];
    const validator = typeof validatorName === "string" ? object(validators[validatorName]) : undefined;
    if (typeof validatorName === "string" && !validator) {
        throw new ModelError(`${where} uses request validator ${validatorName}, which x-amazon-apigateway-request-validators does not define`);
    }
    // "whether to validate the required request parameters": only those declared required.
    const requiredParameters = validator?.validateRequestParameters === true
        ? [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]
            .map(object)
            .flatMap((p) => (p && p.required === true && (p.in === "query" || p.in === "header") && typeof p.name === "string"
                ? [{ in: p.in === "query" ? "querystring" as const : "header" as const, name: p.name }]
                : []))
        : [];
    const methodArn = `${context.executionArn}/${context.stageName}/${httpMethod === "ANY" ? "*" : httpMethod}${node.path === "/" ? "/" : node.path}`;
    return {
        httpMethod,
        resourcePath: node.path,
        resourceId: node.id,
        authorizer,
        requiredParameters,
        apiKeyRequired,
        integration: readIntegration(operation, `${where}/x-amazon-apigateway-integration`, context, methodArn),
    };
}
