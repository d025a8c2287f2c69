// AWS fixtures for adapter tests: real SDK v3 clients against the run's moto_server (see moto-global-setup.ts). Every
// helper makes uniquely named resources, so tests never share state and never need a reset between them.
//
// What moto 5.2.5 (the pinned version) does with SSM Run Command, which the SSM rollback adapter builds on:
// - SendCommand with Targets [{ Key: 'tag:<Name>', Values }] resolves instances through EC2's tag filter, across the
//   whole region and including stopped or terminated instances: give each test its own tag value. A target key that
//   is not an EC2 filter (e.g. 'InstanceIds') fails with HTTP 500; use the InstanceIds field instead. No match gives
//   a command with no InstanceIds and TargetCount 0, still Status 'Success'.
// - Nothing is checked or run: the document need not exist, Parameters are not validated against the document or its
//   allowedPattern, and the command is 'Success' at once (StatusDetails 'Details placeholder').
// - GetCommandInvocation(CommandId, InstanceId) returns Status and StatusDetails 'Success', ResponseCode 0,
//   PluginName 'aws:runShellScript', ExecutionElapsedTime 'PT5M' and empty StandardOutputContent and
//   StandardErrorContent; an instance outside the command gives InvocationDoesNotExist.
// - waitUntilCommandExecuted (which polls GetCommandInvocation) returns state SUCCESS on its first call.
// - ListCommands({ CommandId } or { InstanceId }) works. ListCommandInvocations is NOT implemented: HTTP 500 (an HTML
//   page the SDK fails to parse as JSON). Read per-instance results with GetCommandInvocation instead.
// - A failed, timed-out or cancelled command cannot be produced here; test those paths another way.
// - DescribeInstanceInformation is NOT implemented (HTTP 500 with an HTML page), and SendCommand accepts any instance
//   id, stale or not: which hosts SSM manages, and its InvalidInstanceId refusal, are tested with aws-sdk-client-mock.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateDocumentCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { inject } from 'vitest';
import { z } from 'zod';

/** One of the AMIs moto preloads (DescribeImages lists it), so RunInstances accepts it without registering one. */
const MOTO_PRELOADED_AMI_ID = 'ami-12c6146b';

/** Config for any SDK v3 client talking to moto. `forcePathStyle` matters to S3 only; the other clients ignore it. */
export interface MotoClientConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
  readonly forcePathStyle: true;
}

/**
 * Explicit client config for moto. The env already points `new XxxClient({})` at moto; adapters under test that take a
 * client config should still get this, so a test does not depend on env it cannot see.
 */
export function awsClientConfig(): MotoClientConfig {
  return {
    region: 'us-east-1',
    endpoint: inject('motoEndpoint'),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' },
    // moto on 127.0.0.1 cannot serve bucket-name subdomains.
    forcePathStyle: true,
  };
}

/** The SDK clients the fixtures use, shared per test file so sockets are reused. */
export interface MotoClients {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
  readonly dynamodb: DynamoDBClient;
}

let sharedClients: MotoClients | undefined;

/** Lazily built clients for moto; tests may use them for assertions the fixtures do not cover. */
export function motoClients(): MotoClients {
  if (sharedClients === undefined) {
    const config = awsClientConfig();
    sharedClients = {
      s3: new S3Client(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
      ssm: new SSMClient(config),
      ec2: new EC2Client(config),
      dynamodb: new DynamoDBClient(config),
    };
  }
  return sharedClients;
}

/**
 * `prefix` plus a short random suffix, e.g. `rollgate-evidence-1a2b3c4d`. Keep prefixes lowercase and short: the
 * result must also be a valid S3 bucket name (3 to 63 characters, lowercase).
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Creates a table laid out as Powertools Idempotency expects (partition key `id`, on demand) and returns its name.
 * No TTL: moto does not expire items, and the handler's records are read back rather than waited out.
 */
export async function createIdempotencyTable(name: string = uniqueName('rollgate-idempotency')): Promise<string> {
  await motoClients().dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return name;
}

/** Every item in a table, as the raw attribute maps DynamoDB returns (the tables here hold a handful). */
export async function scanTable(name: string): Promise<Array<Record<string, unknown>>> {
  const { Items: items = [] } = await motoClients().dynamodb.send(new ScanCommand({ TableName: name }));
  return items;
}

/** Creates an S3 bucket and returns its name. */
export async function createBucket(name: string = uniqueName('rollgate-test')): Promise<string> {
  await motoClients().s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** An SNS topic with one SQS queue subscribed to it. */
export interface TopicWithQueue {
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/**
 * Creates a topic and a queue subscribed to it without raw delivery, so the queue receives the SNS envelope with
 * Subject and MessageAttributes. moto delivers without a queue policy; a real account would need one.
 */
export async function createTopicWithQueue(): Promise<TopicWithQueue> {
  const { sns, sqs } = motoClients();
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('rollgate-topic') }));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('rollgate-queue') }));
  if (topicArn === undefined || queueUrl === undefined) {
    throw new Error(`moto returned no topic ARN (${String(topicArn)}) or queue URL (${String(queueUrl)})`);
  }
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn;
  if (queueArn === undefined) throw new Error(`moto returned no QueueArn for ${queueUrl}`);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );
  return { topicArn, queueUrl, queueArn };
}

