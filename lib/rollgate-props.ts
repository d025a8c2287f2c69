// The Rollgate construct's props, each with its documented default, and the patterns every name and version must
// match. The defaults themselves are applied in one place: resolve-rollgate-props.ts.
import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as names from '../lambda/core/config/name-patterns.ts';

// The same alphabets the handlers check (lambda/core/config/name-patterns.ts), as the pattern strings CloudFormation and the
// config file take.
/** A service, environment or monitor name: it reaches S3 keys, tags and the rollback document. */
export const NAME_PATTERN = names.NAME_PATTERN.source;
/** A version that is required (the failed one): no shell metacharacters, no spaces. */
export const VERSION_PATTERN = names.VERSION_PATTERN.source;
/** The version to roll back to: empty when the deploy event carried no previousVersion. */
export const OPTIONAL_VERSION_PATTERN = names.OPTIONAL_VERSION_PATTERN.source;

/** Lambda's hard limit, and the deploy gate's timeout: probes, then up to `rollbackWait`, then evidence. */
export const DEPLOY_GATE_TIMEOUT = Duration.minutes(15);
/** What the deploy gate must keep for probing and writing evidence around the rollback wait. */
export const DEPLOY_GATE_HEADROOM = Duration.minutes(2);

/** Log levels the Powertools logger understands. */
export type RollgateLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Where the functions load Powertools from: its public Lambda layer, or their own bundles. */
export type RollgatePowertools = 'layer' | 'bundled';

/**
 * A header value: literal, or a SecureString parameter read at run time (never recorded). Only parameters under
 * `/rollgate/` can be read by the functions.
 */
export type RollgateHeaderValue = string | { readonly ssm: string };

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
   * Request headers. Secrets belong in SSM SecureString parameters under `/rollgate/`: `{ "ssm": "/rollgate/..." }`.
   * @default - no extra headers
   */
  readonly headers?: Record<string, RollgateHeaderValue>;
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
   * A topic of your own (a pager's, another team's) that the AlertDeliveryFailed alarm also notifies. That alarm fires
   * when a gate or check could not deliver an alert, which usually means the alert topic itself is gone, denied or
   * throttled, so notifying only that topic may reach nobody. The topic's policy (and key, if it has one) must let
   * CloudWatch alarms publish.
   * @default - none: the alarm notifies the alert topic only (and `alertDeliveryAlarmEmails`, if given); with neither,
   * it still changes state in the CloudWatch console, and each run's evidence has a delivery record
   */
  readonly alertDeliveryAlarmTopic?: sns.ITopic;
  /**
   * E-mail addresses told when alerts could not be delivered, through a small topic of their own, apart from the
   * alert topic and unencrypted so it does not share the Rollgate key's faults (it carries only the alarm's state).
   * @default - no such topic
   */
  readonly alertDeliveryAlarmEmails?: string[];
  /**
   * Name (or ARN) of an existing SSM Command document that performs rollbacks. It is sent the parameters `Service`,
   * `Environment`, `FailedVersion` and `TargetVersion`.
   * @default - Rollgate creates a document that runs `rollbackScript` on the host
   */
  readonly rollbackDocumentName?: string;
  /**
   * Absolute path of the operator-owned rollback script the created document runs on the host (not combinable with
   * `rollbackDocumentName`). It receives service, environment, failed version and target version (possibly empty) as
   * `$1`..`$4` and as ROLLGATE_SERVICE, ROLLGATE_ENVIRONMENT, ROLLGATE_FAILED_VERSION, ROLLGATE_TARGET_VERSION.
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
   * Timeout of the scheduled-check function. It must fit each monitor's probes (every attempt timing out) and, for a
   * monitor with `rollbackOnFailure`, `rollbackWait` and 15 seconds to record the outcome after them; a shorter one
   * fails synth naming the monitor.
   * @default Duration.minutes(2), or the whole minutes the neediest monitor needs when that is more
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
  /**
   * Where both functions load Powertools from. `'layer'` adds Powertools' public Lambda layer, at exactly the
   * Powertools version installed at synth time (its ARN read from Powertools' public SSM parameter at deploy time),
   * and leaves Powertools out of the bundles: Powertools' own recommendation, and what keeps the deploy gate's bundle
   * small. `'bundled'` bundles it instead, for partitions and regions without the public layer (China, GovCloud).
   * @default 'layer'
   */
  readonly powertools?: RollgatePowertools;
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
  readonly alertDeliveryAlarmTopic?: sns.ITopic;
  readonly alertDeliveryAlarmEmails: string[];
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
  readonly powertools: RollgatePowertools;
}

export interface ResolvedRollgateMonitor extends RollgateMonitor {
  readonly schedule: events.Schedule;
  readonly rollbackOnFailure: boolean;
}
