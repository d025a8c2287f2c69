// Rollgate as one L3 construct: the deploy workflow (EventBridge deploy event -> starter -> Step Functions: watch window
// -> verdict -> SSM rollback -> verification), the one-shot deploy gate for direct invokes, the scheduled monitors, the
// evidence bucket, the alert topic and the alarms that watch all of it.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlertDeliveryAlarmTopic, createAlertTopic, subscribeAlertEmails } from './alert-topic.ts';
import { createAtLeastOnceAlarm, deadLetterQueueDepth, FIVE_MINUTE_SUM } from './at-least-once-alarm.ts';
import { AlarmRelay } from './alarm-relay.ts';
import { DeployWorkflow } from './deploy-workflow.ts';
import { EvidenceAthena } from './evidence-athena.ts';
import { EvidenceBucket } from './evidence-bucket.ts';
import { OperationsDashboard } from './operations-dashboard.ts';
import { powertoolsLayer } from './powertools-layer.ts';
import { createIdempotencyTable } from './idempotency-table.ts';
import { createRegistryLayer } from './registry-layer.ts';
import { createStateTable, grantStateAccess } from './state-table.ts';
import { RollbackDocument, rollbackDocumentArn } from './rollback-document.ts';
import { RollgateFunction } from './rollgate-function.ts';
import { grantRollgateAccess } from './rollgate-permissions.ts';
import { resolveRollgateProps } from './resolve-rollgate-props.ts';
import { DEPLOY_GATE_TIMEOUT, type RollgateProps } from './rollgate-props.ts';
import { monitorCheckOf } from '../lambda/core/config/monitor-schema.ts';
import type { Registry } from '../lambda/core/config/registry.ts';
import { hostTagsOf } from '../lambda/core/config/service-schema.ts';
import {
  DEFAULT_DEPLOY_EVENT_DETAIL_TYPE,
  DEFAULT_DEPLOY_EVENT_SOURCE,
  ENV,
  METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  REGISTRY_FILE_PATH,
} from '../lambda/core/config/stack-contract.ts';

export type {
  RollgateHeaderValue,
  RollgateLogLevel,
  RollgateMonitor,
  RollgateMonitorTarget,
  RollgatePowertools,
  RollgateProps,
  RollgateService,
} from './rollgate-props.ts';

/** The EMF namespace and dimension the handlers publish under (Powertools settings below). */
export { METRICS_NAMESPACE, METRICS_SERVICE } from '../lambda/core/config/stack-contract.ts';

/** A gate that could not start within the hour would judge (and maybe roll back) a later deploy: drop it to the DLQ. */
const DEPLOY_EVENT_MAX_AGE = Duration.hours(1);
/** Older than this, a check is superseded by the next scheduled one. */
const CHECK_EVENT_MAX_AGE = Duration.minutes(10);

