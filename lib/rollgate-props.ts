// The Rollgate construct's props, each with its documented default, and the patterns every name and version must
// match. The defaults themselves are applied in one place: resolve-rollgate-props.ts.
import type { EvidenceObjectLockMode } from './evidence-bucket.ts';
import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { HeaderValue, TargetConfig } from '../lambda/core/config/config-schema.ts';
import type { MonitorConfig, MonitorConfigInput } from '../lambda/core/config/monitor-schema.ts';
import * as names from '../lambda/core/config/name-patterns.ts';
import type { ServiceConfig, ServiceConfigInput } from '../lambda/core/config/service-schema.ts';
import { LAMBDA_MAX_TIMEOUT_SECONDS } from '../lambda/core/config/stack-contract.ts';

// The same alphabets the handlers check (lambda/core/config/name-patterns.ts), as the pattern strings CloudFormation and the
// config file take.
/** A service, environment or monitor name: it reaches S3 keys, tags and the rollback document. */
export const NAME_PATTERN = names.NAME_PATTERN.source;
/** A version (the failed one, the one to return to): no shell metacharacters, no spaces, never empty. */
export const VERSION_PATTERN = names.VERSION_PATTERN.source;

/** Lambda's hard limit, and the deploy gate's timeout: probes, then up to `rollbackWait`, then evidence. */
export const DEPLOY_GATE_TIMEOUT = Duration.seconds(LAMBDA_MAX_TIMEOUT_SECONDS);

/** Log levels the Powertools logger understands. */
export type RollgateLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Where the functions load Powertools from: its public Lambda layer, or their own bundles. */
export type RollgatePowertools = 'layer' | 'bundled';

/**
 * A header value: literal, or a SecureString parameter read at run time (never recorded). Only parameters under
 * `/rollgate/` can be read by the functions. (`{ env }` references are for the CLI; the functions refuse them.)
 */
export type RollgateHeaderValue = HeaderValue;

/**
 * One URL a monitor or a service probes, with what it expects back: `url`, and optionally `name`, `headers`, `expect`
 * (`status`, `version`, `maxLatencyMs`, `bodyContains`, `healthStatus`) and `allowPrivate`. The engine's own schema
 * (lambda/core/config/config-schema.ts) checks it at synth.
 */
export type RollgateMonitorTarget = TargetConfig;

/**
 * A synthetic monitor: an EventBridge schedule that runs the scheduled check on it. The fields are those of a monitor
 * in rollgate.config.json (lambda/core/config/monitor-schema.ts, checked with that schema at synth), but `schedule` is
 * an events.Schedule here. Give `urls` and/or `targets`, or name a registered service (`service` and `environment`)
 * whose targets it then probes.
 */
export type RollgateMonitor = Omit<MonitorConfigInput, 'schedule'> & {
  /**
   * How often the monitor runs.
   * @default Schedule.rate(Duration.minutes(5))
   */
  readonly schedule?: events.Schedule;
};

/**
 * A service the stack knows (lambda/core/config/service-schema.ts, checked with that schema at synth): its targets, its
 * probe budget, how its hosts are found (`hosts.tags`, by default `rollgate:service` and `rollgate:environment`), its
 * rollback (`mode`: auto, approve or off; `waitSeconds`) and whether deploy events may add targets (`eventTargets`).
 */
export type RollgateService = ServiceConfigInput;

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
   * Enable S3 Object Lock, so no one can overwrite or delete an evidence object version during its retention: the
   * production setting (the README's "Tamper evidence" says why and what it costs). Can only be chosen when the bucket
   * is created; turning it on later replaces the bucket.
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * The Object Lock mode, with `objectLock`: `GOVERNANCE` lets a principal granted s3:BypassGovernanceRetention remove
   * a locked version on purpose (a way back from a mistake); `COMPLIANCE` lets no one, the account's root included,
   * until the retention ends.
   * @default 'GOVERNANCE'
   */
  readonly objectLockMode?: EvidenceObjectLockMode;
  /**
   * How long every evidence object version stays locked, with `objectLock`. No longer than `deploysExpiration` (synth
   * refuses it): a record locked past its expiration outlives the lifecycle. Longer than `checksExpiration`, a check's
   * record still expires on time behind a delete marker, but its locked version is kept (and billed) until the
   * retention ends.
   * @default checksExpiration: no record stays locked past its prefix's expiration
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
   * The services the deploy gate knows. A deploy event names a service and environment registered here, and the gate
   * probes its targets; an event for any other is refused. Each service that rolls back adds an IAM condition on its
   * host tags' values.
   * @default - none: every deploy event is refused
   */
  readonly services?: RollgateService[];
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
  readonly objectLockMode: EvidenceObjectLockMode;
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
  readonly services: ServiceConfig[];
  readonly monitors: ResolvedRollgateMonitor[];
  readonly memorySize: number;
  readonly checkTimeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: RollgateLogLevel;
  readonly powertools: RollgatePowertools;
}

/** A monitor validated and with its defaults, and its schedule as the CDK object the rule takes. */
export type ResolvedRollgateMonitor = Omit<MonitorConfig, 'schedule'> & { readonly schedule: events.Schedule };
