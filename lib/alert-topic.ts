// The alert topic: the handlers publish verdict alerts to it and every Rollgate alarm notifies it. Encrypted with the
// Rollgate key, so CloudWatch (which publishes alarm notifications as a service) is let in on both topic and key.
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
  const stack = Stack.of(scope);
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  // The TopicPolicy replaces SNS's default policy, so alarm delivery has to be allowed explicitly; the conditions
  // keep another account's alarms (confused deputy) out.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }),
  );
  // Documented requirement for alarm actions on an SSE topic: CloudWatch must be able to use the topic's key.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseKeyForEncryptedTopic',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  return topic;
}

/** Subscribes each address; an alert SNS could not deliver lands in a dead-letter queue instead of vanishing. */
export function subscribeAlertEmails(
  scope: Construct,
  topic: sns.ITopic,
  emails: readonly string[],
): sqs.Queue | undefined {
  if (emails.length === 0) return undefined;
  const deadLetterQueue = createDeadLetterQueue(scope, 'AlertDeliveryDeadLetterQueue');
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