export class Rollgate extends Construct {
  /** Encrypts the evidence bucket, the alert topic, the idempotency table and `/rollgate/` SecureString parameters. */
  readonly key: kms.IKey;
  readonly evidenceBucket: s3.IBucket;
  /** The server-access-log bucket; undefined when you brought your own evidence bucket. */
  readonly accessLogsBucket?: s3.IBucket;
  readonly alertTopic: sns.ITopic;
  /** Where undeliverable alert e-mails go; undefined without `alertEmails`. */
  readonly alertDeliveryDeadLetterQueue?: sqs.IQueue;
  /** Name (or ARN, if you gave one) of the SSM document a failed gate sends. */
  readonly rollbackDocumentName: string;
  /**
   * Which direct invokes the one-shot deploy gate has handled (Powertools Idempotency), so a retried invoke runs no
   * second gate. The deploy workflow needs none: its executions are named after the deploy event.
   */
  readonly idempotencyTable: dynamodb.ITable;
  /**
   * What runs remember between them (lib/state-table.ts): monitor states, deployed and known-good versions, rollback
   * locks, pauses. Kept when the stack is deleted.
   */
  readonly stateTable: dynamodb.ITable;
  readonly deployGateFunction: lambda.Function;
  readonly deployGateDeadLetterQueue: sqs.IQueue;
  readonly scheduledCheckFunction: lambda.Function;
  readonly scheduledCheckDeadLetterQueue: sqs.IQueue;
  readonly deployEventRule: events.Rule;
  /** One schedule rule per monitor, by monitor name. */
  readonly monitorRules: ReadonlyMap<string, events.Rule>;
  readonly deployEventPattern: events.EventPattern;
  /** Alarms on GateFailed (from the handlers' EMF metrics). */
  readonly failedGatesAlarm: cloudwatch.Alarm;
  /**
   * Alarms on AlertDeliveryFailed: a gate or check could not deliver an alert. Notifies the alert topic and, apart
   * from it, `alertDeliveryAlarmTopic` and the topic of `alertDeliveryAlarmEmails` when given.
   */
  readonly alertDeliveryFailedAlarm: cloudwatch.Alarm;
  /** The topic `alertDeliveryAlarmEmails` subscribe to; undefined without them. */
  readonly alertDeliveryAlarmTopic?: sns.ITopic;
  /** Every alarm Rollgate created; all of them notify the alert topic. */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The layer holding the registry (the services and monitors), which both functions read at cold start. */
  readonly registryLayer: lambda.ILayerVersion;
  /**
   * The deploy as a durable workflow (lib/deploy-workflow.ts): the Step Functions state machine that judges each deploy
   * over its window, rolls back and verifies, its task function, and the starter the deploy event rule invokes.
   */
  readonly deployWorkflow: DeployWorkflow;
  /**
   * The operations dashboard and a `down` alarm per watched service and per monitor on no service (lib/
   * operations-dashboard.ts); the down alarms notify the alert topic through `alarmRelay`, with alert attributes.
   */
  readonly operationsDashboard: OperationsDashboard;
  /** Publishes the down alarms' state changes to the alert topic as AlarmStateChanged alerts (lib/alarm-relay.ts). */
  readonly alarmRelay: AlarmRelay;
  /** A Glue database with `deploys` and `checks` tables over the evidence, and an Athena workgroup to query them. */
  readonly evidenceAthena: EvidenceAthena;

  constructor(scope: Construct, id: string, props: RollgateProps = {}) {
    super(scope, id);
    const config = resolveRollgateProps(props);

    this.key =
      config.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Rollgate: evidence bucket, alert topic and /rollgate/ parameters',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    if (config.evidenceBucket) {
      this.evidenceBucket = config.evidenceBucket;
    } else {
      const storage = new EvidenceBucket(this, 'Evidence', {
        encryptionKey: this.key,
        checksExpiration: config.checksExpiration,
        deploysTransitionToGlacierAfter: config.deploysTransitionToGlacierAfter,
        deploysExpiration: config.deploysExpiration,
        ...(config.objectLock
          ? { objectLock: { mode: config.objectLockMode, retention: config.objectLockRetention } }
          : {}),
      });
      this.evidenceBucket = storage.bucket;
      this.accessLogsBucket = storage.accessLogsBucket;
    }

    this.alertTopic = config.alertTopic ?? createAlertTopic(this, 'AlertTopic', this.key);
    this.alertDeliveryDeadLetterQueue = subscribeAlertEmails(this, this.alertTopic, config.alertEmails);
    const alarmAction = new actions.SnsAction(this.alertTopic);

    this.rollbackDocumentName =
      config.rollbackDocumentName ??
      new RollbackDocument(this, 'RollbackDocument', {
        scriptPath: config.rollbackScript,
        // The longest wait any service follows its rollback for: the script must not be stopped before that.
        timeout: Duration.seconds(
          Math.max(
            config.rollbackWait.toSeconds(),
            ...config.services.map((service) => service.rollback.waitSeconds ?? 0),
          ),
        ),
      }).documentName;
    const documentArn = rollbackDocumentArn(this, this.rollbackDocumentName);

