// The verification after a rollback, one round per step: the same window rules over verifySeconds, expecting the
// rollback's target version (any version when the run named none). It ends `recovered` (the service is back) or
// `still_failing` (RollbackFailed, critical); finish records which.

import { ConfigError } from '../errors.ts';
import { systemClock } from '../gate/ports.ts';
import { planAfterRollback } from '../plan/plan-after-rollback.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';
import { runRound, waitForNextRound } from './round-step.ts';

export async function verifyRound(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  const rollback = progress.rollback;
  const state = rollback?.verification;
  const decision = rollback?.decision;
  if (
    progress.phase !== 'verifying' ||
    rollback?.result === undefined ||
    state === undefined ||
    decision?.action !== 'run'
  ) {
    throw new ConfigError('progress.phase', progress.phase, 'is not verifying a rollback');
  }
  const expected = decision.target?.version ?? null;
  const outcome = await runRound(state, progress.policy.verify, expected, ports);
  if (outcome.kind === 'continue') {
    return {
      progress: { ...progress, rollback: { ...rollback, verification: outcome.state } },
      next: 'verify_round',
      ...waitForNextRound(outcome),
    };
  }
  const now = (ports.clock ?? systemClock).now();
  const recovered = outcome.kind === 'decided' && outcome.decision === 'passed';
  const verification = recovered ? 'recovered' : 'still_failing';
  const follow_ups = planAfterRollback({
    decision,
    result: rollback.result,
    verification,
    service: undefined,
    stateful: false,
    at: now,
  }).alerts;
  return {
    progress: {
      ...progress,
      phase: 'finishing',
      faults: outcome.kind === 'unable' ? [...progress.faults, ...outcome.faults] : progress.faults,
      rollback: {
        ...rollback,
        outcome: verification,
        follow_ups,
        ...(outcome.kind === 'decided'
          ? { verification: outcome.state, verification_decided_by: outcome.rule }
          : { reason: 'verification_unavailable', detail: `the verification could not probe: ${outcome.problem}` }),
        ...(!recovered && outcome.kind === 'decided'
          ? {
              detail: `the rollback command succeeded, but the service did not pass its ${progress.policy.verify.windowSeconds} s verification expecting ${expected ?? 'any version'} (${outcome.rule})`,
            }
          : {}),
      },
    },
    next: 'finish',
  };
}