/** The parts of an SNS notification a test asserts on. */
export interface SnsEnvelope {
  readonly subject: string | undefined;
  readonly message: string;
  /** Message attribute values by name; SNS sends every type (String, Number, ...) as a string. */
  readonly attributes: Record<string, string>;
}

/** The SNS-to-SQS envelope, checked once so a shape change in moto fails with a precise message. */
const snsNotificationSchema = z.object({
  Type: z.literal('Notification'),
  Subject: z.string().optional(),
  Message: z.string(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

/** Turns one SQS message body (an SNS notification as JSON) into the parts tests assert on. */
function parseSnsEnvelope(body: string | undefined): SnsEnvelope {
  const notification = snsNotificationSchema.parse(JSON.parse(body ?? 'null'));
  const attributes = Object.fromEntries(
    Object.entries(notification.MessageAttributes ?? {}).map(([name, attribute]) => [name, attribute.Value]),
  );
  return { subject: notification.Subject, message: notification.Message, attributes };
}

/** How long `receiveSnsMessages` waits and for how many messages. */
export interface ReceiveSnsMessagesOptions {
  /** Stop as soon as this many messages have arrived. @default 1 */
  readonly expected?: number;
  /** Give up after this long and return what arrived; also the wait when expecting none. @default 5000 */
  readonly maxWaitMs?: number;
}

/**
 * Reads SNS notifications from `queueUrl` until `expected` have arrived or `maxWaitMs` has passed, and returns them
 * (possibly fewer than expected: let the test's assertion show what came). Received messages are deleted, so a
 * second call returns only newer ones.
 */
export async function receiveSnsMessages(
  queueUrl: string,
  { expected = 1, maxWaitMs = 5_000 }: ReceiveSnsMessagesOptions = {},
): Promise<SnsEnvelope[]> {
  const { sqs } = motoClients();
  const deadline = Date.now() + maxWaitMs;
  const envelopes: SnsEnvelope[] = [];
  while (envelopes.length < expected || expected === 0) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) break;
    // Long polling returns as soon as a message arrives but takes whole seconds only, so it must fit the time left.
    const waitTimeSeconds = Math.min(1, Math.floor(remainingMs / 1_000));
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }),
    );
    if (messages.length === 0) {
      // A short poll (under a second left) returns at once; pause so the last stretch is not a busy loop.
      if (waitTimeSeconds === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(100, remainingMs)));
      continue;
    }
    envelopes.push(...messages.map((message) => parseSnsEnvelope(message.Body)));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return envelopes;
}

/** Starts `count` instances carrying `tags` and returns their ids. Use a unique tag value per test (see the top). */
export async function runInstances(count: number, tags: Record<string, string>): Promise<string[]> {
  const { Instances: instances = [] } = await motoClients().ec2.send(
    new RunInstancesCommand({
      ImageId: MOTO_PRELOADED_AMI_ID,
      InstanceType: 't3.micro',
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return instances.map((instance) => {
    if (instance.InstanceId === undefined) throw new Error('moto returned an instance without an InstanceId');
    return instance.InstanceId;
  });
}

/** One String parameter of a Command document. */
export interface CommandDocumentParameter {
  readonly description: string;
  readonly allowedPattern: string;
}

/** The parameters a Rollgate rollback document takes; the patterns keep shell metacharacters out of the script. */
export const ROLLBACK_DOCUMENT_PARAMETERS: Readonly<Record<string, CommandDocumentParameter>> = {
  Service: { description: 'Service to roll back', allowedPattern: '^[A-Za-z0-9._-]{1,128}$' },
  Environment: { description: 'Environment the service runs in', allowedPattern: '^[A-Za-z0-9._-]{1,64}$' },
  FailedVersion: { description: 'Version that failed the gate', allowedPattern: '^[A-Za-z0-9._+-]{1,128}$' },
  TargetVersion: { description: 'Version to restore', allowedPattern: '^[A-Za-z0-9._+-]{1,128}$' },
};

/** What `createCommandDocument` defines besides its name. */
export interface CommandDocumentOptions {
  /** @default ROLLBACK_DOCUMENT_PARAMETERS */
  readonly parameters?: Readonly<Record<string, CommandDocumentParameter>>;
}

/**
 * Creates an SSM Command document (schema 2.2, one aws:runShellScript step that echoes its parameters) and returns its
 * name. moto never runs the script; the document exists so SendCommand and DescribeDocument see a real one.
 */
export async function createCommandDocument(
  name: string = uniqueName('rollgate-rollback'),
  { parameters = ROLLBACK_DOCUMENT_PARAMETERS }: CommandDocumentOptions = {},
): Promise<string> {
  const content = {
    schemaVersion: '2.2',
    description: 'Rollgate test rollback document',
    parameters: Object.fromEntries(
      Object.entries(parameters).map(([parameterName, parameter]) => [
        parameterName,
        { type: 'String', description: parameter.description, allowedPattern: parameter.allowedPattern },
      ]),
    ),
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'rollback',
        inputs: {
          runCommand: [
            `echo ${Object.keys(parameters)
              .map((parameterName) => `{{ ${parameterName} }}`)
              .join(' ')}`,
          ],
        },
      },
    ],
  };
  await motoClients().ssm.send(
    new CreateDocumentCommand({
      Name: name,
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Content: JSON.stringify(content),
    }),
  );
  return name;
}

/** Stores `value` as a SecureString parameter (moto encrypts with the default aws/ssm key). */
export async function putSecureParameter(name: string, value: string): Promise<void> {
  await motoClients().ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString' }));
}
