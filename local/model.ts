// What API Gateway would serve for a stack, read from the resources the program declared: the
// mTLS custom domain, its truststore object, base-path mappings, stages, the deployed REST API's
// resources and methods, their integrations and authorizers, and the Lambda functions behind them.
import type { CapturedResource } from "../mocks/program";

/** The stack declares something local mode cannot serve faithfully; the message says what. */
export class ModelError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ModelError";
    }
}

/** A Lambda function as deployed: the code archive is the resource's `code` input. */
export interface FunctionModel {
    /** Logical name in the program, e.g. dev-customer-handler. */
    readonly resourceName: string;
    readonly functionName: string;
    readonly arn: string;
    readonly region: string;
    /** "<file>.<export>", e.g. index.handler. */
    readonly handler: string;
    readonly runtime: string;
    readonly timeoutSeconds: number;
    readonly memorySize: number;
    readonly environment: Readonly<Record<string, string>>;
    /** A Pulumi AssetArchive. */
    readonly code: unknown;
}

export interface AuthorizerModel {
    readonly id: string;
    readonly name: string;
    readonly function: FunctionModel;
    /** Mapping expressions such as method.request.header.Host or context.identity.sourceIp. */
    readonly identitySources: readonly string[];
    readonly ttlSeconds: number;
    /** Why API Gateway could not invoke the function, when it could not. */
    readonly invokeProblem?: string;
}

export interface IntegrationModel {
    readonly function: FunctionModel;
    readonly invokeProblem?: string;
}

export interface MethodModel {
    readonly httpMethod: string;
    /** Template path, e.g. /customer/{customer-id}. */
    readonly resourcePath: string;
    readonly resourceId: string;
    readonly authorizer?: AuthorizerModel;
    /** Required query-string and header parameters, checked when the method has a validator. */
    readonly requiredParameters: readonly { readonly in: "querystring" | "header"; readonly name: string }[];
    readonly integration: IntegrationModel;
}

export interface ResourceNode {
    readonly id: string;
    readonly path: string;
    readonly statics: Map<string, ResourceNode>;
    param?: { readonly name: string; readonly node: ResourceNode };
    greedy?: { readonly name: string; readonly node: ResourceNode };
    readonly methods: Map<string, MethodModel>;
}

export interface StageModel {
    readonly apiId: string;
    readonly stageName: string;
    readonly accountId: string;
    readonly region: string;
    readonly variables: Readonly<Record<string, string>> | null;
    readonly accessLogFormat?: string;
    readonly root: ResourceNode;
}

export interface MappingModel {
    /** Path segments of the base path; empty for the root mapping. */
    readonly basePath: readonly string[];
    /** The mapped stage; absent when callers name the stage after the base path. */
    readonly stage?: StageModel;
    readonly stages: ReadonlyMap<string, StageModel>;
}

export interface DomainModel {
    readonly domainName: string;
    readonly securityPolicy: string;
    /** Exactly the content of the truststore object the domain points to. */
    readonly truststorePem: string;
    readonly truststoreUri: string;
    readonly truststoreVersion?: string;
    /** Longest base path first, so the first match is the one API Gateway picks. */
    readonly mappings: readonly MappingModel[];
    readonly functions: readonly FunctionModel[];
}

const type = {
    domain: "aws:apigateway/domainName:DomainName",
    mapping: "aws:apigateway/basePathMapping:BasePathMapping",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    stage: "aws:apigateway/stage:Stage",
    deployment: "aws:apigateway/deployment:Deployment",
    api: "aws:apigateway/restApi:RestApi",
    resource: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    integration: "aws:apigateway/integration:Integration",
    authorizer: "aws:apigateway/authorizer:Authorizer",
    validator: "aws:apigateway/requestValidator:RequestValidator",
    function: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
};

/** An ARN pattern with * and ? wildcards, as Lambda permissions and IAM policies use them. */
export function arnPattern(pattern: string): RegExp {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
}

/** The function ARN inside an integration or authorizer URI (…/functions/<arn>/invocations). */
export function functionArnOfUri(uri: string): string | undefined {
    return /\/functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1];
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

class Stack {
    constructor(readonly resources: readonly CapturedResource[]) {}

    all(t: string): CapturedResource[] {
        return this.resources.filter((r) => r.type === t && r.custom);
    }
}

function readFunction(r: CapturedResource): FunctionModel {
    const arn = String(r.outputs.arn);
    const variables = r.inputs.environment?.variables ?? {};
    return {
        resourceName: r.name,
        functionName: String(r.outputs.name ?? r.id),
        arn,
        region: arn.split(":")[3] ?? "us-east-1",
        handler: text(r.inputs.handler) ?? "index.handler",
        runtime: text(r.inputs.runtime) ?? "nodejs",
        timeoutSeconds: Number(r.inputs.timeout ?? 3),
        memorySize: Number(r.inputs.memorySize ?? 128),
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        code: r.inputs.code,
    };
}

