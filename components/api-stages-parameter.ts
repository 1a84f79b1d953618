import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface ApiStagesParameterArgs {
    /** Name of the parameter, the one the authorizer reads (`apiStagesParameterName`). */
    readonly parameterName: string;
    /** Each API's id and stage, by API name. */
    readonly stages: Readonly<Record<string, { readonly restApiId: pulumi.Input<string>; readonly stageName: pulumi.Input<string> }>>;
}

/**
 * The stage of every API behind the domain, `{api: "<restApiId>/<stage>"}` as JSON, for the
 * authorizer to name in an Allow the stages a partner may call. Made after the APIs, whose
 * operations need the authorizer; nothing secret (ids and stage names).
 */
export class ApiStagesParameter extends pulumi.ComponentResource {
    public readonly parameter: aws.ssm.Parameter;

    constructor(name: string, args: ApiStagesParameterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:api:ApiStagesParameter`, name, {}, opts);
        const stages = Object.fromEntries(Object.entries(args.stages).map(([api, stage]) => [api, pulumi.interpolate`${stage.restApiId}/${stage.stageName}`]));
        this.parameter = new aws.ssm.Parameter(`${name}-parameter`, {
            name: args.parameterName,
            type: "String",
            description: "Stage of each API behind the partner domain, by API name, for the authorizer's Allow",
            value: pulumi.all(stages).apply((value) => JSON.stringify(value)),
        }, { parent: this });
        this.registerOutputs({ parameter: this.parameter });
    }
}