    const registry: Registry = {
      services: config.services,
      monitors: config.monitors.map(({ schedule: _schedule, ...monitor }) => monitor),
    };
    this.registryLayer = createRegistryLayer(this, 'RegistryLayer', registry);
    this.stateTable = createStateTable(this, 'StateTable', this.key);
    const environment = {
      [ENV.evidenceBucket]: this.evidenceBucket.bucketName,
      [ENV.alertTopicArn]: this.alertTopic.topicArn,
      [ENV.rollbackDocument]: this.rollbackDocumentName,
      [ENV.rollbackWaitSeconds]: String(config.rollbackWait.toSeconds()),
      [ENV.registryFile]: REGISTRY_FILE_PATH,
      [ENV.stateTable]: this.stateTable.tableName,
      [ENV.powertoolsServiceName]: METRICS_SERVICE,
      [ENV.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
      [ENV.powertoolsLogLevel]: config.logLevel,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const shared = {
      environment,
      alarmAction,
      memorySize: config.memorySize,
      logRetention: config.logRetention,
      registryLayer: this.registryLayer,
      powertoolsLayer: config.powertools === 'layer' ? powertoolsLayer(this, 'PowertoolsLayer') : undefined,
    };
    const grants = { evidenceBucket: this.evidenceBucket, alertTopic: this.alertTopic, key: this.key };

    this.idempotencyTable = createIdempotencyTable(this, 'IdempotencyTable', this.key);
    const deployGate = new RollgateFunction(this, 'DeployGate', {
      ...shared,
      // The deploy gate only: a duplicate deploy event would roll back twice; a schedule's input is fixed.
      environment: { ...environment, [ENV.idempotencyTable]: this.idempotencyTable.tableName },
      handler: 'deploy-event',
      description: 'Rollgate deploy gate: probes a fresh deploy, records evidence, rolls back when the gate fails',
      timeout: DEPLOY_GATE_TIMEOUT,
      // A retried gate would probe and roll back a second time.
      retryAttempts: 0,
      maxEventAge: DEPLOY_EVENT_MAX_AGE,
    });
    grantRollgateAccess(deployGate, {
      ...grants,
      evidencePrefix: 'deploys/',
      rollbackDocumentArn: documentArn,
      // Only the services that roll back automatically; `approve` and `off` send nothing.
      rollbackHostTags: config.services.filter((service) => service.rollback.mode === 'auto').map(hostTagsOf),
      idempotencyTable: this.idempotencyTable,
    });

    const monitorRollbacks = config.monitors.flatMap(
      (monitor) => monitorCheckOf({ ...monitor, monitor: monitor.name }, registry).rollback ?? [],
    );
    const monitorsRollBack = monitorRollbacks.length > 0;
    const scheduledCheck = new RollgateFunction(this, 'ScheduledCheck', {
      ...shared,
      handler: 'scheduled-check',
      description: 'Rollgate scheduled check: probes one monitor, records evidence, alerts on failure',
      timeout: config.checkTimeout,
      // One retry gives a check hit by a transient AWS error a second chance, unless a retry could send a second
      // rollback; the next scheduled run is the retry then.
      retryAttempts: monitorsRollBack ? 0 : 1,
      maxEventAge: CHECK_EVENT_MAX_AGE,
    });
    grantRollgateAccess(scheduledCheck, {
      ...grants,
      evidencePrefix: 'checks/',
      rollbackDocumentArn: documentArn,
      rollbackHostTags: monitorRollbacks.map((rollback) => rollback.hostTags),
    });

    // State, each function only the kinds of item its runs use: a deploy gate records its service's versions and takes
    // its lock; a check records its monitor and, when a monitor rolls back, the lock and the service's rollback; both
    // move the heads of their evidence chains. Only `rollgate pause` (an operator) writes pauses.
    const autoRollback = config.services.some((service) => service.rollback.mode === 'auto');
    grantStateAccess(deployGate.role, {
      table: this.stateTable,
      key: this.key,
      access: 'read-write',
      readKinds: ['service', 'pause', 'lock', 'chain'],
      writeKinds: autoRollback ? ['service', 'lock', 'chain'] : ['service', 'chain'],
    });
    grantStateAccess(scheduledCheck.role, {
      table: this.stateTable,
      key: this.key,
      access: 'read-write',
      readKinds: ['monitor', 'service', 'pause', 'lock', 'chain'],
      writeKinds: monitorsRollBack ? ['monitor', 'service', 'lock', 'chain'] : ['monitor', 'chain'],
    });

    this.deployGateFunction = deployGate.function;
    this.deployGateDeadLetterQueue = deployGate.deadLetterQueue;
    this.scheduledCheckFunction = scheduledCheck.function;
    this.scheduledCheckDeadLetterQueue = scheduledCheck.deadLetterQueue;

    this.deployEventPattern = config.deployEventPattern;
    this.deployWorkflow = new DeployWorkflow(this, 'DeployWorkflow', {
      functions: shared,
      services: config.services,
      rollbackWait: config.rollbackWait,
      grants: { ...grants, rollbackDocumentArn: documentArn },
      stateTable: this.stateTable,
      maxEventAge: DEPLOY_EVENT_MAX_AGE,
    });
    const starter = this.deployWorkflow.starterFunction;
    this.deployEventRule = new events.Rule(this, 'DeployEventRule', {
      description: 'Rollgate: starts the deploy workflow for every deploy event',
      eventBus: config.eventBus,
      eventPattern: config.deployEventPattern,
      // A retried delivery names the same execution (the event id), so it cannot start a second one.
      targets: [
        new targets.LambdaFunction(starter.function, {
          deadLetterQueue: starter.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: DEPLOY_EVENT_MAX_AGE,
        }),
      ],
    });

    this.monitorRules = new Map(
      config.monitors.map((monitor) => {
        const rule = new events.Rule(this, `Monitor-${monitor.name}`, {
          description: `Rollgate monitor ${monitor.name}`,
          schedule: monitor.schedule,
          targets: [
            new targets.LambdaFunction(this.scheduledCheckFunction, {
              // The name only: the check finds the monitor in its registry, so the rule carries no targets or headers.
              event: events.RuleTargetInput.fromObject({ monitor: monitor.name }),
              deadLetterQueue: scheduledCheck.deadLetterQueue,
              retryAttempts: 2,
              maxEventAge: CHECK_EVENT_MAX_AGE,
            }),
          ],
        });
        return [monitor.name, rule] as const;
      }),
    );

    this.failedGatesAlarm = createAtLeastOnceAlarm(this, 'FailedGatesAlarm', {
      description: 'Rollgate: at least one deploy gate or check failed in the last 5 minutes (GateFailed metric).',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.gateFailed,
        dimensionsMap: { service: METRICS_SERVICE },
        ...FIVE_MINUTE_SUM,
      }),
      action: alarmAction,
    });
    const alertDeliveryAlarms = this.alertDeliveryDeadLetterQueue
      ? [
          createAtLeastOnceAlarm(this, 'AlertDeliveryDeadLetterQueueAlarm', {
            description: 'Rollgate: SNS could not deliver alert e-mails; they are waiting in the dead-letter queue.',
            metric: deadLetterQueueDepth(this.alertDeliveryDeadLetterQueue),
            action: alarmAction,
          }),
        ]
      : [];
    const undelivered = this.createAlertDeliveryFailedAlarm(
      alarmAction,
      config.alertDeliveryAlarmTopic,
      config.alertDeliveryAlarmEmails,
    );
    this.alertDeliveryFailedAlarm = undelivered.alarm;
    this.alertDeliveryAlarmTopic = undelivered.topic;
    this.alarms = [
      ...deployGate.alarms,
      ...scheduledCheck.alarms,
      ...this.deployWorkflow.alarms,
      this.failedGatesAlarm,
      ...alertDeliveryAlarms,
      ...undelivered.alarms,
    ];
    this.addOutputs(config.eventBus);

