// Following the rollback command: ask the executor where it has got to, and come back a little later while it runs
// (2 s at first, up to 15 s), until it is done (the executor answers done at the latest when its wait runs out).

import { ConfigError } from '../errors.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import { systemClock, type RollbackPoll } from '../gate/ports.ts';
import { afterCommand } from './command-done.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';
import { deployRedactor } from './deploy-redactor.ts';
import { redactRollbackResult } from '../rollback/rollback-result-redaction.ts';
import { rollbackOutcomeUnread } from '../rollback/rollback-result.ts';

/**
 * Past the handle's own wait, an executor that still says running is not believed for longer than this: the flow ends
 * the rollback as timed out rather than follow it for ever.
 */
const OVERRUN_MS = 5 * 60_000;

export async function pollRollback(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  const handle = progress.rollback?.handle;
  if (progress.phase !== 'rolling_back' || handle === undefined) {
    throw new ConfigError('progress.phase', progress.phase, 'is not rolling_back with a rollback sent');
  }
  const clock = ports.clock ?? systemClock;
  const redactor = await deployRedactor(ports);
  const executor = ports.rollbackExecutor;
  const describe = executor?.describe() ?? handle.kind;
  let faults = progress.faults;
  let polled: RollbackPoll;
  try {
    if (executor?.poll === undefined) throw new Error(`no executor here can follow a ${handle.kind} rollback`);
    polled = await executor.poll(handle);
  } catch (error) {
    const problem = problemOf('rollback', error, redactor);
    faults = [...faults, faultOf(problem)];
    polled = {
      state: 'done',
      result: rollbackOutcomeUnread(
        handle.id,
        `its outcome could not be read: ${problem.error_name}: ${problem.message}`,
      ),
    };
  }
  const now = clock.now();
  const elapsedMs = now.getTime() - Date.parse(handle.started_at);
  if (polled.state === 'running' && now.getTime() > Date.parse(handle.wait_until) + OVERRUN_MS) {
    polled = {
      state: 'done',
      result: {
        attempted: true,
        ok: false,
        outcome: 'wait_timed_out',
        exit_code: null,
        duration_ms: Math.max(0, elapsedMs),
        output_tail: null,
        command_id: handle.id,
        detail: `still running ${Math.round(elapsedMs / 1000)} s after it was sent, past its wait; follow it by hand`,
      },
    };
  }
  if (polled.state === 'running') {
    return { progress: { ...progress, faults }, next: 'poll_rollback', wait_seconds: nextPollSeconds(elapsedMs) };
  }
  return afterCommand({ ...progress, faults }, redactRollbackResult(polled.result, describe, redactor), now);
}

/** Short looks while a quick rollback may finish, longer ones for a slow one. */
export function nextPollSeconds(elapsedMs: number): number {
  if (elapsedMs < 20_000) return 2;
  if (elapsedMs < 120_000) return 5;
  return 15;
}
