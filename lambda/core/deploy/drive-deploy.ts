// The deploy flow in-process, for the CLI (`rollgate gate --window`, `rollgate deploy --local`): run each step the
// previous one names, sleeping what it asks between them, until finish. The same steps as the AWS workflow, whose
// Wait states do the sleeping; an approval is waited for by reading the approval item (pollApproval). Bounded in
// steps whatever the clock does, so a clock that never moves cannot keep it going.

import { RollgateError } from '../errors.ts';
import { systemClock } from '../gate/ports.ts';
import { maxWindowRounds } from '../window/run-window.ts';
import { decide } from './decide.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployNext, FinishAnswer, StepAnswer } from './deploy-progress.ts';
import { finish } from './finish.ts';
import { interruptDeploy } from './interrupt-deploy.ts';
import { pollApproval } from './poll-approval.ts';
import { pollRollback } from './poll-rollback.ts';
import { probeRound } from './probe-round.ts';
import { sendRollback } from './send-rollback.ts';
import { verifyRound } from './verify-round.ts';

export interface DriveOptions {
  /**
   * Waits `ms` (a test's clock moves its time instead), or less when `interrupt` is given and aborts meanwhile: the
   * driver gives it only while an interruption would end the flow (before the verdict).
   */
  readonly sleep: (ms: number, interrupt?: AbortSignal) => Promise<void>;
  /** After each step, with the step that ran: progress lines. */
  readonly onStep?: ((step: DeployNext, answer: StepAnswer) => void | Promise<void>) | undefined;
  /**
   * Aborted (with the signal's name as its reason) to stop the flow: before its verdict the window ends there as
   * interrupted (interruptDeploy), recorded and finished; past it the flow goes on, its waits in full.
   */
  readonly interrupt?: AbortSignal | undefined;
}

/** The flow went on past every bound its policy allows: a defect, reported as such rather than run for ever. */
export class DeployDriverError extends RollgateError {
  public constructor(message: string) {
    super(message);
    this.name = 'DeployDriverError';
  }
}

/** Runs the flow from `first` (startDeploy's answer) to its end. */
export async function driveDeploy(first: StepAnswer, ports: DeployPorts, options: DriveOptions): Promise<FinishAnswer> {
  const clock = ports.clock ?? systemClock;
  const limit = stepLimit(first);
  let answer = first;
  let interruptHeard = false;
  /** The flow's answer once an interruption is heard (the first time only): cut before the verdict, else as it was. */
  const heard = (current: StepAnswer): StepAnswer => {
    const interrupt = options.interrupt;
    if (interrupt?.aborted !== true || interruptHeard) return current;
    interruptHeard = true;
    return interruptDeploy(current, String(interrupt.reason), clock.now()) ?? current;
  };
  for (let steps = 0; steps < limit; steps += 1) {
    answer = heard(answer);
    const waitMs =
      answer.wait_until !== undefined
        ? Date.parse(answer.wait_until) - clock.now().getTime()
        : (answer.wait_seconds ?? 0) * 1000;
    if (waitMs > 0) {
      const cuttable = !interruptHeard && answer.progress.phase === 'watching' ? options.interrupt : undefined;
      await options.sleep(waitMs, cuttable);
      answer = heard(answer);
    }
    const step = answer.next;
    if (step === 'finish') return finish(answer.progress, ports);
    answer = await runStep(step, answer, ports);
    await options.onStep?.(step, answer);
  }
  throw new DeployDriverError(`the deploy flow did not finish within ${limit} steps`);
}

async function runStep(step: DeployNext, answer: StepAnswer, ports: DeployPorts): Promise<StepAnswer> {
  const { progress } = answer;
  switch (step) {
    case 'probe_round':
      return probeRound(progress, ports);
    case 'decide':
      return decide(progress, ports);
    case 'await_approval':
      return pollApproval(progress, ports);
    case 'send_rollback':
      return sendRollback(progress, ports);
    case 'poll_rollback':
      return pollRollback(progress, ports);
    case 'verify_round':
      return verifyRound(progress, ports);
    case 'finish':
    case 'done':
      throw new DeployDriverError(`a step answered ${step}, which the driver ends on`);
  }
}

/**
 * Every step the policy allows, and some: the window's rounds and the verification's, an approval read every second
 * of its timeout, a rollback polled every second for an hour, and the steps in between.
 */
function stepLimit(first: StepAnswer): number {
  const policy = first.progress.policy;
  return (
    maxWindowRounds(policy.window) +
    maxWindowRounds(policy.verify) +
    policy.rollback.approval_timeout_minutes * 60 +
    3_600 +
    20
  );
}
