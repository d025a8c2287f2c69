// Loaded only by the commands that read the stack's evidence, through a dynamic import, so `rollgate gate` and
// `--help` never load the AWS SDK. Credentials and region come from the SDK's default chain; a custom endpoint (moto,
// LocalStack) gets path-style requests, as the Lambda handlers' clients do.

import { S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../../../lambda/adapters/aws/s3-client-config.ts';
import { S3EvidenceReader } from '../../../lambda/adapters/aws/s3-evidence-reader.ts';
import { S3EvidenceStore } from '../../../lambda/adapters/aws/s3-evidence-store.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The reader behind `rollgate evidence list|latest|show --bucket` and `rollgate report --bucket`. */
export function openS3EvidenceReader(bucket: string, env: Env): S3EvidenceReader {
  return new S3EvidenceReader({ client: new S3Client(s3ClientConfig(env)), bucket });
}

/** The store whose raw key listing serves `rollgate evidence list --prefix`. */
export function openS3EvidenceStore(bucket: string, env: Env): S3EvidenceStore {
  return new S3EvidenceStore({ client: new S3Client(s3ClientConfig(env)), bucket });
}
