/**
 * The Pulumi type tokens of every aws and tls resource the program declares, by the SDK's
 * module and class (`apigateway.DomainName` is `apigatewayDomainName`). The mocks model exactly
 * these; tests, policies and local mode find resources by them.
 */
export const resourceTypes = {
    acmCertificate: "aws:acm/certificate:Certificate",
    acmCertificateValidation: "aws:acm/certificateValidation:CertificateValidation",
    apigatewayAccount: "aws:apigateway/account:Account",
    apigatewayApiKey: "aws:apigateway/apiKey:ApiKey",
    apigatewayAuthorizer: "aws:apigateway/authorizer:Authorizer",
    apigatewayBasePathMapping: "aws:apigateway/basePathMapping:BasePathMapping",
    apigatewayDeployment: "aws:apigateway/deployment:Deployment",
    apigatewayDomainName: "aws:apigateway/domainName:DomainName",
    apigatewayIntegration: "aws:apigateway/integration:Integration",
    apigatewayMethod: "aws:apigateway/method:Method",
    apigatewayMethodSettings: "aws:apigateway/methodSettings:MethodSettings",
    apigatewayRequestValidator: "aws:apigateway/requestValidator:RequestValidator",
    apigatewayResource: "aws:apigateway/resource:Resource",
    apigatewayRestApi: "aws:apigateway/restApi:RestApi",
    apigatewayStage: "aws:apigateway/stage:Stage",
    apigatewayUsagePlan: "aws:apigateway/usagePlan:UsagePlan",
    apigatewayUsagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    cloudwatchDashboard: "aws:cloudwatch/dashboard:Dashboard",
    cloudwatchLogGroup: "aws:cloudwatch/logGroup:LogGroup",
    cloudwatchLogMetricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    cloudwatchMetricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
    route53Record: "aws:route53/record:Record",
    s3Bucket: "aws:s3/bucket:Bucket",
    s3BucketObjectv2: "aws:s3/bucketObjectv2:BucketObjectv2",
    s3BucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    s3BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    s3BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    s3BucketServerSideEncryptionConfiguration: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    s3BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    ssmParameter: "aws:ssm/parameter:Parameter",
    tlsCertRequest: "tls:index/certRequest:CertRequest",
    tlsLocallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
    tlsPrivateKey: "tls:index/privateKey:PrivateKey",
    tlsSelfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
} as const;

/** One of the type tokens above. */
export type ResourceType = (typeof resourceTypes)[keyof typeof resourceTypes];
