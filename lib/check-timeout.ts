// The scheduled check's timeout: it runs every monitor, so it must fit the slowest one's probes and, for a monitor
// that rolls back on failure, the rollback wait and the time to record its outcome after them. A timeout given too
// small, or a need past Lambda's 15 minutes, fails synth naming the monitor.
import { Duration } from 'aws-cdk-lib';
import { ROLLBACK_RECORD_MARGIN_SECONDS } from '../lambda/adapters/ssm-rollback-outcome.ts';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from '../lambda/core/config/config-schema.ts';
import { probeBudgetMs } from '../lambda/core/config/probe-budget.ts';
import { RollgateConfigError } from './rollgate-config-error.ts';
import { DEPLOY_GATE_TIMEOUT, type ResolvedRollgateMonitor } from './rollgate-props.ts';

/** The check timeout when no monitor needs more. */
export const DEFAULT_CHECK_TIMEOUT = Duration.minutes(2);
/** Cold start, secrets, and the verdict record and its alerts, before any rollback starts. */
const CHECK_START_SECONDS = 10;

/** What one monitor's run needs, in seconds, and why, for the error that names it. */
export interface MonitorNeed {
  readonly label: string;
  readonly seconds: number;
  readonly explanation: string;
}

/** How long each monitor's run can take (with the stack's default probe settings, which its events use). */
export function monitorNeeds(monitors: readonly ResolvedRollgateMonitor[], rollbackWait: Duration): MonitorNeed[] {
  return monitors.map((monitor, index) => {
    const probeSeconds = Math.ceil(
      probeBudgetMs({
        targets: (monitor.urls?.length ?? 0) + (monitor.targets?.length ?? 0),
        timeoutMs: DEFAULT_TIMEOUT_MS,
        retries: DEFAULT_RETRIES,
        backoffMs: DEFAULT_BACKOFF_MS,
        concurrency: DEFAULT_CONCURRENCY,
      }) / 1_000,
    );
    const label = `monitors[${index}] (${JSON.stringify(monitor.name)})`;
    const probes = `its probes (up to ${probeSeconds}s)`;
    if (!monitor.rollbackOnFailure) {
      return { label, seconds: CHECK_START_SECONDS + probeSeconds, explanation: `${probes} need` };
    }
    const waitSeconds = rollbackWait.toSeconds();
    return {
      label,
      seconds: CHECK_START_SECONDS + probeSeconds + waitSeconds + ROLLBACK_RECORD_MARGIN_SECONDS,
      explanation:
        `${probes}, the ${waitSeconds}s rollbackWait of its rollbackOnFailure and ` +
        `${ROLLBACK_RECORD_MARGIN_SECONDS}s to record the outcome need`,
    };
  });
}

/**
 * The given timeout, checked against every monitor's need; with none given, the default or, when a monitor needs
 * more, the smallest whole number of minutes that fits them all. Throws RollgateConfigError naming the monitor.
 */
export function checkFunctionTimeout(
  monitors: readonly ResolvedRollgateMonitor[],
  rollbackWait: Duration,
  given: Duration | undefined,
): Duration {
  const needs = monitorNeeds(monitors, rollbackWait);
  const limit = DEPLOY_GATE_TIMEOUT.toSeconds();
  const neediest = needs.reduce<MonitorNeed | undefined>(
    (most, need) => (most === undefined || need.seconds > most.seconds ? need : most),
    undefined,
  );
  if (neediest !== undefined && neediest.seconds > limit) {
    throw new RollgateConfigError(
      neediest.label,
      neediest.seconds,
      `${neediest.explanation} ${neediest.seconds}s, more than Lambda's 15 minutes: lower rollbackWait or split its targets`,
    );
  }
  if (given !== undefined) {
    if (neediest !== undefined && given.toSeconds() < neediest.seconds) {
      throw new RollgateConfigError(
        'checkTimeout',
        given.toHumanString(),
        `is too short for ${neediest.label}: ${neediest.explanation} ${neediest.seconds}s; ` +
          'raise checkTimeout (or leave it out to have it sized for you) or lower rollbackWait',
      );
    }
    return given;
  }
  const neededMinutes = Math.ceil((neediest?.seconds ?? 0) / 60);
  return neededMinutes > DEFAULT_CHECK_TIMEOUT.toMinutes() ? Duration.minutes(neededMinutes) : DEFAULT_CHECK_TIMEOUT;
}
