// Loaded only by `rollgate deploy` against the stack, through a dynamic import, so no other command loads the AWS SDK.
// Credentials, region and endpoint come from the SDK's default chain (AWS_ENDPOINT_URL_SFN and AWS_ENDPOINT_URL
// included); the S3 client is loaded only when a verdict's record is copied.

import { SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowClients } from './aws-deploy.ts';

type Env = Readonly<Record<string, string | undefined>>;

export function openWorkflowClients(env: Env): WorkflowClients {
  return {
    stepFunctions: new SFNClient({}),
    readEvidence: async (bucket, key) =>
      (await import('../evidence/s3-evidence-reader.ts')).openS3EvidenceStore(bucket, env).get(key),
  };
}
