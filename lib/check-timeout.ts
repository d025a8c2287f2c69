// The functions' timeouts against what they run. The deploy gate has Lambda's 15 minutes, and every registered
// service's probe budget and rollback wait must fit them. The scheduled check runs every monitor, so its timeout must
// fit the slowest one's probes and, for a monitor that rolls back on failure, the rollback wait and the time to record
// its outcome. A timeout given too small, or a need past 15 minutes, fails synth naming the service or monitor. The
// arithmetic is the handlers' own (lambda/core/config/run-budget.ts), which they repeat at run time.
import { Duration } from 'aws-cdk-lib';
import { monitorCheckOf } from '../lambda/core/config/monitor-schema.ts';
import { probeBudgetMs } from '../lambda/core/config/probe-budget.ts';
import type { Registry } from '../lambda/core/config/registry.ts';
import { runNeed, seconds, serviceProbeBudgetMs } from '../lambda/core/config/run-budget.ts';
import { serviceLabel } from '../lambda/core/config/service-schema.ts';
import { RollgateConfigError } from './rollgate-config-error.ts';
import { DEPLOY_GATE_TIMEOUT } from './rollgate-props.ts';

/** The check timeout when no monitor needs more. */
export const DEFAULT_CHECK_TIMEOUT = Duration.minutes(2);

/** What one service's or monitor's run needs, in seconds, and why, for the error that names it. */
export interface RunNeedOf {
  readonly label: string;
  readonly seconds: number;
  readonly explanation: string;
}

/** How long each registered service's deploy gate can take: its probe budget and, when it rolls back, the wait. */
export function serviceNeeds(registry: Registry, rollbackWait: Duration): RunNeedOf[] {
  return registry.services.map((service, index) => {
    const wait =
      service.rollback.mode === 'auto' ? (service.rollback.waitSeconds ?? rollbackWait.toSeconds()) : undefined;
    const need = runNeed(serviceProbeBudgetMs(service), wait);
    return {
      label: `services[${index}] (${serviceLabel(service)})`,
      seconds: seconds(need.ms),
      explanation: need.explanation,
    };
  });
}

/** How long each monitor's run can take, with its own settings (or its service's) and its rollback if it has one. */
export function monitorNeeds(registry: Registry, rollbackWait: Duration): RunNeedOf[] {
  return registry.monitors.map((monitor, index) => {
    const check = monitorCheckOf({ ...monitor, monitor: monitor.name }, registry);
    const { timeoutMs, retries, backoffMs, concurrency } = check.gateConfig;
    const probeMs = probeBudgetMs({
      targets: check.gateConfig.targets.length,
      timeoutMs,
      retries,
      backoffMs,
      concurrency,
    });
    const wait = check.rollback === undefined ? undefined : (check.rollback.waitSeconds ?? rollbackWait.toSeconds());
    const need = runNeed(probeMs, wait);
    return {
      label: `monitors[${index}] (${JSON.stringify(monitor.name)})`,
      seconds: seconds(need.ms),
      explanation: need.explanation,
    };
  });
}

/** Throws RollgateConfigError naming the first service whose gate cannot fit the deploy gate's 15 minutes. */
export function checkDeployGateBudgets(registry: Registry, rollbackWait: Duration): void {
  const limit = DEPLOY_GATE_TIMEOUT.toSeconds();
  for (const need of serviceNeeds(registry, rollbackWait)) {
    if (need.seconds > limit) {
      throw new RollgateConfigError(
        need.label,
        need.seconds,
        `${need.explanation} ${need.seconds}s, more than the deploy gate's ${limit / 60} minutes: lower its probe ` +
          'timeoutMs or retries, or its rollback wait',
      );
    }
  }
}

/**
 * The given timeout, checked against every monitor's need; with none given, the default or, when a monitor needs
 * more, the smallest whole number of minutes that fits them all. Throws RollgateConfigError naming the monitor.
 */
export function checkFunctionTimeout(
  registry: Registry,
  rollbackWait: Duration,
  given: Duration | undefined,
): Duration {
  const needs = monitorNeeds(registry, rollbackWait);
  const limit = DEPLOY_GATE_TIMEOUT.toSeconds();
  const neediest = needs.reduce<RunNeedOf | undefined>(
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
