// A run checked against the invocation running it, before anything is probed: the probes and the time to record their
// verdict must fit the remaining time, or the run is refused naming why. The rollback wait is cut to what is left by
// the executor itself (ssm-rollback.ts), which records the cut, so a rollback always ends in a recorded outcome.

import type { Context } from 'aws-lambda';
import { remainingTimeProblem } from '../core/config/run-budget.ts';
import { ConfigError } from '../core/errors.ts';

/** Throws ConfigError when `label`'s probes cannot fit the invocation. Without a context nothing bounds the run. */
export function checkInvocationBudget(label: string, probeMs: number, context: Context | undefined): void {
  if (context === undefined) return;
  const remainingMs = context.getRemainingTimeInMillis();
  const problem = remainingTimeProblem(probeMs, remainingMs);
  if (problem !== undefined) {
    throw new ConfigError(
      'function timeout',
      `${Math.floor(remainingMs / 1_000)}s left`,
      `is too short for ${label}: ${problem}`,
    );
  }
}
