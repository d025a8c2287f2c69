// Sending the rollback: the lock taken first and the cooldown checked again under it (another run may have rolled
// back since the plan), then the executor's start (SSM SendCommand, a shell spawn), which returns at once. A rollback
// held back now is `suppressed` with the reason; one that could not be sent is `failed`.

import { ConfigError } from '../errors.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import { systemClock, type RollbackRequest, type RollbackStart } from '../gate/ports.ts';
import { confirmRollback } from '../plan/plan-after-rollback.ts';
import { suppressedRollbackAlerts } from '../plan/rollback-suppression.ts';
import { rollbackSendFailed } from '../rollback/rollback-result.ts';
import { afterCommand } from './command-done.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';
import { deployRedactor } from './deploy-redactor.ts';
import { acquireRollbackLock } from './deploy-state.ts';
import { redactRollbackResult } from '../rollback/rollback-result-redaction.ts';

/** The first look at a rollback just sent. */
export const FIRST_POLL_SECONDS = 2;

export async function sendRollback(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  const rollback = progress.rollback;
  const decision = rollback?.decision;
  if (progress.phase !== 'rolling_back' || rollback === undefined || decision?.action !== 'run' || rollback.handle) {
    throw new ConfigError('progress.phase', progress.phase, 'is not rolling_back with a rollback to send');
  }
  const clock = ports.clock ?? systemClock;
  const redactor = await deployRedactor(ports);
  const executor = ports.rollbackExecutor;
  if (executor === undefined) {
    return {
      progress: {
        ...progress,
        phase: 'finishing',
        rollback: { ...rollback, outcome: 'not_configured', detail: 'no rollback executor is configured' },
      },
      next: 'finish',
    };
  }

  let faults = progress.faults;
  let lockHeld = false;
  if (decision.lock !== undefined && ports.state !== undefined) {
    const taken = await acquireRollbackLock(ports.state, decision.lock, clock.now(), redactor);
    faults = [...faults, ...taken.faults];
    const confirmed = confirmRollback(decision, taken.outcome, clock.now());
    if (confirmed.action === 'suppressed') {
      return {
        progress: {
          ...progress,
          faults,
          phase: 'finishing',
          rollback: {
            ...rollback,
            decision: confirmed,
            outcome: 'suppressed',
            reason: confirmed.reason,
            detail: confirmed.detail,
            // The lock is this run's only if it was acquired: a cooldown found under it is then given back by finish.
            lock_held: taken.outcome.kind === 'acquired',
            follow_ups: suppressedRollbackAlerts(confirmed),
          },
        },
        next: 'finish',
      };
    }
    lockHeld = true;
  }

  const request = rollbackRequestOf(progress);
  const startedMs = performance.now();
  let started: RollbackStart;
  try {
    started =
      executor.start !== undefined
        ? await executor.start(request)
        : { state: 'done', result: await executor.run(request) };
  } catch (error) {
    const problem = problemOf('rollback', error, redactor);
    faults = [...faults, faultOf(problem)];
    started = {
      state: 'done',
      result: rollbackSendFailed(startedMs, executor.describe(), `${problem.error_name}: ${problem.message}`),
    };
  }
  const sent = { ...progress, faults, rollback: { ...rollback, lock_held: lockHeld } };
  if (started.state === 'done') {
    return afterCommand(sent, redactRollbackResult(started.result, executor.describe(), redactor), clock.now());
  }
  return {
    progress: { ...sent, rollback: { ...sent.rollback, handle: started.handle } },
    next: 'poll_rollback',
    wait_seconds: FIRST_POLL_SECONDS,
  };
}

/** What the executor is told: every value already validated and redacted. */
function rollbackRequestOf(progress: DeployProgress): RollbackRequest {
  const verdict = progress.verdict!;
  const decision = progress.rollback!.decision;
  const target = decision.action === 'run' ? decision.target : undefined;
  return {
    status: verdict.status,
    status_reason: verdict.status_reason,
    failed_urls: (progress.verdict_targets ?? []).filter((target) => !target.ok).map((target) => target.url),
    expected_version: progress.expected_version,
    ...(progress.context.deploy !== undefined ? { deploy: progress.context.deploy } : {}),
    ...(target !== undefined ? { target_version: target.version, target_source: target.source } : {}),
  };
}
