// Applies RollgateProps' defaults (here and nowhere else) and checks every value at synth time, so an unusable
// prop fails `cdk synth` with a RollgateConfigError naming the field instead of failing a deployment later.
import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { parseWithSchema } from '../lambda/core/config/config-schema.ts';
import type { Registry } from '../lambda/core/config/registry.ts';
import { constructSettingsSchema } from '../lambda/core/config/rollgate-config-schema.ts';
import {
  DEFAULT_DEPLOY_EVENT_DETAIL_TYPE,
  DEFAULT_DEPLOY_EVENT_SOURCE,
  MAX_ROLLBACK_WAIT_SECONDS,
  MIN_ROLLBACK_WAIT_SECONDS,
} from '../lambda/core/config/stack-contract.ts';
import { checkDeployGateBudgets, checkFunctionTimeout, DEFAULT_CHECK_TIMEOUT } from './check-timeout.ts';
import { checkStackTargets } from './check-stack-targets.ts';
import { checkObjectLockRetention } from './evidence-bucket.ts';
import { RollgateConfigError, withRollgateConfigErrors } from './rollgate-config-error.ts';
import {
  DEPLOY_GATE_TIMEOUT,
  type ResolvedRollgateMonitor,
  type ResolvedRollgateProps,
  type RollgateProps,
} from './rollgate-props.ts';

export const DEFAULT_DEPLOY_EVENT_PATTERN: events.EventPattern = {
  source: [DEFAULT_DEPLOY_EVENT_SOURCE],
  detailType: [DEFAULT_DEPLOY_EVENT_DETAIL_TYPE],
};

/** Applies every default and checks every value; throws RollgateConfigError naming the first bad field. */
export function resolveRollgateProps(props: RollgateProps = {}): ResolvedRollgateProps {
  const bucketOnlyProps = [
    'checksExpiration',
    'deploysTransitionToGlacierAfter',
    'deploysExpiration',
    'objectLock',
    'objectLockMode',
    'objectLockRetention',
  ] as const;
  if (props.evidenceBucket) {
    const conflicting = bucketOnlyProps.find((field) => props[field] !== undefined);
    if (conflicting) {
      throw new RollgateConfigError(
        conflicting,
        props[conflicting],
        'applies only to the bucket Rollgate creates; configure lifecycle and object lock on your evidenceBucket yourself',
      );
    }
  }

  if (props.objectLockMode !== undefined) {
    if (props.objectLockMode !== 'GOVERNANCE' && props.objectLockMode !== 'COMPLIANCE') {
      throw new RollgateConfigError('objectLockMode', props.objectLockMode, "must be 'GOVERNANCE' or 'COMPLIANCE'");
    }
    if (props.objectLock !== true) {
      throw new RollgateConfigError('objectLockMode', props.objectLockMode, 'applies only with objectLock: true');
    }
  }

  if (props.rollbackDocumentName !== undefined && props.rollbackScript !== undefined) {
    throw new RollgateConfigError(
      'rollbackScript',
      props.rollbackScript,
      'applies only to the document Rollgate creates; your rollbackDocumentName decides what runs on the host',
    );
  }

  // What the props spell as the config file does is checked with the engine's schema, the handlers' own.
  const settings = withRollgateConfigErrors(() =>
    parseWithSchema(
      constructSettingsSchema,
      {
        alertEmails: props.alertEmails,
        alertDeliveryAlarmEmails: props.alertDeliveryAlarmEmails,
        rollbackDocumentName: Token.isUnresolved(props.rollbackDocumentName) ? undefined : props.rollbackDocumentName,
        rollbackScript: props.rollbackScript,
        memorySize: props.memorySize,
        logLevel: props.logLevel,
        powertools: props.powertools,
        services: props.services,
        // The schedule is a CDK object here, not the file's expression string.
        monitors: props.monitors?.map(({ schedule: _schedule, ...monitor }) => monitor),
      },
      {},
      'props',
    ),
  );
  const registry: Registry = { services: settings.services, monitors: settings.monitors };
  checkStackTargets(registry);

  const resolved: ResolvedRollgateProps = {
    encryptionKey: props.encryptionKey,
    evidenceBucket: props.evidenceBucket,
    checksExpiration: props.checksExpiration ?? Duration.days(30),
    deploysTransitionToGlacierAfter: props.deploysTransitionToGlacierAfter ?? Duration.days(90),
    deploysExpiration: props.deploysExpiration ?? Duration.days(365),
    objectLock: props.objectLock ?? false,
    objectLockMode: props.objectLockMode ?? 'GOVERNANCE',
    // Tied to the lifecycle: by default no record stays locked past its prefix's expiration.
    objectLockRetention: props.objectLockRetention ?? props.checksExpiration ?? Duration.days(30),
    alertTopic: props.alertTopic,
    alertEmails: props.alertEmails ?? [],
    alertDeliveryAlarmTopic: props.alertDeliveryAlarmTopic,
    alertDeliveryAlarmEmails: props.alertDeliveryAlarmEmails ?? [],
    rollbackDocumentName: props.rollbackDocumentName,
    rollbackScript: props.rollbackScript ?? '/opt/rollgate/rollback.sh',
    rollbackWait: props.rollbackWait ?? Duration.minutes(10),
    eventBus: props.eventBus,
    deployEventPattern: props.deployEventPattern ?? DEFAULT_DEPLOY_EVENT_PATTERN,
    services: settings.services,
    monitors: settings.monitors.map(
      (monitor, index): ResolvedRollgateMonitor => ({
        ...monitor,
        schedule: props.monitors?.[index]?.schedule ?? events.Schedule.rate(Duration.minutes(5)),
      }),
    ),
    memorySize: props.memorySize ?? 256,
    checkTimeout: props.checkTimeout ?? DEFAULT_CHECK_TIMEOUT,
    logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    logLevel: props.logLevel ?? 'INFO',
    powertools: props.powertools ?? 'layer',
  };
  checkResolvedProps(resolved);
  checkDeployGateBudgets(registry, resolved.rollbackWait);
  // Sized (or checked) against the monitors once they are known to be valid.
  return {
    ...resolved,
    checkTimeout: checkFunctionTimeout(registry, resolved.rollbackWait, props.checkTimeout),
  };
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
    throw new RollgateConfigError(
      'deploysExpiration',
      props.deploysExpiration.toHumanString(),
      `must be later than deploysTransitionToGlacierAfter (${glacierDays} days)`,
    );
  }
  if (props.objectLock) checkObjectLockRetention(props.objectLockRetention, props.deploysExpiration);

  const waitSeconds = props.rollbackWait.toSeconds();
  if (waitSeconds < MIN_ROLLBACK_WAIT_SECONDS || waitSeconds > MAX_ROLLBACK_WAIT_SECONDS) {
    throw new RollgateConfigError(
      'rollbackWait',
      props.rollbackWait.toHumanString(),
      `must be between ${MIN_ROLLBACK_WAIT_SECONDS / 60} minute and ${MAX_ROLLBACK_WAIT_SECONDS / 60} minutes ` +
        '(the deploy gate times out after 15 minutes)',
    );
  }
  const checkSeconds = props.checkTimeout.toSeconds();
  if (checkSeconds < 10 || checkSeconds > DEPLOY_GATE_TIMEOUT.toSeconds()) {
    throw new RollgateConfigError(
      'checkTimeout',
      props.checkTimeout.toHumanString(),
      'must be between 10 seconds and 15 minutes',
    );
  }
}
