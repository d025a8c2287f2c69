// Loaded only by `rollgate evidence verify --bucket`, through a dynamic import, so no other command loads the AWS SDK.
// Credentials and region come from the SDK's default chain; a custom endpoint (moto, LocalStack) gets path-style
// requests, as the other evidence readers' clients do.

import { S3Client } from '@aws-sdk/client-s3';
import { S3EvidenceChainSource } from '../../../lambda/adapters/aws/s3-evidence-chain-source.ts';
import { s3ClientConfig } from '../../../lambda/adapters/aws/s3-client-config.ts';

export function openS3EvidenceChainSource(
  bucket: string,
  env: Readonly<Record<string, string | undefined>>,
): S3EvidenceChainSource {
  return new S3EvidenceChainSource({ client: new S3Client(s3ClientConfig(env)), bucket });
}
