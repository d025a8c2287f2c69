// The Rollgate construct's props, their defaults (applied here and nowhere else) and the synth-time checks that
// turn an unusable value into a RollgateConfigError naming the field, instead of a failed deployment later.
import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { RollgateConfigError } from './rollgate-config-error.ts';

/** A service, environment or monitor name: it reaches S3 keys, tags and the rollback document. */
export const NAME_PATTERN = '^[A-Za-z0-9._-]{1,64}$';
/** A version that is required (the failed one): no shell metacharacters, no spaces. */
export const VERSION_PATTERN = '^[A-Za-z0-9._+-]{1,128}$';
/** The version to roll back to: empty when the deploy event carried no previousVersion. */
export const OPTIONAL_VERSION_PATTERN = '^[A-Za-z0-9._+-]{0,128}$';

/** Lambda's hard limit, and the deploy gate's timeout: probes, then up to `rollbackWait`, then evidence. */
export const DEPLOY_GATE_TIMEOUT = Duration.minutes(15);
/** What the deploy gate must keep for probing and writing evidence around the rollback wait. */
const DEPLOY_GATE_HEADROOM = Duration.minutes(2);

/** Log levels the Powertools logger understands. */
export type RollgateLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One URL a monitor probes, with what it expects back. */
export interface RollgateMonitorTarget {
  /** The http(s) URL to probe. */
  readonly url: string;
  /**
   * A short name for the target in evidence and alerts.
   * @default - the handler derives one from the URL
   */
  readonly name?: string;
  /**
   * Expectations on the response (status, body, latency...), passed to the handler as given.
   * @default - the handler's default expectations
   */
  readonly expect?: Record<string, unknown>;
  /**
   * Request headers. Secrets belong in SSM SecureString parameters under `/rollgate/`, referenced by name.
   * @default - no extra headers
   */
  readonly headers?: Record<string, string>;
}

/** A synthetic monitor: an EventBridge schedule that invokes the scheduled-check function with this object. */
export interface RollgateMonitor {
  /** Unique among monitors; used in evidence keys (`checks/<name>/...`). Must match `^[A-Za-z0-9._-]{1,64}$`. */
  readonly name: string;
  /**
   * URLs probed with the handler's default expectations. Give `urls`, `targets`, or both.
   * @default - none
   */
  readonly urls?: string[];
  /**
   * Targets with their own expectations or headers. Give `urls`, `targets`, or both.
   * @default - none
   */
  readonly targets?: RollgateMonitorTarget[];
  /**
   * How often the monitor runs.
   * @default Schedule.rate(Duration.minutes(5))
   */
  readonly schedule?: events.Schedule;
  /**
   * Send the rollback document to the instances tagged `rollgate:service`/`rollgate:environment` when the check
   * fails. Requires `service` and `environment`, and grants the scheduled function `ssm:SendCommand`.
   * @default false
   */
  readonly rollbackOnFailure?: boolean;
  /**
   * The service this monitor watches (alert attribute, rollback tag).
   * @default - none
   */
  readonly service?: string;
  /**
   * The environment this monitor watches (alert attribute, rollback tag).
   * @default - none
   */
  readonly environment?: string;
  /**
   * The version the service should report; a different one fails the check.
   * @default - the version is not checked
   */
  readonly expectedVersion?: string;
}

export interface RollgateProps {
  /**
   * KMS key for the evidence bucket, the alert topic and `/rollgate/` SecureString parameters. A key you bring must
   * already allow `cloudwatch.amazonaws.com` to `kms:Decrypt`/`kms:GenerateDataKey*` (alarm actions) if it encrypts
   * the alert topic; Rollgate cannot edit an imported key's policy.
   * @default - a new key with rotation enabled, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * An existing bucket for evidence. The lifecycle and object-lock props only apply to the bucket Rollgate creates,
   * so they cannot be combined with this one.
   * @default - a new versioned, KMS-encrypted, TLS-only bucket with access logging, retained on stack deletion
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * How long scheduled-check evidence (`checks/`) is kept.
   * @default Duration.days(30)
   */
  readonly checksExpiration?: Duration;
  /**
   * When deploy-gate evidence (`deploys/`) moves to S3 Glacier Flexible Retrieval.
   * @default Duration.days(90)
   */
  readonly deploysTransitionToGlacierAfter?: Duration;
  /**
   * How long deploy-gate evidence (`deploys/`) is kept. Must be later than the Glacier transition.
   * @default Duration.days(365)
   */
  readonly deploysExpiration?: Duration;
  /**
   * Enable S3 Object Lock (GOVERNANCE mode) so evidence cannot be overwritten or deleted during the retention period.
   * Can only be chosen when the bucket is created; turning it on later replaces the bucket.
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * Default Object Lock retention for every evidence object, when `objectLock` is on.
   * @default Duration.days(30)
   */
  readonly objectLockRetention?: Duration;
  /**
   * A topic you already own for alerts and alarm notifications. Its policy and key must let the Rollgate function
   * roles publish and CloudWatch alarms deliver.
   * @default - a new topic encrypted with `encryptionKey`, TLS-only
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * E-mail addresses subscribed to the alert topic (each must confirm the subscription).
   * @default - no subscriptions
   */
  readonly alertEmails?: string[];
  /**
   * Name (or ARN) of an existing SSM Command document that performs rollbacks. It is sent the parameters `Service`,
   * `Environment`, `FailedVersion` and `TargetVersion`.
   * @default - Rollgate creates a document that runs `rollbackScript` on the host
   */
  readonly rollbackDocumentName?: string;
  /**
   * Absolute path of the operator-owned rollback script the created document runs on the host.
   * @default '/opt/rollgate/rollback.sh'
   */
  readonly rollbackScript?: string;
  /**
   * How long the deploy gate waits for the rollback command to finish; also the created document's step timeout.
   * Must leave two minutes of the 15-minute deploy-gate timeout.
   * @default Duration.minutes(10)
   */
  readonly rollbackWait?: Duration;
  /**
   * The bus deploy events arrive on.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The pattern that selects deploy events.
   * @default { source: ['rollgate.deploy'], detailType: ['Deployment Completed'] }
   */
  readonly deployEventPattern?: events.EventPattern;
  /**
   * Synthetic monitors, each with its own schedule.
   * @default - none
   */
  readonly monitors?: RollgateMonitor[];
  /**
   * Memory of both functions, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of the scheduled-check function: the probe budget of one monitor run.
   * @default Duration.minutes(2)
   */
  readonly checkTimeout?: Duration;
  /**
   * Retention of both functions' log groups.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Powertools log level of both functions.
   * @default 'INFO'
   */
  readonly logLevel?: RollgateLogLevel;
}

