// The AWS SDK clients of one Lambda container, each made on its first use and then reused by every invocation (its
// connections and credentials with it). Not at cold start: requiring an SDK package costs tens of milliseconds (EC2
// about a quarter of a second), and a healthy gate needs S3 and DynamoDB (its state) only; SNS waits for an alert, SSM
// for a secret or a rollback, EC2 for a tag-targeted rollback. Each factory imports its package on that first use (the stack bundles
// with dynamic import() lowered to require(), which reaches the runtime's SDK). Endpoint and region come from the
// environment.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { s3ClientConfig } from '../adapters/aws/s3-client-config.ts';
import { lazily } from './lazily.ts';

/** Each getter makes its client on the first call and returns that same client from then on. */
export interface AwsClients {
  readonly s3: () => Promise<S3Client>;
  readonly sns: () => Promise<SNSClient>;
  readonly ssm: () => Promise<SSMClient>;
  readonly ec2: () => Promise<EC2Client>;
  readonly dynamodb: () => Promise<DynamoDBClient>;
}

export function createAwsClients(env: Readonly<Record<string, string | undefined>> = process.env): AwsClients {
  return {
    s3: lazily(async () => new (await import('@aws-sdk/client-s3')).S3Client(s3ClientConfig(env))),
    sns: lazily(async () => new (await import('@aws-sdk/client-sns')).SNSClient({})),
    ssm: lazily(async () => new (await import('@aws-sdk/client-ssm')).SSMClient({})),
    ec2: lazily(async () => new (await import('@aws-sdk/client-ec2')).EC2Client({})),
    dynamodb: lazily(async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({})),
  };
}
