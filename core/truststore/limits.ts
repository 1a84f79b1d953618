// API Gateway's documented limits for a mutual TLS truststore, shared by the bundle checks, the
// client verifier and the CLI. Pure: no AWS, no Pulumi.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html

/** The largest truststore API Gateway takes, in bytes (1 MiB). */
export const MAX_BUNDLE_BYTES = 1_048_576;

/** The most certificates a truststore may hold. */
export const MAX_CERTIFICATES = 1_000;

/** The most CA levels from a client certificate up to its root, the root included. */
export const MAX_CA_LEVELS = 4;
