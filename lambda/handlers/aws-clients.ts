// The AWS SDK clients of one Lambda container, each made on its first use and then reused by every invocation (its
// connections and credentials with it). Not at cold start: requiring an SDK package costs tens of milliseconds (EC2
// about a quarter of a second), and a healthy gate needs S3 only; SNS waits for a failure, SSM for a secret or a
// rollback, EC2 for a tag-targeted rollback. Each factory imports its package through a bundled module in sdk/, which
// esbuild turns into a require() that runs on that first use. Endpoint and region come from the environment.

import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { lazily } from './lazily.ts';

/** Each getter makes its client on the first call and returns that same client from then on. */
export interface AwsClients {
  readonly s3: () => Promise<S3Client>;
  readonly sns: () => Promise<SNSClient>;
  readonly ssm: () => Promise<SSMClient>;
  readonly ec2: () => Promise<EC2Client>;
}

export function createAwsClients(env: Readonly<Record<string, string | undefined>> = process.env): AwsClients {
  // A local endpoint (moto, LocalStack) cannot serve bucket-name subdomains; real S3 keeps virtual-hosted style.
  const localEndpoint = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  return {
    s3: lazily(async () => new (await import('./sdk/s3.ts')).S3Client({ forcePathStyle: localEndpoint })),
    sns: lazily(async () => new (await import('./sdk/sns.ts')).SNSClient({})),
    ssm: lazily(async () => new (await import('./sdk/ssm.ts')).SSMClient({})),
    ec2: lazily(async () => new (await import('./sdk/ec2.ts')).EC2Client({})),
  };
}
