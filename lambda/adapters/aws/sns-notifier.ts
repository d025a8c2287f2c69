// Alerts to an SNS topic. The core has already written the subject, the JSON message and the attributes; this only
// delivers them, with the attributes as String message attributes so subscribers can filter by type, severity,
// status, service and environment.

import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../../core/plan/alerts.ts';
import { AlertPublishError, describeError } from '../../core/errors.ts';
import type { Notifier } from '../../core/gate/ports.ts';

/** What is published: an alert, or anything shaped like one (the alarm relay's AlarmStateChanged). */
export interface PublishableAlert {
  readonly type: string;
  readonly subject: string;
  readonly message: object;
  readonly attributes: { readonly [name: string]: string };
}

export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;
  private readonly topicArn: string;

  public constructor(options: SnsNotifierOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
  }

  public async notify(alert: Alert | PublishableAlert): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(alert.attributes)) {
      attributes[name] = { DataType: 'String', StringValue: value };
    }
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject,
          Message: JSON.stringify(alert.message),
          MessageAttributes: attributes,
        }),
      );
    } catch (error) {
      throw new AlertPublishError(
        `cannot publish the ${alert.type} alert to ${this.topicArn}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}
