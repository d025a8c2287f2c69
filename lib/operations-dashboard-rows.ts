// The widgets of the operations dashboard, row by row: the fleet (everything Rollgate counts under service=rollgate,
// its dead letters and the deploy workflow's failed executions), then one row per watched service and environment
// and one per monitor on no service, from the metrics the handlers publish (lambda/handlers/run-metrics.ts).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ServiceMetricScope } from '../lambda/core/config/metric-scopes.ts';
import {
  METRIC,
  METRIC_DIMENSION,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
} from '../lambda/core/config/stack-contract.ts';

const PERIOD = Duration.minutes(5);
const WIDTH = 6;
const HEIGHT = 6;

type Dimensions = Readonly<Record<string, string>>;

/** A Rollgate metric under `dimensions`: a 5-minute statistic with a label. */
export function rollgateMetric(name: MetricName, dimensions: Dimensions, statistic: string, label?: string) {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...dimensions },
    statistic,
    period: PERIOD,
    label: label ?? name,
  });
}

const FLEET: Dimensions = { [METRIC_DIMENSION.service]: METRICS_SERVICE };

function graph(title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) {
  return new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...options });
}

/** Passed, failed and skipped verdicts (deploys and checks alike) per 5 minutes. */
function verdicts(title: string, dimensions: Dimensions): cloudwatch.IWidget {
  return graph(
    title,
    [
      rollgateMetric(METRIC.gatePassed, dimensions, 'Sum', 'passed'),
      rollgateMetric(METRIC.gateFailed, dimensions, 'Sum', 'failed'),
      rollgateMetric(METRIC.gateSkipped, dimensions, 'Sum', 'skipped'),
    ],
    { stacked: true },
  );
}

/** 1 while down, 0 while up (the highest of its monitors), with the transitions beside it. */
function monitorState(title: string, dimensions: Dimensions, alarm?: cloudwatch.IAlarm): cloudwatch.IWidget {
  return graph(title, [rollgateMetric(METRIC.monitorState, dimensions, 'Maximum', 'down (1) / up (0)')], {
    right: [
      rollgateMetric(METRIC.monitorDown, dimensions, 'Sum', 'went down'),
      rollgateMetric(METRIC.monitorRecovered, dimensions, 'Sum', 'recovered'),
    ],
    leftYAxis: { min: 0, max: 1, showUnits: false },
    ...(alarm !== undefined
      ? { leftAnnotations: [{ value: 1, label: `${alarm.alarmName}`, color: cloudwatch.Color.RED }] }
      : {}),
  });
}

function probeLatency(title: string, dimensions: Dimensions): cloudwatch.IWidget {
  return graph(title, [
    rollgateMetric(METRIC.probeLatency, dimensions, 'p50', 'p50'),
    rollgateMetric(METRIC.probeLatency, dimensions, 'p99', 'p99'),
  ]);
}

function rollbacks(title: string, dimensions: Dimensions): cloudwatch.IWidget {
  return graph(title, [
    rollgateMetric(METRIC.rollbackSent, dimensions, 'Sum', 'sent'),
    rollgateMetric(METRIC.rollbackRecovered, dimensions, 'Sum', 'recovered'),
    rollgateMetric(METRIC.rollbackStillFailing, dimensions, 'Sum', 'still failing'),
    rollgateMetric(METRIC.rollbackFailed, dimensions, 'Sum', 'command failed'),
  ]);
}

function timeToHeal(title: string, dimensions: Dimensions): cloudwatch.IWidget {
  return graph(title, [
    rollgateMetric(METRIC.timeToHeal, dimensions, 'Maximum', 'max (s)'),
    rollgateMetric(METRIC.timeToHeal, dimensions, 'Average', 'average (s)'),
  ]);
}

const heading = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: 24, height: 1 });

export interface FleetRowProps {
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly deadLetterQueues: readonly { readonly label: string; readonly queue: sqs.IQueue }[];
  readonly stateMachine?: sfn.IStateMachine;
}

/** The whole stack: verdicts, monitors down, alert delivery, dead letters, failed workflow executions, alarms. */
export function fleetRows(props: FleetRowProps): cloudwatch.IWidget[][] {
  const queues = props.deadLetterQueues.map(({ label, queue }) =>
    queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label }),
  );
  const machine = props.stateMachine;
  return [
    [heading('## Rollgate fleet')],
    [
      verdicts('Verdicts (all services and monitors)', FLEET),
      monitorState('Any monitor down', FLEET),
      graph('Alert delivery failures', [
        rollgateMetric(METRIC.alertDeliveryFailed, FLEET, 'Sum', 'alerts not delivered'),
      ]),
      graph('Dead-letter queues (messages)', queues),
    ],
    [
      graph(
        'Deploy workflow executions not succeeded',
        machine === undefined
          ? []
          : [
              machine.metricFailed({ period: PERIOD, statistic: 'Sum', label: 'failed' }),
              machine.metricTimedOut({ period: PERIOD, statistic: 'Sum', label: 'timed out' }),
              machine.metricAborted({ period: PERIOD, statistic: 'Sum', label: 'aborted' }),
            ],
      ),
      new cloudwatch.AlarmStatusWidget({
        title: 'Rollgate alarms',
        alarms: [...props.alarms],
        width: 18,
        height: HEIGHT,
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    ],
  ];
}

/** A watched service and environment: verdicts, monitor state, probe latency, rollbacks, time to heal. */
export function serviceRows(scope: ServiceMetricScope, downAlarm?: cloudwatch.IAlarm): cloudwatch.IWidget[][] {
  const dimensions: Dimensions = {
    [METRIC_DIMENSION.service]: scope.service,
    [METRIC_DIMENSION.environment]: scope.environment,
  };
  const label = `${scope.service} / ${scope.environment}`;
  const watchedBy = scope.monitors.length > 0 ? `monitors: ${scope.monitors.join(', ')}` : 'no monitor watches it';
  return [
    [heading(`### ${label} (${watchedBy})`)],
    [
      verdicts(`${label}: verdicts`, dimensions),
      monitorState(`${label}: state`, dimensions, downAlarm),
      probeLatency(`${label}: probe latency (ms)`, dimensions),
      rollbacks(`${label}: rollbacks`, dimensions),
    ],
    [timeToHeal(`${label}: time to heal`, dimensions)],
  ];
}

/** A monitor on no service: verdicts, state and probe latency. */
export function monitorRows(monitor: string, downAlarm?: cloudwatch.IAlarm): cloudwatch.IWidget[][] {
  const dimensions: Dimensions = { [METRIC_DIMENSION.monitor]: monitor };
  return [
    [heading(`### monitor ${monitor}`)],
    [
      verdicts(`${monitor}: verdicts`, dimensions),
      monitorState(`${monitor}: state`, dimensions, downAlarm),
      probeLatency(`${monitor}: probe latency (ms)`, dimensions),
    ],
  ];
}
