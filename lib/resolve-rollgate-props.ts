// Applies RollgateProps' defaults (here and nowhere else) and checks every value at synth time, so an unusable
// prop fails `cdk synth` with a RollgateConfigError naming the field instead of failing a deployment later.
import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { checkFunctionTimeout, DEFAULT_CHECK_TIMEOUT } from './check-timeout.ts';
import { RollgateConfigError } from './rollgate-config-error.ts';
import {
  DEPLOY_GATE_HEADROOM,
  DEPLOY_GATE_TIMEOUT,
  NAME_PATTERN,
  type ResolvedRollgateMonitor,
  type ResolvedRollgateProps,
  type RollgateProps,
  VERSION_PATTERN,
} from './rollgate-props.ts';

export const DEFAULT_DEPLOY_EVENT_PATTERN: events.EventPattern = {
  source: ['rollgate.deploy'],
  detailType: ['Deployment Completed'],
};

/** Applies every default and checks every value; throws RollgateConfigError naming the first bad field. */
export function resolveRollgateProps(props: RollgateProps = {}): ResolvedRollgateProps {
  const bucketOnlyProps = [
    'checksExpiration',
    'deploysTransitionToGlacierAfter',
    'deploysExpiration',
    'objectLock',
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

  if (props.rollbackDocumentName !== undefined && props.rollbackScript !== undefined) {
    throw new RollgateConfigError(
      'rollbackScript',
      props.rollbackScript,
      'applies only to the document Rollgate creates; your rollbackDocumentName decides what runs on the host',
    );
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
    alertDeliveryAlarmTopic: props.alertDeliveryAlarmTopic,
    alertDeliveryAlarmEmails: props.alertDeliveryAlarmEmails ?? [],
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
    checkTimeout: props.checkTimeout ?? DEFAULT_CHECK_TIMEOUT,
    logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    logLevel: props.logLevel ?? 'INFO',
    powertools: props.powertools ?? 'layer',
  };
  checkResolvedProps(resolved);
  // Sized (or checked) against the monitors once they are known to be valid.
  return {
    ...resolved,
    checkTimeout: checkFunctionTimeout(resolved.monitors, resolved.rollbackWait, props.checkTimeout),
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
  if (props.objectLock) days('objectLockRetention', props.objectLockRetention);

  for (const field of ['alertEmails', 'alertDeliveryAlarmEmails'] as const) {
    props[field].forEach((email, index) => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        throw new RollgateConfigError(`${field}[${index}]`, email, 'must be an e-mail address');
      }
    });
  }
  // The same forms the handlers accept for ROLLGATE_ROLLBACK_DOCUMENT.
  if (
    props.rollbackDocumentName !== undefined &&
    !Token.isUnresolved(props.rollbackDocumentName) &&
    !/^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/)?[A-Za-z0-9_.-]{3,128}$/.test(props.rollbackDocumentName)
  ) {
    throw new RollgateConfigError(
      'rollbackDocumentName',
      props.rollbackDocumentName,
      'must be an SSM document name ([A-Za-z0-9_.-], 3-128 characters) or its ARN',
    );
  }
  // The path is written into a shell script inside single quotes: keep it to characters that need no quoting.
  if (!/^\/[A-Za-z0-9._/-]+$/.test(props.rollbackScript)) {
    throw new RollgateConfigError(
      'rollbackScript',
      props.rollbackScript,
      'must be an absolute path made of letters, digits, ".", "_", "-" and "/"',
    );
  }
  const waitSeconds = props.rollbackWait.toSeconds();
  const maxWaitSeconds = DEPLOY_GATE_TIMEOUT.toSeconds() - DEPLOY_GATE_HEADROOM.toSeconds();
  if (waitSeconds < 60 || waitSeconds > maxWaitSeconds) {
    throw new RollgateConfigError(
      'rollbackWait',
      props.rollbackWait.toHumanString(),
      `must be between 1 minute and ${maxWaitSeconds / 60} minutes (the deploy gate times out after 15 minutes)`,
    );
  }
  if (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10240) {
    throw new RollgateConfigError('memorySize', props.memorySize, 'must be a whole number of MB from 128 to 10240');
  }
  const checkSeconds = props.checkTimeout.toSeconds();
  if (checkSeconds < 10 || checkSeconds > DEPLOY_GATE_TIMEOUT.toSeconds()) {
    throw new RollgateConfigError(
      'checkTimeout',
      props.checkTimeout.toHumanString(),
      'must be between 10 seconds and 15 minutes',
    );
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
    for (const field of ['urls', 'targets'] as const) {
      if (monitor[field]?.length === 0)
        fail(field, monitor[field], 'must not be empty when given; leave it out instead');
    }
    urls.forEach((url, i) => {
      if (!isHttpUrl(url)) fail(`urls[${i}]`, url, 'must be an http:// or https:// URL');
    });
    targets.forEach((target, i) => {
      if (!isHttpUrl(target?.url)) fail(`targets[${i}].url`, target?.url, 'must be an http:// or https:// URL');
      for (const [header, value] of Object.entries(target.headers ?? {})) {
        if (typeof value === 'object' && !/^\/rollgate\/[A-Za-z0-9_./-]+$/.test(String(value?.ssm))) {
          fail(
            `targets[${i}].headers.${header}`,
            value,
            'must be a string or { "ssm": "/rollgate/..." }: the functions may only read parameters under /rollgate/',
          );
        }
      }
    });
    for (const field of ['service', 'environment'] as const) {
      const value = monitor[field];
      if (value !== undefined && !new RegExp(NAME_PATTERN).test(value))
        fail(field, value, `must match ${NAME_PATTERN}`);
    }
    if (monitor.expectedVersion !== undefined && !new RegExp(VERSION_PATTERN).test(monitor.expectedVersion)) {
      fail('expectedVersion', monitor.expectedVersion, `must match ${VERSION_PATTERN}`);
    }
    if (monitor.rollbackOnFailure && (monitor.service === undefined || monitor.environment === undefined)) {
      fail(
        'rollbackOnFailure',
        true,
        'needs service and environment: the rollback targets instances by their rollgate:service/rollgate:environment tags',
      );
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
