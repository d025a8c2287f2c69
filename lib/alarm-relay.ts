// Alarms that notify like alerts: CloudWatch alarm actions cannot set SNS message attributes, so an alarm routed here
// notifies through EventBridge instead. Each relayed alarm gets a rule matching its own `CloudWatch Alarm State Change`
// events (by its ARN) whose target is the relay function, with the attributes the stack gives that alarm (severity,
// service, environment, monitor) set at synth in the rule's input; the function publishes AlarmStateChanged to the
// alert topic with them (lambda/handlers/alarm-relay.ts). Nothing an event says chooses whose alarm it is.
import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmRelayInput } from '../lambda/core/config/alarm-relay-input-schema.ts';
import { ENV } from '../lambda/core/config/stack-contract.ts';
import { RollgateFunction } from './rollgate-function.ts';

/** What a relayed alarm's notifications say about it, as every alert's message attributes do. */
export type AlarmNotify = AlarmRelayInput['notify'];

/** A state change older than this is stale: the alarm has likely changed again since. */
const ALARM_EVENT_MAX_AGE = Duration.minutes(30);

export interface AlarmRelayProps {
  readonly alertTopic: sns.ITopic;
  /** The Rollgate key: the alert topic is encrypted with it. */
  readonly key: kms.IKey;
  /** The registry layer: the relay refuses names it does not hold. */
  readonly registryLayer: lambda.ILayerVersion;
  /** @default - Powertools bundled */
  readonly powertoolsLayer?: lambda.ILayerVersion;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** Powertools' settings and the rest the functions share; the relay adds the topic and registry file. */
  readonly environment: Record<string, string>;
  /** For the relay's own alarms (errors, throttles, dead letters): notified directly, not through itself. */
  readonly alarmAction: cloudwatch.IAlarmAction;
}

export class AlarmRelay extends Construct {
  readonly function: RollgateFunction;
  /** One rule per relayed alarm, by the alarm's construct path. */
  readonly rules: Map<string, events.Rule> = new Map();

  constructor(scope: Construct, id: string, props: AlarmRelayProps) {
    super(scope, id);
    this.function = new RollgateFunction(this, 'Relay', {
      handler: 'alarm-relay',
      description: 'Rollgate alarm relay: publishes an alarm state change to the alert topic with alert attributes',
      timeout: Duration.seconds(30),
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      // Publishing again is harmless (a repeated notification), losing it is not.
      retryAttempts: 2,
      maxEventAge: ALARM_EVENT_MAX_AGE,
      environment: { ...props.environment, [ENV.alertTopicArn]: props.alertTopic.topicArn },
      alarmAction: props.alarmAction,
      registryLayer: props.registryLayer,
      ...(props.powertoolsLayer !== undefined ? { powertoolsLayer: props.powertoolsLayer } : {}),
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishAlerts',
        actions: ['sns:Publish'],
        resources: [props.alertTopic.topicArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseRollgateKeyThroughSns',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /** Routes `alarm`'s state changes to the alert topic as AlarmStateChanged, with `notify`'s attributes. */
  relay(alarm: cloudwatch.IAlarm, notify: AlarmNotify): events.Rule {
    const rule = new events.Rule(this, `Relay${this.rules.size}`, {
      description: `Rollgate: relays state changes of one alarm (${notifyLabel(notify)}) to the alert topic`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [alarm.alarmArn],
      },
      targets: [
        new targets.LambdaFunction(this.function.function, {
          // The event's own parts, and what the stack says of the alarm: never an attribute taken from the event.
          event: events.RuleTargetInput.fromObject({
            alarm: events.EventField.fromPath('$.detail'),
            time: events.EventField.time,
            resources: events.EventField.fromPath('$.resources'),
            notify,
          }),
          deadLetterQueue: this.function.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: ALARM_EVENT_MAX_AGE,
        }),
      ],
    });
    this.rules.set(alarm.node.path, rule);
    return rule;
  }
}

function notifyLabel(notify: AlarmNotify): string {
  return notify.monitor !== undefined ? `monitor ${notify.monitor}` : `${notify.service}/${notify.environment}`;
}
