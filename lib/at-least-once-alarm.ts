// Every Rollgate alarm has the same shape: something happened at least once in one period (errors, throttles,
// dead letters, failed gates), no data means nothing happened, and the alert topic hears about it.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface AtLeastOnceAlarmProps {
  readonly description: string;
  /** Carries its own period and statistic. */
  readonly metric: cloudwatch.IMetric;
  readonly action: cloudwatch.IAlarmAction;
}

export function createAtLeastOnceAlarm(scope: Construct, id: string, props: AtLeastOnceAlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(props.action);
  return alarm;
}

/** Five-minute sums: how many times it happened in the alarm's period. */
export const FIVE_MINUTE_SUM: cloudwatch.MetricOptions = {
  period: Duration.minutes(5),
  statistic: cloudwatch.Stats.SUM,
};

/** The depth of a dead-letter queue: any message there is an event (or alert) that was never handled. */
export function deadLetterQueueDepth(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({
    period: Duration.minutes(5),
    statistic: cloudwatch.Stats.MAXIMUM,
  });
}
