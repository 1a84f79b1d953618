// What API Gateway would serve for a stack (tools/local/domain-model.ts), read from the resources the
// program declared: the mTLS custom domain, its truststore object, base-path mappings, stages, the
// REST APIs' methods (from their OpenAPI body, tools/local/openapi-model.ts, or their declared
// resources, tools/local/declared-model.ts), their integrations and authorizers, APIs deployed elsewhere
// (tools/local/elsewhere-model.ts), the usage plans and API keys of each stage, the Lambda
// functions behind them and the SSM parameters; ModelError for what local mode cannot serve faithfully.
import { resourceTypes } from "../../core/resource-types";
import type { CapturedResource } from "../simulator/program";
import { ModelError } from "./domain-model";
import type { DomainModel, FunctionModel, LocalApiConfig, MappingModel, ParameterModel, ResourceNode, StageModel } from "./domain-model";
import { readDeclaredMethods } from "./declared-model";
import { elsewhereStage } from "./elsewhere-model";
import { parseBody, readBodyApi } from "./openapi-model";
import { readUsagePlans } from "./usage-plan-model";

export { ModelError };

const type = {
    domain: resourceTypes.apigatewayDomainName,
    mapping: resourceTypes.apigatewayBasePathMapping,
    object: resourceTypes.s3BucketObjectv2,
    stage: resourceTypes.apigatewayStage,
    deployment: resourceTypes.apigatewayDeployment,
    api: resourceTypes.apigatewayRestApi,
    method: resourceTypes.apigatewayMethod,
    function: resourceTypes.lambdaFunction,
    permission: resourceTypes.lambdaPermission,
    apiKey: resourceTypes.apigatewayApiKey,
    usagePlan: resourceTypes.apigatewayUsagePlan,
    usagePlanKey: resourceTypes.apigatewayUsagePlanKey,
    parameter: resourceTypes.ssmParameter,
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

/**
 * Builds the model of the one mTLS domain the stack declares; throws ModelError on what it cannot
 * serve. `apis` is the stack's `apis` config: where each API's calls go on this machine.
 */
export function buildModel(resources: readonly CapturedResource[], apis: readonly LocalApiConfig[] = []): DomainModel {
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
    const loaded = (found: CapturedResource): FunctionModel => {
        if (!functions.has(found.name)) {
            functions.set(found.name, readFunction(found));
        }
        return functions.get(found.name) as FunctionModel;
    };
    const functionOf = (uri: unknown, what: string): FunctionModel => {
        const arn = typeof uri === "string" ? functionArnOfUri(uri) : undefined;
        const found = stack.all(type.function).find((f) => arn !== undefined && (f.outputs.arn === arn || arn.startsWith(`${f.outputs.arn}:`)));
        if (!found) {
            throw new ModelError(`${what} invokes ${typeof uri === "string" ? uri : String(JSON.stringify(uri))}, which is no Lambda function of this stack`);
        }
        return loaded(found);
    };
    const functionNamed = (nameOrArn: string): FunctionModel | undefined => {
        const found = stack.all(type.function).find((f) => f.outputs.name === nameOrArn || f.outputs.arn === nameOrArn);
        return found && loaded(found);
    };

    const mappings = stack.all(type.mapping)
        .filter((m) => m.inputs.domainName === domainName)
        .map((m) => readMapping(stack, m, { functionOf, functionNamed }, apis))
        .sort((a, b) => b.basePath.length - a.basePath.length);
    return {
        domainName,
        securityPolicy: text(domain.inputs.securityPolicy) ?? "TLS_1_0",
        truststorePem,
        truststoreUri,
        truststoreVersion,
        mappings,
        functions: [...functions.values()],
        parameters: stack.all(type.parameter).map(readParameter),
    };
}

const parameterTypes = ["String", "StringList", "SecureString"] as const;

function readParameter(r: CapturedResource): ParameterModel {
    const name = text(r.inputs.name) ?? text(r.outputs.name) ?? r.name;
    const kind = parameterTypes.find((t) => t === r.inputs.type);
    if (kind === undefined) {
        throw new ModelError(`SSM parameter ${name} is of type ${String(r.inputs.type)}; set type to one of ${parameterTypes.join(", ")}`);
    }
    const value = [r.inputs.value, r.inputs.insecureValue, r.outputs.value].find((v) => typeof v === "string");
    if (typeof value !== "string") {
        throw new ModelError(`SSM parameter ${name} has no value in the program; local mode serves the value the program sets`);
    }
    const arn = text(r.outputs.arn);
    if (arn === undefined) {
        throw new ModelError(`SSM parameter ${name} has no arn output; the mocks give every parameter one`);
    }
    return { name, type: kind, value, version: Number(r.outputs.version ?? 1), arn };
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

/** How a mapping finds the stack's functions: by the URI that invokes one, or by name or ARN. */
interface Functions {
    readonly functionOf: FunctionOf;
    readonly functionNamed: (nameOrArn: string) => FunctionModel | undefined;
}

function segments(basePath: string | undefined): string[] {
    return basePath === undefined || basePath === "(none)" ? [] : basePath.split("/").filter((s) => s !== "");
}

function readMapping(stack: Stack, mapping: CapturedResource, { functionOf, functionNamed }: Functions, apis: readonly LocalApiConfig[]): MappingModel {
    const apiId = String(mapping.inputs.restApi);
    const basePath = segments(text(mapping.inputs.basePath));
    const stageName = text(mapping.inputs.stageName);
    const api = stack.all(type.api).find((a) => a.id === apiId);
    if (!api) {
        const elsewhere = apis.find((a) => a.restApiId === apiId);
        if (!elsewhere || stageName === undefined) {
            throw new ModelError(`base-path mapping ${mapping.name} maps REST API ${apiId}, which this stack does not declare; name it in apigw-mtls:apis with restApiId ${apiId} and its stageName`);
        }
        const stage = elsewhereStage({ resources: stack.resources, api: elsewhere, restApiId: apiId, stageName, functionNamed });
        return { basePath, stage, stages: new Map([[stageName, stage]]) };
    }
    const config = apis.find((a) => a.restApiId === undefined && segments(a.basePath).join("/") === basePath.join("/"));
    const stages = new Map<string, StageModel>();
    for (const stage of stack.all(type.stage).filter((s) => s.inputs.restApi === apiId)) {
        const deployment = stack.all(type.deployment).find((d) => d.id === stage.inputs.deployment);
        if (!deployment || deployment.inputs.restApi !== apiId) {
            throw new ModelError(`stage ${stage.inputs.stageName} of REST API ${apiId} has no deployment of that API; add an aws.apigateway.Deployment`);
        }
        stages.set(String(stage.inputs.stageName), readStage(stack, api, stage, functionOf, config?.localUrl));
    }
    const stage = stageName === undefined ? undefined : stages.get(stageName);
    if (stageName !== undefined && !stage) {
        throw new ModelError(`base-path mapping ${mapping.name} maps stage ${stageName}, which REST API ${apiId} does not have`);
    }
    return { basePath, stage, stages };
}

function readStage(stack: Stack, api: CapturedResource, stage: CapturedResource, functionOf: FunctionOf, localUrl: string | undefined): StageModel {
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

    const variables = stage.inputs.variables;
    const body = text(api.inputs.body);
    let bodyKeySource: string | undefined;
    let root: ResourceNode;
    if (body !== undefined) {
        if (stack.all(type.method).some((m) => m.inputs.restApi === api.id)) {
            throw new ModelError(`REST API ${api.name} has a body and declared aws.apigateway.Method resources; local mode reads an API from one of them: define every method in the OpenAPI file`);
        }
        const read = readBodyApi(parseBody(body, api.name), { apiName: api.name, apiId: api.id, executionArn, stageName, functionOf, invokeProblem, localUrl });
        root = read.root;
        bodyKeySource = read.apiKeySource;
    } else {
        root = readDeclaredMethods((t) => stack.all(t), api, stageName, functionOf, invokeProblem);
    }
    // The argument wins over the body's x-amazon-apigateway-api-key-source (the provider patches it back after the import).
    const apiKeySource = text(api.inputs.apiKeySource) ?? bodyKeySource ?? "HEADER";
    if (apiKeySource !== "HEADER" && apiKeySource !== "AUTHORIZER") {
        throw new ModelError(`REST API ${api.name} has apiKeySource ${apiKeySource}; API Gateway takes HEADER or AUTHORIZER`);
    }
    return {
        apiId: api.id,
        stageName,
        accountId,
        region,
        variables: variables && Object.keys(variables).length > 0 ? variables : null,
        accessLogFormat: text(stage.inputs.accessLogSettings?.format),
        apiKeySource,
        usagePlans: readUsagePlans((t) => stack.all(t), api.id, stageName),
        root,
    };
}