/** Builds the model of the one mTLS domain the stack declares; throws ModelError on what it cannot serve. */
export function buildModel(resources: readonly CapturedResource[]): DomainModel {
    const stack = new Stack(resources);
    const domains = stack.all(type.domain);
    if (domains.length !== 1) {
        throw new ModelError(`local mode serves one custom domain; the stack declares ${domains.length} (${domains.map((d) => d.inputs.domainName).join(", ") || "none"})`);
    }
    const domain = domains[0];
    const domainName = String(domain.inputs.domainName);
    const mtls = domain.inputs.mutualTlsAuthentication;
    const truststoreUri = text(mtls?.truststoreUri);
    if (!truststoreUri) {
        throw new ModelError(`domain ${domainName} has no mutualTlsAuthentication.truststoreUri; local mode emulates mTLS domains only`);
    }
    const truststoreVersion = text(mtls?.truststoreVersion);
    const truststorePem = truststoreContent(stack, domainName, truststoreUri, truststoreVersion);

    const functions = new Map<string, FunctionModel>();
    const functionOf = (uri: unknown, what: string): FunctionModel => {
        const arn = functionArnOfUri(String(uri ?? ""));
        const found = stack.all(type.function).find((f) => arn !== undefined && (f.outputs.arn === arn || arn.startsWith(`${f.outputs.arn}:`)));
        if (!found) {
            throw new ModelError(`${what} invokes ${uri}, which is no Lambda function of this stack`);
        }
        if (!functions.has(found.name)) {
            functions.set(found.name, readFunction(found));
        }
        return functions.get(found.name) as FunctionModel;
    };

    const mappings = stack.all(type.mapping)
        .filter((m) => m.inputs.domainName === domainName)
        .map((m) => readMapping(stack, m, functionOf))
        .sort((a, b) => b.basePath.length - a.basePath.length);
    return {
        domainName,
        securityPolicy: text(domain.inputs.securityPolicy) ?? "TLS_1_0",
        truststorePem,
        truststoreUri,
        truststoreVersion,
        mappings,
        functions: [...functions.values()],
    };
}

function truststoreContent(stack: Stack, domainName: string, uri: string, version: string | undefined): string {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    const object = match && stack.all(type.object).find((o) => o.inputs.bucket === match[1] && o.inputs.key === match[2]);
    if (!object) {
        throw new ModelError(`domain ${domainName} trusts ${uri}, which is no S3 object of this stack; local mode serves only what the stack declares`);
    }
    if (version !== undefined && object.outputs.versionId !== version) {
        throw new ModelError(`domain ${domainName} pins truststoreVersion ${version} but ${uri} is at version ${object.outputs.versionId}; pin the object's versionId`);
    }
    const content = text(object.inputs.content);
    if (content === undefined) {
        throw new ModelError(`truststore object ${uri} has no inline content; local mode reads the bundle from the object's content`);
    }
    return content;
}

type FunctionOf = (uri: unknown, what: string) => FunctionModel;

function readMapping(stack: Stack, mapping: CapturedResource, functionOf: FunctionOf): MappingModel {
    const apiId = String(mapping.inputs.restApi);
    const api = stack.all(type.api).find((a) => a.id === apiId);
    if (!api) {
        throw new ModelError(`base-path mapping ${mapping.name} maps REST API ${apiId}, which this stack does not declare`);
    }
    const stages = new Map<string, StageModel>();
    for (const stage of stack.all(type.stage).filter((s) => s.inputs.restApi === apiId)) {
        const deployment = stack.all(type.deployment).find((d) => d.id === stage.inputs.deployment);
        if (!deployment || deployment.inputs.restApi !== apiId) {
            throw new ModelError(`stage ${stage.inputs.stageName} of REST API ${apiId} has no deployment of that API; add an aws.apigateway.Deployment`);
        }
        stages.set(String(stage.inputs.stageName), readStage(stack, api, stage, functionOf));
    }
    const basePath = text(mapping.inputs.basePath);
    const stageName = text(mapping.inputs.stageName);
    const stage = stageName === undefined ? undefined : stages.get(stageName);
    if (stageName !== undefined && !stage) {
        throw new ModelError(`base-path mapping ${mapping.name} maps stage ${stageName}, which REST API ${apiId} does not have`);
    }
    return {
        basePath: basePath === undefined || basePath === "(none)" ? [] : basePath.split("/").filter((s) => s !== ""),
        stage,
        stages,
    };
}

