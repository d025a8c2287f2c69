// The AWS SDK clients of one Lambda container, made once at cold start and reused by every invocation (their
// connections and credentials with them). Endpoint and region come from the environment as the SDK reads it.

import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

export interface AwsClients {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
}

export function createAwsClients(env: Readonly<Record<string, string | undefined>> = process.env): AwsClients {
  // A local endpoint (moto, LocalStack) cannot serve bucket-name subdomains; real S3 keeps virtual-hosted style.
  const localEndpoint = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  return {
    s3: new S3Client({ forcePathStyle: localEndpoint }),
    sns: new SNSClient({}),
    ssm: new SSMClient({}),
    ec2: new EC2Client({}),
  };
}