    // Operations: the dashboard, the down alarms relayed with alert attributes, and Athena over the evidence.
    this.alarmRelay = new AlarmRelay(this, 'AlarmRelay', {
      ...shared,
      // Only what it reads: the registry and Powertools' settings (the relay adds the topic).
      environment: Object.fromEntries(
        Object.entries(environment).filter(([name]) => name === ENV.registryFile || !name.startsWith('ROLLGATE_')),
      ),
      alertTopic: this.alertTopic,
      key: this.key,
    });
    this.operationsDashboard = new OperationsDashboard(this, 'Operations', {
      registry,
      relay: this.alarmRelay,
      alarms: this.alarms,
      deadLetterQueues: [
        { label: 'deploy gate', queue: this.deployGateDeadLetterQueue },
        { label: 'scheduled check', queue: this.scheduledCheckDeadLetterQueue },
        { label: 'deploy starter', queue: this.deployWorkflow.starterFunction.deadLetterQueue },
        { label: 'workflow task', queue: this.deployWorkflow.taskFunction.deadLetterQueue },
        { label: 'alarm relay', queue: this.alarmRelay.function.deadLetterQueue },
        ...(this.alertDeliveryDeadLetterQueue
          ? [{ label: 'alert e-mails', queue: this.alertDeliveryDeadLetterQueue }]
          : []),
      ],
      stateMachine: this.deployWorkflow.stateMachine,
    });
    this.evidenceAthena = new EvidenceAthena(this, 'EvidenceAthena', {
      evidenceBucket: this.evidenceBucket,
      encryptionKey: this.key,
      services: config.services,
      monitors: config.monitors.map((monitor) => monitor.name),
      deploysRetention: config.deploysExpiration,
      checksRetention: config.checksExpiration,
      ...(this.accessLogsBucket !== undefined ? { accessLogsBucket: this.accessLogsBucket } : {}),
    });
    new CfnOutput(this, 'OperationsDashboardName', {
      value: this.operationsDashboard.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the fleet and each watched service (docs/operators.md)',
    });
    new CfnOutput(this, 'EvidenceAthenaWorkGroup', {
      value: this.evidenceAthena.workGroup.name,
      description: 'Athena workgroup for queries over the evidence (results encrypted, kept 7 days)',
    });
    new CfnOutput(this, 'EvidenceAthenaDatabase', {
      value: this.evidenceAthena.databaseName,
      description: 'Glue database of the evidence tables deploys and checks',
    });
  }

  /**
   * The alarm on AlertDeliveryFailed, which cannot rely on the alert topic alone: that topic is usually what failed.
   * It also notifies the operator's own topic, and a topic of its own for the given addresses (whose undeliverable
   * e-mails are alarmed too, to the same places).
   */
  private createAlertDeliveryFailedAlarm(
    alertTopicAction: cloudwatch.IAlarmAction,
    ownTopic: sns.ITopic | undefined,
    emails: readonly string[],
  ): { alarm: cloudwatch.Alarm; topic?: sns.ITopic; alarms: cloudwatch.Alarm[] } {
    const emailTopic = emails.length > 0 ? createAlertDeliveryAlarmTopic(this, 'AlertDeliveryAlarmTopic') : undefined;
    const apart = [ownTopic, emailTopic].filter((topic) => topic !== undefined).map((t) => new actions.SnsAction(t));
    const alarm = createAtLeastOnceAlarm(this, 'AlertDeliveryFailedAlarm', {
      description:
        'Rollgate: a gate or check could not deliver an alert in the last 5 minutes (AlertDeliveryFailed metric). ' +
        "Each such run's evidence has a .delivery.json record naming the alerts and why they failed.",
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.alertDeliveryFailed,
        dimensionsMap: { service: METRICS_SERVICE },
        ...FIVE_MINUTE_SUM,
      }),
      action: alertTopicAction,
    });
    alarm.addAlarmAction(...apart);
    if (emailTopic === undefined) return { alarm, alarms: [alarm] };
    const deadLetterQueue = subscribeAlertEmails(this, emailTopic, emails, 'AlertDeliveryAlarmDeadLetterQueue')!;
    const queueAlarm = createAtLeastOnceAlarm(this, 'AlertDeliveryAlarmDeadLetterQueueAlarm', {
      description:
        'Rollgate: SNS could not deliver the alerts-not-delivered e-mails; they wait in the dead-letter queue.',
      metric: deadLetterQueueDepth(deadLetterQueue),
      action: alertTopicAction,
    });
    queueAlarm.addAlarmAction(...apart);
    return { alarm, topic: emailTopic, alarms: [alarm, queueAlarm] };
  }

  private addOutputs(eventBus: events.IEventBus | undefined): void {
    const stack = Stack.of(this);
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('EvidenceBucketName', this.evidenceBucket.bucketName, 'Bucket holding deploys/ and checks/ evidence');
    output('AlertTopicArn', this.alertTopic.topicArn, 'SNS topic for alerts and alarm notifications');
    output('DeployGateFunctionName', this.deployGateFunction.functionName, 'Lambda running the deploy gate');
    output(
      'DeployWorkflowArn',
      this.deployWorkflow.stateMachine.stateMachineArn,
      'Step Functions state machine judging each deploy (rollgate deploy --state-machine)',
    );
    output(
      'DeployStarterFunctionName',
      this.deployWorkflow.starterFunction.function.functionName,
      'Lambda the deploy event rule invokes to start the workflow',
    );
    output('ScheduledCheckFunctionName', this.scheduledCheckFunction.functionName, 'Lambda running monitors');
    output('RollbackDocumentName', this.rollbackDocumentName, 'SSM document sent to roll a service back');
    output(
      'StateTableName',
      this.stateTable.tableName,
      'DynamoDB table of what runs remember (rollgate pause --table)',
    );
    output(
      'DeployEventPattern',
      stack.toJsonString(eventPatternAsJson(this.deployEventPattern)),
      'EventBridge pattern a deploy event must match to run the gate',
    );
    const busName = eventBus?.eventBusName ?? 'default';
    output(
      'ExamplePutEventsCommand',
      examplePutEventsCommand(this.deployEventPattern, busName),
      'Sends a deploy event that runs the gate (edit the detail first)',
    );
  }
}

/** CDK spells `detail-type` as `detailType`; the pattern EventBridge (and a human) reads uses the dash. */
function eventPatternAsJson(pattern: events.EventPattern): Record<string, unknown> {
  const { detailType, ...rest } = pattern;
  return { ...rest, ...(detailType ? { 'detail-type': detailType } : {}) };
}

function examplePutEventsCommand(pattern: events.EventPattern, eventBusName: string): string {
  const firstString = (values: unknown, fallback: string): string =>
    Array.isArray(values) && typeof values[0] === 'string' ? values[0] : fallback;
  const detail = {
    service: 'checkout',
    environment: 'prod',
    version: '1.4.2',
    previousVersion: '1.4.1',
    digest: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    commit: '9fceb02',
  };
  const entries = [
    {
      EventBusName: eventBusName,
      Source: firstString(pattern.source, DEFAULT_DEPLOY_EVENT_SOURCE),
      DetailType: firstString(pattern.detailType, DEFAULT_DEPLOY_EVENT_DETAIL_TYPE),
      Detail: JSON.stringify(detail),
    },
  ];
  return `aws events put-events --entries '${JSON.stringify(entries)}'`;
}