function readStage(stack: Stack, api: CapturedResource, stage: CapturedResource, functionOf: FunctionOf): StageModel {
    const executionArn = String(api.outputs.executionArn);
    const [, , , region, accountId] = executionArn.split(":");
    const stageName = String(stage.inputs.stageName);
    const permissions = stack.all(type.permission);
    const invokeProblem = (fn: FunctionModel, sourceArn: string, credentials: unknown): string | undefined => {
        if (text(credentials)) {
            return undefined;
        }
        const allowed = permissions.some((p) =>
            (p.inputs.function === fn.functionName || p.inputs.function === fn.arn)
            && p.inputs.principal === "apigateway.amazonaws.com"
            && ["lambda:InvokeFunction", "lambda:*"].includes(p.inputs.action)
            && (text(p.inputs.sourceArn) === undefined || arnPattern(p.inputs.sourceArn).test(sourceArn)));
        return allowed ? undefined : `no aws.lambda.Permission lets apigateway.amazonaws.com invoke ${fn.functionName} from ${sourceArn}`;
    };

    const nodes = new Map<string, ResourceNode>();
    const rootId = String(api.outputs.rootResourceId);
    const root: ResourceNode = { id: rootId, path: "/", statics: new Map(), methods: new Map() };
    nodes.set(rootId, root);
    const resources = stack.all(type.resource).filter((r) => r.inputs.restApi === api.id);
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

    const validators = stack.all(type.validator).filter((v) => v.inputs.restApi === api.id);
    for (const method of stack.all(type.method).filter((m) => m.inputs.restApi === api.id)) {
        const node = nodes.get(String(method.inputs.resourceId));
        const httpMethod = String(method.inputs.httpMethod).toUpperCase();
        const where = `method ${httpMethod} ${node?.path ?? method.inputs.resourceId}`;
        if (!node) {
            throw new ModelError(`${where} is on a resource REST API ${api.id} does not have`);
        }
        const methodArn = `${executionArn}/${stageName}/${httpMethod === "ANY" ? "*" : httpMethod}${node.path === "/" ? "/" : node.path}`;
        const integration = stack.all(type.integration).find((i) =>
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
            authorizer = readAuthorizer(stack, api, String(method.inputs.authorizerId), where, functionOf, invokeProblem, executionArn);
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
            integration: { function: fn, invokeProblem: invokeProblem(fn, methodArn, integration.inputs.credentials) },
        });
    }
    const variables = stage.inputs.variables;
    return {
        apiId: api.id,
        stageName,
        accountId,
        region,
        variables: variables && Object.keys(variables).length > 0 ? variables : null,
        accessLogFormat: text(stage.inputs.accessLogSettings?.format),
        root,
    };
}

function readAuthorizer(
    stack: Stack, api: CapturedResource, id: string, where: string, functionOf: FunctionOf,
    invokeProblem: (fn: FunctionModel, sourceArn: string, credentials: unknown) => string | undefined, executionArn: string,
): AuthorizerModel {
    const r = stack.all(type.authorizer).find((a) => a.id === id && a.inputs.restApi === api.id);
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

/** Where a request lands: refused at the domain, no such method, or a method with its parameters. */
export type Route =
    | { readonly kind: "no-mapping" }
    | { readonly kind: "no-method" }
    | {
        readonly kind: "method";
        readonly stage: StageModel;
        readonly method: MethodModel;
        /** The path below the stage, as the proxy event's `path`. */
        readonly path: string;
        readonly pathParameters: Record<string, string> | null;
    };

function decode(segment: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        return segment;
    }
}

function findResource(node: ResourceNode, segments: readonly string[], at: number, params: Record<string, string>): ResourceNode | undefined {
    if (at === segments.length) {
        return node;
    }
    const segment = segments[at];
    const literal = node.statics.get(segment);
    const found = literal && findResource(literal, segments, at + 1, params);
    if (found) {
        return found;
    }
    if (node.param) {
        const below = findResource(node.param.node, segments, at + 1, params);
        if (below) {
            params[node.param.name] = decode(segment);
            return below;
        }
    }
    if (node.greedy) {
        params[node.greedy.name] = segments.slice(at).map(decode).join("/");
        return node.greedy.node;
    }
    return undefined;
}

/** Routes a request path (without query) as API Gateway routes it on a custom domain. */
export function route(domain: DomainModel, pathname: string, httpMethod: string): Route {
    const segments = pathname.split("/").filter((s) => s !== "");
    const mapping = domain.mappings.find((m) => m.basePath.every((part, i) => segments[i] === part));
    if (!mapping) {
        return { kind: "no-mapping" };
    }
    let rest = segments.slice(mapping.basePath.length);
    let stage = mapping.stage;
    if (!stage) {
        stage = mapping.stages.get(rest[0] ?? "");
        rest = rest.slice(1);
        if (!stage) {
            return { kind: "no-mapping" };
        }
    }
    const params: Record<string, string> = {};
    const node = findResource(stage.root, rest, 0, params);
    const method = node && (node.methods.get(httpMethod) ?? node.methods.get("ANY"));
    if (!method) {
        return { kind: "no-method" };
    }
    return {
        kind: "method",
        stage,
        method,
        path: `/${rest.join("/")}`,
        pathParameters: Object.keys(params).length > 0 ? params : null,
    };
}
