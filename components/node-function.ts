import * as aws from "@pulumi/aws";
import * as esbuild from "esbuild";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../core/config/keys";

export interface NodeFunctionArgs {
    /** The handler's module, as `require.resolve("../handlers/<name>")` gives it; bundled as `index.js`, it exports `handler`. */
    readonly entry: string;
    /** Files to package beside the code, name to content. Default: none. */
    readonly files?: pulumi.Input<Readonly<Record<string, string>>>;
    /** Environment variables of the function. Default: none. */
    readonly environment?: pulumi.Input<Readonly<Record<string, string>>>;
    /** Seconds one invocation may run. Default: 10. */
    readonly timeout?: pulumi.Input<number>;
    /** Memory of the function in MB. Default: 256. */
    readonly memorySize?: pulumi.Input<number>;
    /** Days to keep the function's logs (a CloudWatch Logs retention value). */
    readonly logRetentionDays: pulumi.Input<number>;
    /** What the function may do beyond writing its logs, as statements of an inline role policy. Default: nothing. */
    readonly policyStatements?: pulumi.Input<pulumi.Input<aws.iam.PolicyStatement>[]>;
}

/** Lambda runtime of the handlers: the newest Node.js LTS that Lambda runs. */
const lambdaRuntime = aws.lambda.Runtime.NodeJS24dX;

/** The trust policy that lets Lambda assume a function's role. */
const lambdaAssumeRolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

const bundles = new Map<string, string>();

/**
 * Bundles one handler and what it imports into a single CommonJS file for the Lambda Node.js
 * runtime. The entry is the TypeScript source under ts-node, the compiled JavaScript when the
 * project runs from tsc output; esbuild takes either. Bundled once per process: stacks with many
 * functions stay fast. Exported for testing.
 *
 * AWS SDK v3 (`@aws-sdk/*`) stays out of the bundle: the Lambda runtime provides it, and the
 * bundle is a StringAsset that Pulumi keeps whole in the stack's state, where the SSM client bundled
 * would take the authorizer's 10 KB to 1.5 MB. A handler that loads it lazily gets a
 * `require`, not an `import()`: Lambda finds its SDK through NODE_PATH, which `import()` ignores.
 */
export function bundleHandler(entry: string): string {
    const file = path.resolve(entry);
    let code = bundles.get(file);
    if (code === undefined) {
        const result = esbuild.buildSync({
            entryPoints: [file],
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            external: ["@aws-sdk/*"],
            supported: { "dynamic-import": false },
            minify: false,
            write: false,
            logLevel: "silent",
        });
        code = result.outputFiles[0].text;
        bundles.set(file, code);
    }
    return code;
}

/** A Lambda code archive holding the bundled handler as `index.js`, and `files` (name to content) beside it. */
function handlerArchive(entry: string, files: Readonly<Record<string, string>>): pulumi.asset.AssetArchive {
    const assets: Record<string, pulumi.asset.Asset> = { "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) };
    for (const [name, content] of Object.entries(files)) {
        assets[name] = new pulumi.asset.StringAsset(content);
    }
    return new pulumi.asset.AssetArchive(assets);
}

/**
 * A Node.js Lambda function on arm64 with its own role, allowed to write its logs and what
 * `policyStatements` allow, and its own log group with a retention, in JSON. The function has the
 * component's name; its role, policy attachment, inline policy and log group add `-role`, `-logs`,
 * `-policy` and `-log`.
 */
export class NodeFunction extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;

    constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${projectName}:lambda:NodeFunction`, name, {}, opts);
        const child = { parent: this };

        const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: lambdaAssumeRolePolicy }, child);
        const logging = new aws.iam.RolePolicyAttachment(`${name}-logs`, {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
        }, child);
        // The function waits for its permissions: a first call must not fail for want of them.
        const permissions: pulumi.Resource[] = [logging];
        if (args.policyStatements !== undefined) {
            permissions.push(new aws.iam.RolePolicy(`${name}-policy`, {
                role: role.name,
                policy: pulumi.output(args.policyStatements).apply((statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements })),
            }, child));
        }
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-log`, { retentionInDays: args.logRetentionDays }, child);
        const environment = args.environment;
        this.function = new aws.lambda.Function(name, {
            runtime: lambdaRuntime,
            architectures: ["arm64"],
            handler: "index.handler",
            code: pulumi.output(args.files ?? {}).apply((files) => handlerArchive(args.entry, files)),
            role: role.arn,
            memorySize: args.memorySize ?? 256,
            timeout: args.timeout ?? 10,
            environment: environment === undefined ? undefined : { variables: environment },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        }, { ...child, dependsOn: permissions });

        this.registerOutputs({ function: this.function });
    }
}
