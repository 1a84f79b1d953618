import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface GatewayAccountArgs {
    /** An existing role API Gateway may use to write logs. Default: a role is created. */
    readonly cloudwatchRoleArn?: pulumi.Input<string>;
}

/** The trust policy that lets API Gateway assume the logging role. */
export const apiGatewayAssumeRolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * The account-level API Gateway setting that lets stages write access and execution logs.
 * It exists once per account and region; without it a stage with logging fails to deploy.
 */
export class GatewayAccount extends pulumi.ComponentResource {
    public readonly account: aws.apigateway.Account;
    /** The role API Gateway writes logs with. */
    public readonly cloudwatchRoleArn: pulumi.Output<string>;

    constructor(name: string, args: GatewayAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:apigateway:GatewayAccount`, name, {}, opts);
        this.cloudwatchRoleArn = args.cloudwatchRoleArn !== undefined
            ? pulumi.output(args.cloudwatchRoleArn)
            : this.createRole(name);
        this.account = new aws.apigateway.Account(`${name}-account`, {
            cloudwatchRoleArn: this.cloudwatchRoleArn,
        }, { parent: this });
        this.registerOutputs({ account: this.account, cloudwatchRoleArn: this.cloudwatchRoleArn });
    }

    private createRole(name: string): pulumi.Output<string> {
        const role = new aws.iam.Role(`${name}-cloudwatch-role`, { assumeRolePolicy: apiGatewayAssumeRolePolicy }, { parent: this });
        const attachment = new aws.iam.RolePolicyAttachment(`${name}-cloudwatch-logs`, {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AmazonAPIGatewayPushToCloudWatchLogs,
        }, { parent: this });
        // The account setting is refused until the role can really push logs.
        return pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
    }
}
