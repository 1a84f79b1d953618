import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("apigw-mtls-guard", {
    description: "Guards partner access to Amazon API Gateway over mutual TLS: no execute-api endpoint, no EDGE, TLS 1.2 or newer, and a sound mTLS setup.",
    provider: "aws",
    tags: ["aws", "apigateway", "mtls"],
    enforcementLevel: "advisory",
    policies,
});
