// The deploy flow's watch window, one round per step: probe, judge with the window's rules, and either come back when
// the next round is due or hand the verdict to decide (with the deciding round's results, bounded).

import { ConfigError } from '../errors.ts';
import { decideVerdict } from '../verdict/verdict.ts';
import { systemClock } from '../gate/ports.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';
import { runRound, waitForNextRound } from './round-step.ts';
import { boundVerdictTargets } from './verdict-targets.ts';
import { verdictCounts, windowVerdict } from './window-verdict.ts';

export async function probeRound(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  if (progress.phase !== 'watching') {
    throw new ConfigError('progress.phase', progress.phase, 'is not watching: probe_round runs only during the window');
  }
  const outcome = await runRound(
    progress.window,
    progress.policy.window,
    progress.expected_version,
    ports,
    ports.interrupt,
  );
  const now = (ports.clock ?? systemClock).now();
  // The driver ends the window as interrupted before the next step (interruptDeploy).
  if (outcome.kind === 'interrupted') return { progress, next: 'probe_round' };
  if (outcome.kind === 'continue') {
    return { progress: { ...progress, window: outcome.state }, next: 'probe_round', ...waitForNextRound(outcome) };
  }
  if (outcome.kind === 'unable') {
    const verdict =
      outcome.reason === 'secret_store_unavailable'
        ? decideVerdict({ targets: [], storeFault: 'secret_store_unavailable' })
        : decideVerdict({ targets: [], configProblem: outcome.problem });
    const message =
      outcome.reason === 'secret_store_unavailable'
        ? `the prober could not check (a header's secret could not be read: the secret store could not be reached): ${outcome.problem}`
        : `configuration cannot be used: ${outcome.problem}`;
    return {
      progress: {
        ...progress,
        phase: 'deciding',
        faults: [...progress.faults, ...outcome.faults],
        verdict: {
          ...verdictCounts(verdict),
          decided_by: outcome.reason,
          message,
          decided_at: now.toISOString(),
          version_only: false,
        },
      },
      next: 'decide',
    };
  }
  const bounded = boundVerdictTargets(outcome.results);
  return {
    progress: {
      ...progress,
      phase: 'deciding',
      window: outcome.state,
      verdict: windowVerdict(
        outcome.decision,
        outcome.rule,
        outcome.results,
        outcome.state,
        progress.policy.window,
        now,
      ),
      verdict_targets: bounded.targets,
      ...(bounded.notListed > 0 ? { verdict_targets_not_listed: bounded.notListed } : {}),
    },
    next: 'decide',
  };
}
