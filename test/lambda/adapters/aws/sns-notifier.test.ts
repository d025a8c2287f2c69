// The SNS notifier against moto_server: the alert the core built reaches a subscribed SQS queue with its subject,
// JSON message and filterable attributes (severity among them). aws-sdk-client-mock only for throttling, which moto never does.
import {
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../../lambda/adapters/aws/sns-notifier.ts';
import { rollbackRequiredAlert, verdictAlert } from '../../../../lambda/core/plan/alerts.ts';
import { AlertPublishError } from '../../../../lambda/core/errors.ts';
import { awsClientConfig, createTopicWithQueue, receiveSnsMessages } from '../../../support/aws-fixtures.ts';
import { CHECKOUT_DEPLOY, sampleEvidence, unhealthyTarget } from '../../core/evidence/sample-evidence.ts';

const failedAlert = verdictAlert(
  sampleEvidence({ context: CHECKOUT_DEPLOY, targets: [unhealthyTarget('https://checkout.example.com/health')] }),
  's3://rollgate-evidence/deploys/checkout/prod/2026/01/07/20260107T100000000Z-evt-123.json',
  true,
);

describe('SnsNotifier against moto', () => {
  it('delivers the alert with its subject, JSON message and String attributes', async () => {
    const { topicArn, queueUrl } = await createTopicWithQueue();
    const notifier = new SnsNotifier({ client: new SNSClient(awsClientConfig()), topicArn });

    await notifier.notify(failedAlert);
    const [delivered, ...more] = await receiveSnsMessages(queueUrl, { expected: 1, maxWaitMs: 5_000 });

    expect(more).toEqual([]);
    expect(delivered?.subject).toBe(failedAlert.subject);
    expect(JSON.parse(delivered?.message ?? 'null')).toEqual(failedAlert.message);
    expect(delivered?.attributes).toEqual({
      alert_type: 'GateFailed',
      severity: 'high',
      status: 'failed',
      service: 'checkout',
      environment: 'prod',
    });
  });

  it('lets a subscription filter on severity: a critical-only subscriber gets RollbackRequired, not GateFailed', async () => {
    const { topicArn, queueUrl } = await createTopicWithQueue();
    const sns = new SNSClient(awsClientConfig());
    const { Subscriptions: [subscription] = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
    );
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: subscription?.SubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify({ severity: ['critical'] }),
      }),
    );
    const notifier = new SnsNotifier({ client: sns, topicArn });
    const document = sampleEvidence({
      context: CHECKOUT_DEPLOY,
      targets: [unhealthyTarget('https://checkout.example.com/health')],
    });

    // In order: had the high-severity alert passed the filter, it would arrive first.
    await notifier.notify(failedAlert);
    await notifier.notify(rollbackRequiredAlert(document, null, { reason: 'no_known_good_version' }));
    const delivered = await receiveSnsMessages(queueUrl, { expected: 1, maxWaitMs: 5_000 });

    expect(delivered.map((message) => message.attributes)).toEqual([
      expect.objectContaining({ alert_type: 'RollbackRequired', severity: 'critical' }),
    ]);
  });

  it('reports a topic that does not exist as AlertPublishError with the AWS error name', async () => {
    const { topicArn } = await createTopicWithQueue();
    const notifier = new SnsNotifier({ client: new SNSClient(awsClientConfig()), topicArn: `${topicArn}-gone` });

    await expect(notifier.notify(failedAlert)).rejects.toMatchObject({
      name: 'AlertPublishError',
      errorName: 'NotFoundException',
    });
  });
});

describe('SnsNotifier with faults moto cannot produce', () => {
  it('reports a throttled Publish as AlertPublishError carrying ThrottledException and its cause', async () => {
    const client = new SNSClient(awsClientConfig());
    const sns = mockClient(client);
    const throttled = new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    sns.on(PublishCommand).rejects(throttled);
    const notifier = new SnsNotifier({ client, topicArn: 'arn:aws:sns:us-east-1:123456789012:rollgate-alerts' });

    const error = await notifier.notify(failedAlert).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AlertPublishError);
    expect(error).toMatchObject({ errorName: 'ThrottledException', cause: throttled });
    expect((error as Error).message).toBe(
      'cannot publish the GateFailed alert to arn:aws:sns:us-east-1:123456789012:rollgate-alerts: ThrottledException: Rate exceeded',
    );
    sns.restore();
  });
});
