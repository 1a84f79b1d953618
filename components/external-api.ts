import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";
import { exportFindings, exportTitle } from "../core/openapi/export-check";

export interface ExternalApiArgs {
    /** Id of the REST API another stack deploys, in this stack's account and region. */
    readonly restApiId: string;
    /** Its stage that partners call. */
    readonly stageName: string;
    /** The stack's REQUEST authorizer: the API's owners attach it; this component lets the API invoke it. */
    readonly authorizerFunction: aws.lambda.Function;
}

/**
 * A REST API another stack deploys, put behind the partner domain: the stack cannot change its
 * methods, so it lets that API invoke the authorizer (lambda.Permission), reads the stage's
 * OpenAPI export to warn on what is wrong for partner access, and tells in one warning what the
 * owning team must do. Its stage is mapped, metered and watched like the stack's own APIs.
 */
export class ExternalApi extends pulumi.ComponentResource {
    /** The API's name, as its metrics' ApiName dimension holds it (from the export's title, else the id). */
    public readonly apiName: pulumi.Output<string>;
    /** The API's id and stage, as the mapping and the usage plans take them. */
    public readonly restApiId: pulumi.Output<string>;
    public readonly stageName: pulumi.Output<string>;

    constructor(name: string, args: ExternalApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:ExternalApi`, name, {}, opts);
        const child = { parent: this };
        this.restApiId = pulumi.output(args.restApiId);
        this.stageName = pulumi.output(args.stageName);
        const partition = aws.getPartitionOutput({}, child).partition;
        const region = aws.getRegionOutput({}, child).region;
        const account = aws.getCallerIdentityOutput({}, child).accountId;

        // Whatever authorizer the owners create on their API: its id is theirs to choose.
        new aws.lambda.Permission(`${name}-authorize`, {
            action: "lambda:InvokeFunction",
            function: args.authorizerFunction.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`arn:${partition}:execute-api:${region}:${account}:${args.restApiId}/authorizers/*`,
        }, child);

        // With API Gateway's extensions the export shows each operation's authorizer and API key
        // requirement (https://docs.aws.amazon.com/apigateway/latest/api/API_GetExport.html).
        const exported = aws.apigateway.getExportOutput({
            restApiId: args.restApiId,
            stageName: args.stageName,
            exportType: "oas30",
            accepts: "application/json",
            parameters: { extensions: "apigateway" },
        }, child).body;
        this.apiName = exported.apply((body) => exportTitle(body) ?? args.restApiId);
        const where = `apis.${name} (REST API ${args.restApiId}, stage ${args.stageName})`;
        pulumi.all([exported, args.authorizerFunction.arn, args.authorizerFunction.invokeArn]).apply(([body, arn, invokeArn]) => {
            void pulumi.log.warn(`${where} is deployed by another stack, which must: attach this stack's authorizer (output authorizerArn, ${invokeArn}) ` +
                "as a REQUEST authorizer with result TTL 0 on every method, require API keys on every method with apiKeySource AUTHORIZER, " +
                "make the API REGIONAL and disable its execute-api endpoint; this stack maps it, meters it and lets it invoke the authorizer (see docs/apis.md)", this);
            for (const finding of exportFindings(body, arn)) {
                void pulumi.log.warn(`${where}: ${finding}`, this);
            }
        });

        this.registerOutputs({ apiName: this.apiName, restApiId: this.restApiId, stageName: this.stageName });
    }
}
