import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface BasePathMappingArgs {
    /** The REST API whose stage is mapped. */
    readonly restApi: pulumi.Input<string>;
    /** The stage served under the base path. */
    readonly stageName: pulumi.Input<string>;
    /** The custom domain name that serves it. */
    readonly domainName: pulumi.Input<string>;
    /** The first path segment on the domain, such as c360. */
    readonly basePath: pulumi.Input<string>;
}

/** Serves one stage of a REST API at `https://<domain>/<basePath>/...`. */
export class BasePathMapping extends pulumi.ComponentResource {
    public readonly mapping: aws.apigateway.BasePathMapping;
    /** The base URL of the API on the custom domain. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: BasePathMappingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:domain:BasePathMapping`, name, {}, opts);
        this.mapping = new aws.apigateway.BasePathMapping(`${name}-mapping`, {
            restApi: args.restApi,
            stageName: args.stageName,
            domainName: args.domainName,
            basePath: args.basePath,
        }, { parent: this });
        this.url = pulumi.interpolate`https://${this.mapping.domainName}/${this.mapping.basePath}`;
        this.registerOutputs({ mapping: this.mapping, url: this.url });
    }
}
