// A terminal dead-letter queue: where an event that never got a verdict (or an alert that never got delivered) is
// kept for 14 days. SSE-SQS rather than the Rollgate key, because Lambda, EventBridge and SNS all write here, and
// SSE-SQS needs no key-policy grant for each of those services.
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function createDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'This queue is itself a terminal dead-letter queue; re-driving it to yet another queue would only move ' +
      'the messages. Its depth is alarmed (ApproximateNumberOfMessagesVisible >= 1) and messages are kept 14 days.',
  });
  return queue;
}
