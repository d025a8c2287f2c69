// Loaded only by `rollgate evidence`, through a dynamic import, so `rollgate gate` and `--help` never load the AWS SDK.
// Credentials and region come from the SDK's default chain; a custom endpoint (moto, LocalStack) gets path-style
// requests, as the Lambda handlers' clients do.

import { S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../../lambda/adapters/s3-client-config.ts';
import { S3EvidenceStore } from '../../lambda/adapters/s3-evidence-store.ts';

export function openS3EvidenceStore(
  bucket: string,
  env: Readonly<Record<string, string | undefined>>,
): S3EvidenceStore {
  return new S3EvidenceStore({ client: new S3Client(s3ClientConfig(env)), bucket });
}
