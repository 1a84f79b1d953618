import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface GatewayAccountArgs {
    /**
     * The role API Gateway writes logs with, set on the account by another stack or by hand: this
     * stack then declares no account setting and never changes it. Default: the stack creates a
     * role and sets it on the account, and leaves both in place when it is destroyed.
     */
    readonly cloudwatchRoleArn?: pulumi.Input<string>;
}

/** The trust policy that lets API Gateway assume the logging role. */
export const apiGatewayAssumeRolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * The account-level API Gateway setting that lets stages write access and execution logs.
 * It exists once per account and region and every stack there shares it; without it a stage with
 * logging fails to deploy.
 *
 * Destroying an `aws.apigateway.Account` resets the setting for the whole account and region
 * (terraform-provider-aws v6, which pulumi-aws 7 bridges, "always reset account settings upon
 * destruction": https://github.com/hashicorp/terraform-provider-aws/pull/42226), which would
 * break the logging of every other stack there. So the setting, and the role it points at, are
 * retained on destroy (`retainOnDelete`, Pulumi's form of Terraform's `removed` block that the
 * PR names), and a stack given `cloudwatchRoleArn` declares no setting at all.
 */
export class GatewayAccount extends pulumi.ComponentResource {
    /** The account setting, when this stack owns it (no `cloudwatchRoleArn` given). */
    public readonly account?: aws.apigateway.Account;
    /** The role API Gateway writes logs with. */
    public readonly cloudwatchRoleArn: pulumi.Output<string>;

    constructor(name: string, args: GatewayAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:apigateway:GatewayAccount`, name, {}, opts);
        if (args.cloudwatchRoleArn !== undefined) {
            this.cloudwatchRoleArn = pulumi.output(args.cloudwatchRoleArn);
        } else {
            this.cloudwatchRoleArn = this.createRole(name);
            this.account = new aws.apigateway.Account(`${name}-account`, {
                cloudwatchRoleArn: this.cloudwatchRoleArn,
            }, { parent: this, retainOnDelete: true });
        }
        this.registerOutputs({ account: this.account, cloudwatchRoleArn: this.cloudwatchRoleArn });
    }

    /** The logging role; kept on destroy, since the retained account setting still points at it. */
    private createRole(name: string): pulumi.Output<string> {
        const kept = { parent: this, retainOnDelete: true };
        const role = new aws.iam.Role(`${name}-cloudwatch-role`, { assumeRolePolicy: apiGatewayAssumeRolePolicy }, kept);
        const attachment = new aws.iam.RolePolicyAttachment(`${name}-cloudwatch-logs`, {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AmazonAPIGatewayPushToCloudWatchLogs,
        }, kept);
        // The account setting is refused until the role can really push logs.
        return pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
    }
}
