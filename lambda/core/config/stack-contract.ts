// What the stack (lib/) and the Lambda handlers agree on, in one module both import: the environment variables the
// stack sets and the handlers read, the patterns those values match, the registry file's place, the metric names and
// namespace the alarms watch, and the defaults and margins both sides size time with. A second copy would drift.

/** Environment variables the stack sets on the functions. */
export const ENV = {
  evidenceBucket: 'ROLLGATE_EVIDENCE_BUCKET',
  alertTopicArn: 'ROLLGATE_ALERT_TOPIC_ARN',
  rollbackDocument: 'ROLLGATE_ROLLBACK_DOCUMENT',
  rollbackWaitSeconds: 'ROLLGATE_ROLLBACK_WAIT_SECONDS',
  /** The deploy gate's only: Powertools Idempotency's table. */
  idempotencyTable: 'ROLLGATE_IDEMPOTENCY_TABLE',
  /** The state table (lib/state-table.ts): monitor states, versions, rollback locks and pauses, between runs. */
  stateTable: 'ROLLGATE_STATE_TABLE',
  /** Where the registry (services and monitors) is: a file in the registry layer, or a test's temporary file. */
  registryFile: 'ROLLGATE_REGISTRY_FILE',
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  powertoolsLogLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** An S3 bucket name. */
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An SNS topic ARN (standard or FIFO). */
export const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** An SSM document name, or its ARN. */
export const DOCUMENT_NAME_PATTERN = /^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/)?[A-Za-z0-9_.-]{3,128}$/;
/** A DynamoDB table name. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;
/** Header secrets the functions may read: SecureString parameters under this path (their IAM allows no other). */
export const SECRET_PARAMETER_PREFIX = '/rollgate/';

/**
 * The registry layer: a Lambda layer's files appear under /opt, so its `rollgate/registry.json` is read from here.
 * The stack names it in ROLLGATE_REGISTRY_FILE rather than the handlers assuming it, so a test can point elsewhere.
 */
export const REGISTRY_LAYER_DIRECTORY = 'rollgate';
export const REGISTRY_FILE_NAME = 'registry.json';
export const REGISTRY_FILE_PATH = `/opt/${REGISTRY_LAYER_DIRECTORY}/${REGISTRY_FILE_NAME}`;

/**
 * The EMF namespace and the fleet-wide dimension (service=rollgate) every run is counted under and the stack's alarms
 * read. Each run is also counted under its own dimension sets (METRIC_DIMENSION, lambda/handlers/run-metrics.ts).
 */
export const METRICS_NAMESPACE = 'Rollgate';
export const METRICS_SERVICE = 'rollgate';
export const METRIC = {
  gatePassed: 'GatePassed',
  gateFailed: 'GateFailed',
  gateSkipped: 'GateSkipped',
  probeLatency: 'ProbeLatency',
  rollbackSent: 'RollbackSent',
  rollbackSucceeded: 'RollbackSucceeded',
  rollbackFailed: 'RollbackFailed',
  alertDeliveryFailed: 'AlertDeliveryFailed',
  /** A gauge per check: 1 when the monitor is down after the run, 0 when up; nothing while unknown. */
  monitorState: 'MonitorState',
  /** Transitions: a monitor went down, or came back up. */
  monitorDown: 'MonitorDown',
  monitorRecovered: 'MonitorRecovered',
  /** The deploy workflow's verified outcome of a rollback: healthy again on the target version, or not. */
  rollbackRecovered: 'RollbackRecovered',
  rollbackStillFailing: 'RollbackStillFailing',
  /** Seconds from a deploy's failed verdict to the verification that proved its rollback healed it. */
  timeToHeal: 'TimeToHeal',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * The dimensions of a run's own metrics, beside the fleet-wide one: [service, environment] for a deploy, [monitor]
 * and, when the monitor names them, [service, environment] for a check. Values are registered names only.
 */
export const METRIC_DIMENSION = {
  service: 'service',
  environment: 'environment',
  monitor: 'monitor',
} as const;

/** The deploy events the stack's rule selects unless told otherwise. */
export const DEFAULT_DEPLOY_EVENT_SOURCE = 'rollgate.deploy';
export const DEFAULT_DEPLOY_EVENT_DETAIL_TYPE = 'Deployment Completed';

/** Lambda's hard limit, and the deploy gate's timeout: probes, then the rollback wait, then evidence. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** How long a rollback is followed when nothing says otherwise (ROLLGATE_ROLLBACK_WAIT_SECONDS's default). */
export const DEFAULT_ROLLBACK_WAIT_SECONDS = 600;
/** The rollback waits a stack setting may give: at least a minute, and two minutes short of the deploy gate's 15. */
export const MIN_ROLLBACK_WAIT_SECONDS = 60;
export const MAX_ROLLBACK_WAIT_SECONDS = 780;
/**
 * What an invocation keeps of its time after the rollback wait: to read each host's outcome, write the rollback
 * record and send its alert (and the delivery record if that fails). The wait ends this long before the function
 * would be stopped, and the stack sizes the functions' timeouts with it.
 */
export const ROLLBACK_RECORD_MARGIN_SECONDS = 15;
/** Cold start, secrets, and the verdict record and its alerts, before any rollback starts. */
export const RUN_START_SECONDS = 10;
