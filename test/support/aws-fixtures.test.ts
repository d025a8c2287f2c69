// Proves the moto globalSetup and the AWS fixtures work, and pins the moto SSM behaviour the rollback adapter
// relies on.
import { HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeDocumentCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  waitUntilCommandExecuted,
} from '@aws-sdk/client-ssm';
import { devNull } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import {
  createBucket,
  createCommandDocument,
  createTopicWithQueue,
  motoClients,
  putSecureParameter,
  receiveSnsMessages,
  runInstances,
  uniqueName,
} from './aws-fixtures.ts';

/** Starts two instances tagged with a fresh Service value and sends the rollback document to them by tag. */
async function sendRollbackToTaggedInstances(): Promise<{ commandId: string; instanceIds: string[] }> {
  const service = uniqueName('svc');
  const instanceIds = await runInstances(2, { Service: service });
  const documentName = await createCommandDocument();
  const { Command: command } = await motoClients().ssm.send(
    new SendCommandCommand({
      DocumentName: documentName,
      Targets: [{ Key: 'tag:Service', Values: [service] }],
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['1.2.0'], TargetVersion: ['1.1.9'] },
    }),
  );
  expect(command?.CommandId).toBeDefined();
  return { commandId: command?.CommandId ?? '', instanceIds };
}

describe('moto globalSetup', () => {
  it('provides a loopback endpoint and the same one in AWS_ENDPOINT_URL, with no profile to fall back on', () => {
    const endpoint = inject('motoEndpoint');
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env).toMatchObject({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: devNull,
      AWS_SHARED_CREDENTIALS_FILE: devNull,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(process.env.AWS_PROFILE).toBeUndefined();
  });

  it('lets a client built with no config reach moto through the environment', async () => {
    const bucket = await createBucket();
    const envOnlyClient = new S3Client({});

    const { Buckets: buckets = [] } = await envOnlyClient.send(new ListBucketsCommand({}));

    expect(buckets.map((b) => b.Name)).toContain(bucket);
  });
});

describe('aws fixtures against moto', () => {
  it('creates a bucket that HeadBucket finds', async () => {
    const bucket = await createBucket();

    await expect(motoClients().s3.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
  });

  it('delivers an SNS publish with its subject and message attributes to the subscribed queue', async () => {
    const { topicArn, queueUrl } = await createTopicWithQueue();

    await motoClients().sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Rollgate: checkout failed',
        Message: '{"verdict":"failed"}',
        MessageAttributes: {
          verdict: { DataType: 'String', StringValue: 'failed' },
          failedChecks: { DataType: 'Number', StringValue: '3' },
        },
      }),
    );
    const envelopes = await receiveSnsMessages(queueUrl, { expected: 1, maxWaitMs: 5_000 });

    expect(envelopes).toEqual([
      {
        subject: 'Rollgate: checkout failed',
        message: '{"verdict":"failed"}',
        attributes: { verdict: 'failed', failedChecks: '3' },
      },
    ]);
  });

  it('starts tagged instances that DescribeInstances finds by the tag', async () => {
    const service = uniqueName('svc');
    const instanceIds = await runInstances(2, { Service: service, Environment: 'prod' });

    const { Reservations: reservations = [] } = await motoClients().ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Service', Values: [service] }] }),
    );
    const found = reservations.flatMap((reservation) => reservation.Instances ?? []).map((i) => i.InstanceId);

    expect(instanceIds).toHaveLength(2);
    expect(found.sort()).toEqual([...instanceIds].sort());
  });

  it('creates a command document whose four parameters DescribeDocument returns', async () => {
    const name = await createCommandDocument();

    const { Document: document } = await motoClients().ssm.send(new DescribeDocumentCommand({ Name: name }));

    expect(document?.DocumentType).toBe('Command');
    expect(document?.Parameters?.map((p) => [p.Name, p.Type])).toEqual([
      ['Service', 'String'],
      ['Environment', 'String'],
      ['FailedVersion', 'String'],
      ['TargetVersion', 'String'],
    ]);
  });

  it('round-trips a SecureString through GetParameter WithDecryption', async () => {
    const name = `/rollgate/test/${uniqueName('token')}`;
    await putSecureParameter(name, 's3cr3t-value');

    const { Parameter: parameter } = await motoClients().ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );

    expect(parameter).toMatchObject({ Type: 'SecureString', Value: 's3cr3t-value' });
  });
});

describe('moto SSM Run Command (what the rollback adapter can rely on)', () => {
  it('resolves tag targets to the tagged instances, and ListCommands finds the command for each', async () => {
    const { commandId, instanceIds } = await sendRollbackToTaggedInstances();

    for (const instanceId of instanceIds) {
      const { Commands: commands = [] } = await motoClients().ssm.send(
        new ListCommandsCommand({ InstanceId: instanceId }),
      );
      expect(commands.map((c) => c.CommandId)).toContain(commandId);
    }
    const { Commands: [command] = [] } = await motoClients().ssm.send(
      new ListCommandsCommand({ CommandId: commandId }),
    );
    expect(command?.InstanceIds?.sort()).toEqual([...instanceIds].sort());
    expect(command).toMatchObject({ Status: 'Success', TargetCount: 2 });
  });

  it('reports every invocation as Success at once, so waitUntilCommandExecuted succeeds', async () => {
    const { commandId, instanceIds } = await sendRollbackToTaggedInstances();

    for (const instanceId of instanceIds) {
      const invocation = await motoClients().ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      expect(invocation).toMatchObject({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 });
      const waited = await waitUntilCommandExecuted(
        { client: motoClients().ssm, maxWaitTime: 10 },
        { CommandId: commandId, InstanceId: instanceId },
      );
      expect(waited.state).toBe('SUCCESS');
    }
  });

  // A failure here means a newer moto implements ListCommandInvocations: update the notes atop aws-fixtures.ts.
  it('fails ListCommandInvocations with HTTP 500, since moto 5.2.5 does not implement it', async () => {
    const { commandId } = await sendRollbackToTaggedInstances();

    await expect(
      motoClients().ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });
});