/** RollgateProps with every default applied: what the construct builds from. */
export interface ResolvedRollgateProps {
  readonly encryptionKey?: kms.IKey;
  readonly evidenceBucket?: s3.IBucket;
  readonly checksExpiration: Duration;
  readonly deploysTransitionToGlacierAfter: Duration;
  readonly deploysExpiration: Duration;
  readonly objectLock: boolean;
  readonly objectLockRetention: Duration;
  readonly alertTopic?: sns.ITopic;
  readonly alertEmails: string[];
  readonly rollbackDocumentName?: string;
  readonly rollbackScript: string;
  readonly rollbackWait: Duration;
  readonly eventBus?: events.IEventBus;
  readonly deployEventPattern: events.EventPattern;
  readonly monitors: ResolvedRollgateMonitor[];
  readonly memorySize: number;
  readonly checkTimeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: RollgateLogLevel;
}

export interface ResolvedRollgateMonitor extends RollgateMonitor {
  readonly schedule: events.Schedule;
  readonly rollbackOnFailure: boolean;
}

export const DEFAULT_DEPLOY_EVENT_PATTERN: events.EventPattern = {
  source: ['rollgate.deploy'],
  detailType: ['Deployment Completed'],
};

/** Applies every default and checks every value; throws RollgateConfigError naming the first bad field. */
export function resolveRollgateProps(props: RollgateProps = {}): ResolvedRollgateProps {
  const bucketOnlyProps = ['checksExpiration', 'deploysTransitionToGlacierAfter', 'deploysExpiration', 'objectLock',
    'objectLockRetention'] as const;
  if (props.evidenceBucket) {
    const conflicting = bucketOnlyProps.find((field) => props[field] !== undefined);
    if (conflicting) {
      throw new RollgateConfigError(conflicting, props[conflicting],
        'applies only to the bucket Rollgate creates; configure lifecycle and object lock on your evidenceBucket yourself');
    }
  }

  const resolved: ResolvedRollgateProps = {
    encryptionKey: props.encryptionKey,
    evidenceBucket: props.evidenceBucket,
    checksExpiration: props.checksExpiration ?? Duration.days(30),
    deploysTransitionToGlacierAfter: props.deploysTransitionToGlacierAfter ?? Duration.days(90),
    deploysExpiration: props.deploysExpiration ?? Duration.days(365),
    objectLock: props.objectLock ?? false,
    objectLockRetention: props.objectLockRetention ?? Duration.days(30),
    alertTopic: props.alertTopic,
    alertEmails: props.alertEmails ?? [],
    rollbackDocumentName: props.rollbackDocumentName,
    rollbackScript: props.rollbackScript ?? '/opt/rollgate/rollback.sh',
    rollbackWait: props.rollbackWait ?? Duration.minutes(10),
    eventBus: props.eventBus,
    deployEventPattern: props.deployEventPattern ?? DEFAULT_DEPLOY_EVENT_PATTERN,
    monitors: (props.monitors ?? []).map((monitor) => ({
      ...monitor,
      schedule: monitor.schedule ?? events.Schedule.rate(Duration.minutes(5)),
      rollbackOnFailure: monitor.rollbackOnFailure ?? false,
    })),
    memorySize: props.memorySize ?? 256,
    checkTimeout: props.checkTimeout ?? Duration.minutes(2),
    logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    logLevel: props.logLevel ?? 'INFO',
  };
  checkResolvedProps(resolved);
  return resolved;
}

