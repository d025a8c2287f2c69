// The deployable Rollgate stack: the Rollgate construct with its props taken from a validated config file.
// Environment-agnostic on purpose, so `cdk synth` needs no credentials and makes no lookups.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Rollgate, type RollgateMonitor, type RollgateProps } from './rollgate.ts';
import type { RollgateConfig } from './rollgate-config.ts';

export interface RollgateStackProps extends StackProps {
  /** The validated config file (see loadRollgateConfig). */
  readonly config: RollgateConfig;
}

export class RollgateStack extends Stack {
  readonly rollgate: Rollgate;

  constructor(scope: Construct, id: string, props: RollgateStackProps) {
    super(scope, id, {
      description: 'Rollgate: post-deploy health gate and synthetic monitor',
      ...props,
    });
    this.rollgate = new Rollgate(this, 'Rollgate', rollgatePropsFromConfig(this, props.config));
  }
}

/** Maps the config file's JSON-friendly fields (seconds, days, ARNs) onto construct props. */
function rollgatePropsFromConfig(scope: Construct, config: RollgateConfig): RollgateProps {
  const evidence = config.evidence ?? {};
  const days = (value: number | undefined) => (value === undefined ? undefined : Duration.days(value));
  const seconds = (value: number | undefined) => (value === undefined ? undefined : Duration.seconds(value));
  return {
    alertEmails: config.alertEmails,
    alertTopic: config.alertTopicArn ? sns.Topic.fromTopicArn(scope, 'AlertTopic', config.alertTopicArn) : undefined,
    alertDeliveryAlarmTopic: config.alertDeliveryAlarmTopicArn
      ? sns.Topic.fromTopicArn(scope, 'AlertDeliveryAlarmTopic', config.alertDeliveryAlarmTopicArn)
      : undefined,
    alertDeliveryAlarmEmails: config.alertDeliveryAlarmEmails,
    eventBus: config.eventBusName
      ? events.EventBus.fromEventBusName(scope, 'EventBus', config.eventBusName)
      : undefined,
    rollbackDocumentName: config.rollbackDocumentName,
    rollbackScript: config.rollbackScript,
    rollbackWait: seconds(config.rollbackWaitSeconds),
    memorySize: config.memorySize,
    checkTimeout: seconds(config.checkTimeoutSeconds),
    logRetention: config.logRetentionDays as logs.RetentionDays | undefined,
    logLevel: config.logLevel,
    powertools: config.powertools,
    checksExpiration: days(evidence.checksExpirationDays),
    deploysTransitionToGlacierAfter: days(evidence.deploysGlacierAfterDays),
    deploysExpiration: days(evidence.deploysExpirationDays),
    objectLock: evidence.objectLock,
    objectLockMode: evidence.objectLockMode,
    objectLockRetention: days(evidence.objectLockRetentionDays),
    services: config.services,
    monitors: config.monitors.map(
      ({ schedule, ...monitor }): RollgateMonitor => ({
        ...monitor,
        ...(schedule !== undefined ? { schedule: events.Schedule.expression(schedule) } : {}),
      }),
    ),
  };
}
