// The SSM rollback executor over aws-sdk-client-mock clients, for the outcomes moto cannot produce (see
// ssm-rollback-faults.test.ts): SSM and EC2 answer only what each test tells them.
import { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SsmRollbackExecutor, type SsmRollbackOptions } from '../../../../lambda/adapters/aws/ssm-rollback.ts';
import type { DeployRecord, RollbackRequest } from '../../../../lambda/core/gate/ports.ts';

export const CHECKOUT: DeployRecord = {
  service: 'checkout',
  environment: 'prod',
  version: '1.4.2',
  previous_version: '1.4.1',
};

export function requestFor(deploy: DeployRecord): RollbackRequest {
  return {
    status: 'failed',
    status_reason: 'probe_failures',
    failed_urls: ['https://checkout.example.com/health'],
    expected_version: deploy.version,
    deploy,
  };
}

export const ONLINE = ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb'];

/** An executor over mocked clients, for the outcomes moto cannot produce. SSM sees `online` as managed and Online. */
export function mockedExecutor(options: Partial<SsmRollbackOptions> = {}, online: readonly string[] = ONLINE) {
  // Region and credentials only so the clients build; every call is answered by the mock.
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'mock', secretAccessKey: 'mock' } };
  const ssmClient = new SSMClient(config);
  const ec2Client = new EC2Client(config);
  const ssm = mockClient(ssmClient);
  const ec2 = mockClient(ec2Client);
  ssm.on(DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: online.map((instanceId) => ({ InstanceId: instanceId, PingStatus: 'Online' })),
  });
  const executor = new SsmRollbackExecutor({
    ssm: ssmClient,
    ec2: async () => ec2Client,
    documentName: 'RollgateRollback',
    target: { instanceIds: ONLINE },
    // A fast waiter: these tests answer at once or never.
    pollDelaySeconds: { min: 0.02, max: 0.05 },
    ...options,
  });
  return {
    executor,
    ssm,
    ec2,
    restore: () => {
      ssm.restore();
      ec2.restore();
    },
  };
}

export function awsError(name: string, message: string): SSMServiceException {
  return new SSMServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}
