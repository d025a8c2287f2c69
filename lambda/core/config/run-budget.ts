// How long a run may take, and whether that fits the function running it: the probe budget (probe-budget.ts), the
// rollback wait and the margins around them. One arithmetic for the stack at synth (a function's timeout must fit
// every service and monitor it runs, wait included) and for the handlers at run time (the invocation's remaining time
// must fit the probes), so a run never starts what it cannot finish and record.

import { probeBudgetMs } from './probe-budget.ts';
import type { ServiceConfig, ServiceProbe } from './service-schema.ts';
import { ROLLBACK_RECORD_MARGIN_SECONDS, RUN_START_SECONDS } from './stack-contract.ts';

export type ProbeSettings = Pick<ServiceProbe, 'timeoutMs' | 'retries' | 'backoffMs' | 'concurrency'>;

/** What a run needs, in milliseconds, and the words for why. */
export interface RunNeed {
  readonly ms: number;
  readonly explanation: string;
}

/**
 * A run's worst case: its start, every probe timing out, and for a run that rolls back the wait and the time to record
 * its outcome after it.
 */
export function runNeed(probeMs: number, rollbackWaitSeconds: number | undefined): RunNeed {
  const probes = `its probes (up to ${seconds(probeMs)}s)`;
  if (rollbackWaitSeconds === undefined) {
    return { ms: RUN_START_SECONDS * 1_000 + probeMs, explanation: `${probes} need` };
  }
  return {
    ms: (RUN_START_SECONDS + rollbackWaitSeconds + ROLLBACK_RECORD_MARGIN_SECONDS) * 1_000 + probeMs,
    explanation:
      `${probes}, a ${rollbackWaitSeconds}s rollback wait and ${ROLLBACK_RECORD_MARGIN_SECONDS}s to record the ` +
      'outcome need',
  };
}

/**
 * A service's registered probe budget: its targets (at least one wave, for a service whose targets come with its
 * events) with its probe settings. Deploy events may only shorten it.
 */
export function serviceProbeBudgetMs(service: Pick<ServiceConfig, 'targets' | 'probe'>): number {
  return probeBudgetMs({ targets: Math.max(1, service.targets.length), ...service.probe });
}

/** Whole seconds, rounded up: what a message says a budget is. */
export function seconds(ms: number): number {
  return Math.ceil(ms / 1_000);
}

/**
 * Checks a run against an invocation's remaining time, before anything is probed: the probes and the time to record
 * their verdict must fit, or the problem is returned in words. The rollback wait need not: the executor cuts it to
 * what is left and records the cut (a `wait_timed_out` with the command id), which is an outcome, not a `pending`.
 */
export function remainingTimeProblem(probeMs: number, remainingMs: number): string | undefined {
  const needMs = probeMs + ROLLBACK_RECORD_MARGIN_SECONDS * 1_000;
  if (needMs <= remainingMs) return undefined;
  return (
    `its probes can take up to ${seconds(probeMs)}s and recording them ${ROLLBACK_RECORD_MARGIN_SECONDS}s more, but ` +
    `the invocation has ${Math.floor(remainingMs / 1_000)}s left`
  );
}