function checkResolvedProps(props: ResolvedRollgateProps): void {
  const days = (field: string, value: Duration): number => {
    const count = value.toDays({ integral: false });
    if (!Number.isInteger(count) || count < 1) {
      throw new RollgateConfigError(field, value.toHumanString(), 'must be a whole number of days, at least 1');
    }
    return count;
  };
  days('checksExpiration', props.checksExpiration);
  const glacierDays = days('deploysTransitionToGlacierAfter', props.deploysTransitionToGlacierAfter);
  const expirationDays = days('deploysExpiration', props.deploysExpiration);
  if (expirationDays <= glacierDays) {
    throw new RollgateConfigError('deploysExpiration', props.deploysExpiration.toHumanString(),
      `must be later than deploysTransitionToGlacierAfter (${glacierDays} days)`);
  }
  if (props.objectLock) days('objectLockRetention', props.objectLockRetention);

  props.alertEmails.forEach((email, index) => {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw new RollgateConfigError(`alertEmails[${index}]`, email, 'must be an e-mail address');
    }
  });
  if (props.rollbackDocumentName !== undefined && !Token.isUnresolved(props.rollbackDocumentName)
    && !/^(arn:[^\s]+|[A-Za-z0-9_.:/-]{3,128})$/.test(props.rollbackDocumentName)) {
    throw new RollgateConfigError('rollbackDocumentName', props.rollbackDocumentName,
      'must be an SSM document name ([A-Za-z0-9_.:/-], 3-128 characters) or ARN');
  }
  // The path is written into a shell script inside single quotes: keep it to characters that need no quoting.
  if (!/^\/[A-Za-z0-9._/-]+$/.test(props.rollbackScript)) {
    throw new RollgateConfigError('rollbackScript', props.rollbackScript,
      'must be an absolute path made of letters, digits, ".", "_", "-" and "/"');
  }
  const waitSeconds = props.rollbackWait.toSeconds();
  const maxWaitSeconds = DEPLOY_GATE_TIMEOUT.toSeconds() - DEPLOY_GATE_HEADROOM.toSeconds();
  if (waitSeconds < 60 || waitSeconds > maxWaitSeconds) {
    throw new RollgateConfigError('rollbackWait', props.rollbackWait.toHumanString(),
      `must be between 1 minute and ${maxWaitSeconds / 60} minutes (the deploy gate times out after 15 minutes)`);
  }
  if (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10240) {
    throw new RollgateConfigError('memorySize', props.memorySize, 'must be a whole number of MB from 128 to 10240');
  }
  const checkSeconds = props.checkTimeout.toSeconds();
  if (checkSeconds < 10 || checkSeconds > DEPLOY_GATE_TIMEOUT.toSeconds()) {
    throw new RollgateConfigError('checkTimeout', props.checkTimeout.toHumanString(),
      'must be between 10 seconds and 15 minutes');
  }
  checkMonitors(props.monitors);
}

function checkMonitors(monitors: readonly ResolvedRollgateMonitor[]): void {
  const seen = new Set<string>();
  monitors.forEach((monitor, index) => {
    const label = `monitors[${index}]${typeof monitor.name === 'string' ? ` (${JSON.stringify(monitor.name)})` : ''}`;
    const fail = (field: string, value: unknown, problem: string): never => {
      throw new RollgateConfigError(`${label}.${field}`, value, problem);
    };
    if (typeof monitor.name !== 'string' || !new RegExp(NAME_PATTERN).test(monitor.name)) {
      fail('name', monitor.name, `must match ${NAME_PATTERN}`);
    }
    if (seen.has(monitor.name)) fail('name', monitor.name, 'is used by another monitor; names must be unique');
    seen.add(monitor.name);

    const urls = monitor.urls ?? [];
    const targets = monitor.targets ?? [];
    if (urls.length === 0 && targets.length === 0) {
      fail('urls', monitor.urls, 'a monitor needs at least one entry in urls or targets');
    }
    urls.forEach((url, i) => {
      if (!isHttpUrl(url)) fail(`urls[${i}]`, url, 'must be an http:// or https:// URL');
    });
    targets.forEach((target, i) => {
      if (!isHttpUrl(target?.url)) fail(`targets[${i}].url`, target?.url, 'must be an http:// or https:// URL');
    });
    for (const field of ['service', 'environment'] as const) {
      const value = monitor[field];
      if (value !== undefined && !new RegExp(NAME_PATTERN).test(value)) fail(field, value, `must match ${NAME_PATTERN}`);
    }
    if (monitor.expectedVersion !== undefined && !new RegExp(VERSION_PATTERN).test(monitor.expectedVersion)) {
      fail('expectedVersion', monitor.expectedVersion, `must match ${VERSION_PATTERN}`);
    }
    if (monitor.rollbackOnFailure && (monitor.service === undefined || monitor.environment === undefined)) {
      fail('rollbackOnFailure', true,
        'needs service and environment: the rollback targets instances by their rollgate:service/rollgate:environment tags');
    }
  });
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
