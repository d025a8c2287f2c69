// How an S3 client for the evidence store is configured from the environment, for the Lambdas and the CLI alike.

import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** A local endpoint (moto, LocalStack) cannot serve bucket-name subdomains; real S3 keeps virtual-hosted style. */
export function s3ClientConfig(env: Readonly<Record<string, string | undefined>>): S3ClientConfig {
  return { forcePathStyle: Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3) };
}
