// What local mode serves, as API Gateway holds it: the mTLS custom domain, its base-path
// mappings, the stages of their REST APIs with their resource trees, methods, integrations,
// authorizers and usage plans, the Lambda functions behind them and the SSM parameters they
// read. Built by buildModel (tools/local/model.ts).
import type { UsageLimits } from "../../core/usage/limits";

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

/** A Lambda proxy integration (`AWS_PROXY`) to a function of the stack. */
export interface LambdaIntegration {
    readonly kind: "lambda";
    readonly function: FunctionModel;
    readonly invokeProblem?: string;
}

/**
 * Where an integration request's parameter comes from, as API Gateway's parameter mapping names
 * it: `method.request.<path|querystring|header>.<name>`, `context.<a.b>`, `stageVariables.<name>`
 * or a static value (`'value'` in the mapping).
 */
export type MappingSource =
    | { readonly from: "path" | "querystring" | "header"; readonly name: string }
    | { readonly from: "context"; readonly path: readonly string[] }
    | { readonly from: "stageVariables"; readonly name: string }
    | { readonly from: "static"; readonly value: string };

/** One `integration.request.<in>.<name>` of an integration's requestParameters. */
export interface ParameterMapping {
    readonly in: "path" | "querystring" | "header";
    readonly name: string;
    readonly source: MappingSource;
}

/** A method response header: a static value, or a header of the backend's response. */
export type ResponseHeader =
    | { readonly name: string; readonly value: string }
    | { readonly name: string; readonly fromBackendHeader: string };

/** An integration response: the method response it gives when its selection pattern matches. */
export interface IntegrationResponse {
    /** Matched against the whole status code (HTTP) or the mock's statusCode; undefined: the default response. */
    readonly selectionPattern?: RegExp;
    readonly statusCode: number;
    /** Header name to a static value or an `integration.response.header.<name>` of the backend. */
    readonly headers: readonly ResponseHeader[];
    /** The static body of its response template; undefined passes the backend's body through. */
    readonly body?: string;
}

/** An `http` or `http_proxy` integration to a URL, or to the API's `localUrl` in local mode. */
export interface HttpIntegration {
    readonly kind: "http";
    /** `http_proxy`: the whole request and response pass; `http`: only what is mapped. */
    readonly proxy: boolean;
    /** The URI with `{name}` placeholders for integration.request.path parameters. */
    readonly uri: string;
    /** The origin (and path prefix) that replaces the URI's in local mode, from `apis.<name>.localUrl`. */
    readonly localUrl?: string;
    /** The integration's HTTP method; ANY sends the method of the request. */
    readonly httpMethod: string;
    readonly requestParameters: readonly ParameterMapping[];
    /** Static request bodies by content type (`http` only); none passes the body through. */
    readonly requestTemplates: Readonly<Record<string, string>>;
    readonly passthroughBehavior: "when_no_match" | "when_no_templates" | "never";
    /** Integration responses (`http` only). */
    readonly responses: readonly IntegrationResponse[];
    readonly timeoutMs: number;
}

/** A `mock` integration: the status code of its request template selects an integration response. */
export interface MockIntegration {
    readonly kind: "mock";
    /** Static request templates by content type, each `{"statusCode": <n>, ...}`; none selects the default response. */
    readonly statusCodes: Readonly<Record<string, number>>;
    readonly responses: readonly IntegrationResponse[];
}

/** An API another stack deploys, mapped onto the domain: local mode passes calls to its `localUrl`. */
export interface ElsewhereIntegration {
    readonly kind: "elsewhere";
    /** Its key in the `apis` config. */
    readonly apiName: string;
    readonly restApiId: string;
    readonly localUrl?: string;
}

export type IntegrationModel = LambdaIntegration | HttpIntegration | MockIntegration | ElsewhereIntegration;

export interface MethodModel {
    readonly httpMethod: string;
    /** Template path, e.g. /customer/{customer-id}. */
    readonly resourcePath: string;
    readonly resourceId: string;
    readonly authorizer?: AuthorizerModel;
    /** Required query-string and header parameters, checked when the method has a validator. */
    readonly requiredParameters: readonly { readonly in: "querystring" | "header"; readonly name: string }[];
    /** Whether a call needs an API key in a usage plan of the stage (`apiKeyRequired`). */
    readonly apiKeyRequired: boolean;
    readonly integration: IntegrationModel;
}

/** An API key, as an `aws.apigateway.ApiKey` holds it. */
export interface ApiKeyModel {
    readonly id: string;
    readonly name: string;
    /** Whom the key stands for: its `partner` tag, else its name. */
    readonly partner: string;
    readonly value: string;
    readonly enabled: boolean;
}

/** A usage plan on one stage: its limits and the keys added to it. */
export interface UsagePlanModel {
    readonly id: string;
    readonly name: string;
    /** A plan without throttleSettings has the account's limit; one without quotaSettings, no quota (limit Infinity). */
    readonly limits: UsageLimits;
    readonly keys: readonly ApiKeyModel[];
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
    /** Where a method that requires an API key takes it from: the `x-api-key` header, or the authorizer's `usageIdentifierKey`. */
    readonly apiKeySource: "HEADER" | "AUTHORIZER";
    /** The usage plans that name this stage in their apiStages. */
    readonly usagePlans: readonly UsagePlanModel[];
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
    /** Every SSM parameter of the stack, for the local SSM endpoint its functions call. */
    readonly parameters: readonly ParameterModel[];
}

/** An SSM parameter as GetParameter returns it, with the value in plain text. */
export interface ParameterModel {
    readonly name: string;
    readonly type: "String" | "StringList" | "SecureString";
    readonly value: string;
    readonly version: number;
    readonly arn: string;
}

/** The stack declares something local mode cannot serve faithfully; the message says what. */
export class ModelError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ModelError";
    }
}

/** What local mode reads of an API's entry in the `apis` config: where its calls go on this machine. */
export interface LocalApiConfig {
    /** Its key in `apis`. */
    readonly name: string;
    readonly basePath: string;
    /** Set for an API another stack deploys. */
    readonly restApiId?: string;
    /** `http://127.0.0.1:<port>` or another origin (with an optional path) that serves the API here. */
    readonly localUrl?: string;
}
