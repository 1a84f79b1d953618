// The dev stack (Pulumi.dev.yaml) written with the AWS CDK and synthesized under cdk-nag's
// AwsSolutions checks: what a team on CDK would run where this project runs the program and
// its policy pack under mocks. The same AWS resources: truststore bucket and object, mTLS domain,
// base-path mapping, alias record, the REST API with its validator, authorizer and stage, two
// functions with their roles and log groups, the account's CloudWatch role, usage plans and API
// keys per partner, the keys' SecureString-sized parameter, alarms, metric filters and a
// dashboard. The PKI has no CDK counterpart (no TLS provider): the bundle is the repository's
// partner CA and a placeholder chain.
// Usage: node tools/bench/cdk/app.mjs <out-dir>; prints {"synthMs", "resources", "findings", "failed"} on
// its last line (cdk-nag prints its findings before).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as targets from "aws-cdk-lib/aws-route53-targets";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import * as sns from "aws-cdk-lib/aws-sns";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { AwsSolutionsChecks } from "cdk-nag";

const started = performance.now();
const projectDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const outdir = process.argv[2];
const app = new App({ outdir });
const stack = new Stack(app, "apigw-mtls-dev", { env: { account: "123456789012", region: "eu-west-1" } });
const partners = [
    { name: "acme-bank" },
    { name: "initech", throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10000, period: apigw.Period.DAY } },
    { name: "globex" },
    { name: "vandelay" },
];

const bucket = new s3.Bucket(stack, "truststore", {
    versioned: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.RETAIN,
});
const bundle = readFileSync(join(projectDir, "partners", "globex-ca.pem"), "utf8");
new s3deploy.BucketDeployment(stack, "truststore-object", { destinationBucket: bucket, sources: [s3deploy.Source.data("truststore.pem", bundle)] });

const handler = (name) => {
    const logGroup = new logs.LogGroup(stack, `${name}-logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    return new lambda.Function(stack, name, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: "index.handler",
        code: lambda.Code.fromInline("exports.handler = async () => ({ statusCode: 200, body: '{}' });"),
        logGroup,
        timeout: Duration.seconds(5),
    });
};
const customer = handler("customer");
const authorizerFunction = handler("authorizer");
const usageKeys = new ssm.StringParameter(stack, "usage-keys", { stringValue: "{}", tier: ssm.ParameterTier.STANDARD });
usageKeys.grantRead(authorizerFunction);

const accessLogs = new logs.LogGroup(stack, "access-logs", { retention: logs.RetentionDays.ONE_MONTH });
const cloudWatchRole = new iam.Role(stack, "gateway-cloudwatch", {
    assumedBy: new iam.ServicePrincipal("apigateway.amazonaws.com"),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
});
new apigw.CfnAccount(stack, "gateway-account", { cloudWatchRoleArn: cloudWatchRole.roleArn });

const api = new apigw.RestApi(stack, "customer-api", {
    endpointTypes: [apigw.EndpointType.REGIONAL],
    disableExecuteApiEndpoint: true,
    cloudWatchRole: false,
    apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
    deployOptions: {
        stageName: "v1",
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify({ requestId: "$context.requestId", subject: "$context.identity.clientCert.subjectDN", serial: "$context.identity.clientCert.serialNumber" })),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        metricsEnabled: true,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
    },
});
const authorizer = new apigw.RequestAuthorizer(stack, "partner-authorizer", { handler: authorizerFunction, identitySources: [apigw.IdentitySource.context("identity.clientCert.serialNumber")], resultsCacheTtl: Duration.seconds(0) });
const validator = api.addRequestValidator("path", { validateRequestParameters: true });
api.root.addResource("customer").addResource("{customer-id}").addMethod("GET", new apigw.LambdaIntegration(customer), {
    authorizer,
    apiKeyRequired: true,
    requestValidator: validator,
    requestParameters: { "method.request.path.customer-id": true },
});

const domain = new apigw.DomainName(stack, "domain", {
    domainName: "api.dev.example.com",
    certificate: acm.Certificate.fromCertificateArn(stack, "certificate", "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
    endpointType: apigw.EndpointType.REGIONAL,
    securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    mtls: { bucket, key: "truststore.pem", version: "1" },
});
domain.addBasePathMapping(api, { basePath: "c360" });
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, "zone", { hostedZoneId: "Z0DEV0EXAMPLE0COM00A", zoneName: "dev.example.com" });
new route53.ARecord(stack, "alias", { zone, recordName: "api.dev.example.com", target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain)) });

const plans = new Map();
for (const partner of partners) {
    const limits = JSON.stringify([partner.throttle, partner.quota]);
    if (!plans.has(limits)) {
        plans.set(limits, api.addUsagePlan(`plan-${plans.size}`, {
            throttle: partner.throttle ?? { rateLimit: 50, burstLimit: 100 },
            quota: partner.quota,
            apiStages: [{ api, stage: api.deploymentStage }],
        }));
    }
    plans.get(limits).addApiKey(api.addApiKey(`${partner.name}-key`));
}

const alarms = new sns.Topic(stack, "alarms", { enforceSSL: true });
const alarm = (name, metric) => new cloudwatch.Alarm(stack, name, { metric, threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING });
const dimensionsMap = { ApiName: "customer-api", Stage: "v1" };
const gatewayMetric = (metricName) => new cloudwatch.Metric({ namespace: "AWS/ApiGateway", metricName, dimensionsMap, period: Duration.minutes(5), statistic: "Sum" });
const watched = [
    alarm("5xx", gatewayMetric("5XXError")),
    alarm("4xx", gatewayMetric("4XXError")),
    alarm("authorizer-errors", authorizerFunction.metricErrors()),
    alarm("customer-errors", customer.metricErrors()),
];
for (const [name, pattern] of [["denied", "{ $.status = 403 }"], ["throttled", "{ $.status = 429 }"]]) {
    new logs.MetricFilter(stack, `${name}-filter`, { logGroup: accessLogs, metricNamespace: "apigw-mtls", metricName: name, filterPattern: logs.FilterPattern.literal(pattern) });
}
new cloudwatch.Dashboard(stack, "dashboard", { widgets: [watched.map((a) => new cloudwatch.AlarmWidget({ alarm: a }))] });
for (const a of watched) {
    a.addAlarmAction({ bind: () => ({ alarmActionArn: alarms.topicArn }) });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
// Unacknowledged findings fail the synthesis after every check has run, as mandatory policy
// violations fail a preview: the time is the same either way, and the report says what they were.
let failed = false;
try {
    app.synth();
} catch {
    failed = true;
}
const synthMs = Math.round(performance.now() - started);
const template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), "utf8"));
const report = JSON.parse(readFileSync(join(outdir, "validation-report.json"), "utf8"));
const findings = report.pluginReports.flatMap((plugin) => plugin.violations).reduce((sum, violation) => sum + violation.violatingConstructs.length, 0);
console.log(JSON.stringify({ synthMs, resources: Object.keys(template.Resources).length, findings, failed }));
