// The alert topic: the handlers publish verdict alerts to it and every Rollgate alarm notifies it. Encrypted with the
// Rollgate key, so CloudWatch (which publishes alarm notifications as a service) is let in on both topic and key. And
// the separate topic that hears when alerts could not be delivered.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createDeadLetterQueue } from './dead-letter-queue.ts';

export function createAlertTopic(scope: Construct, id: string, key: kms.IKey): sns.Topic {
  const topic = new sns.Topic(scope, id, {
    displayName: 'Rollgate alerts',
    masterKey: key,
    enforceSSL: true,
  });
  allowAlarmsOfThisAccount(topic);
  // Documented requirement for alarm actions on an SSE topic: CloudWatch must be able to use the topic's key.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseKeyForEncryptedTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  return topic;
}

/**
 * Subscribes each address; an alert SNS could not deliver lands in a dead-letter queue (`deadLetterQueueId`) instead
 * of vanishing.
 */
export function subscribeAlertEmails(
  scope: Construct,
  topic: sns.ITopic,
  emails: readonly string[],
  deadLetterQueueId = 'AlertDeliveryDeadLetterQueue',
): sqs.Queue | undefined {
  if (emails.length === 0) return undefined;
  const deadLetterQueue = createDeadLetterQueue(scope, deadLetterQueueId);
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is the redrive (dead-letter) target of the alert e-mail subscriptions; the rule only ' +
      'recognises SQS and Lambda dead-letter references, not SNS subscription redrive policies.',
  });
  for (const email of emails) {
    topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
  }
  return deadLetterQueue;
}

/**
 * The topic `alertDeliveryAlarmEmails` subscribe to: it hears only the AlertDeliveryFailed alarm, so it must not fail
 * the way the alert topic did. Not encrypted with the Rollgate key (a disabled or denied key would silence both), and
 * with no customer key at all, since CloudWatch cannot publish to a topic under the AWS-managed SNS key; it carries the
 * alarm's name and state, nothing from evidence. TLS-only, and only this account's alarms may publish.
 */
export function createAlertDeliveryAlarmTopic(scope: Construct, id: string): sns.Topic {
  const topic = new sns.Topic(scope, id, { displayName: 'Rollgate: alerts not delivered', enforceSSL: true });
  allowAlarmsOfThisAccount(topic);
  return topic;
}

/**
 * The TopicPolicy replaces SNS's default policy, so alarm delivery has to be allowed explicitly; the conditions keep
 * another account's alarms (confused deputy) out.
 */
function allowAlarmsOfThisAccount(topic: sns.Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }),
  );
}
