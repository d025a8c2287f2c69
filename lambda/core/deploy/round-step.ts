// One round of a watch window as a step: probe every target once (expecting the window's version), judge the round
// with advanceWindow, and say when the next one is due. The deploy's window and the verification after a rollback
// both run through here. A header secret that cannot be read ends the window without probing: the store being out of
// reach says nothing of the service, a secret that does not exist is a configuration problem.

import { ConfigError, ConfigErrors, SecretResolveError, SecretStoreUnavailableError } from '../errors.ts';
import type { EvidenceFault } from '../evidence/evidence.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import { systemClock } from '../gate/ports.ts';
import type { TargetResult } from '../probe/probe.ts';
import { createRedactor } from '../secrets/redact.ts';
import { advanceWindow, type WindowRule } from '../window/decide-window.ts';
import { prepareRoundProbe } from '../window/probe-round.ts';
import { buildRound, type WindowRound } from '../window/round.ts';
import type { WindowPolicy } from '../window/window-policy.ts';
import type { WindowState } from '../window/window-state.ts';
import type { DeployPorts } from './deploy-ports.ts';

export type RoundOutcome =
  | {
      readonly kind: 'continue';
      readonly state: WindowState;
      readonly round: WindowRound;
      readonly next_round_at: string;
      readonly next_round_in_s: number;
    }
  | {
      readonly kind: 'decided';
      readonly state: WindowState;
      readonly round: WindowRound;
      readonly decision: 'passed' | 'failed';
      readonly rule: WindowRule;
      readonly results: readonly TargetResult[];
    }
  /** The round was cut short by an interruption (the CLI's stop): not counted, nothing judged. */
  | { readonly kind: 'interrupted' }
  /** No round could be probed: a header's secret could not be read. */
  | {
      readonly kind: 'unable';
      readonly reason: 'secret_store_unavailable' | 'config_problem';
      readonly problem: string;
      readonly faults: readonly EvidenceFault[];
    };

/** A round nothing can cut short (a verification's). */
export async function runRound(
  state: WindowState,
  policy: WindowPolicy,
  expectedVersion: string | null,
  ports: DeployPorts,
): Promise<Exclude<RoundOutcome, { kind: 'interrupted' }>>;
/** A window's round, which `interrupt` cuts short. */
export async function runRound(
  state: WindowState,
  policy: WindowPolicy,
  expectedVersion: string | null,
  ports: DeployPorts,
  interrupt: AbortSignal | undefined,
): Promise<RoundOutcome>;
export async function runRound(
  state: WindowState,
  policy: WindowPolicy,
  expectedVersion: string | null,
  ports: DeployPorts,
  interrupt?: AbortSignal,
): Promise<RoundOutcome> {
  const clock = ports.clock ?? systemClock;
  const at = clock.now();
  let prober: Awaited<ReturnType<typeof prepareRoundProbe>>;
  try {
    prober = await prepareRoundProbe(
      { ...ports.gate, ...(expectedVersion !== null ? { expectedVersion } : { expectedVersion: undefined }) },
      {
        ...(ports.secrets !== undefined ? { secrets: ports.secrets } : {}),
        ...(ports.addressPolicy !== undefined ? { addressPolicy: ports.addressPolicy } : {}),
        interrupt,
      },
    );
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    const redactor = createRedactor();
    const cause = error instanceof ConfigError ? error.cause : undefined;
    const faults = cause instanceof SecretResolveError ? [faultOf(problemOf('secrets', cause, redactor))] : [];
    const reason = cause instanceof SecretStoreUnavailableError ? 'secret_store_unavailable' : 'config_problem';
    return { kind: 'unable', reason, problem: redactor.text(error.message), faults };
  }
  const results = await prober.probe();
  // Probes an interruption ended say nothing of the service: the round is dropped, not counted as failing.
  if (interrupt?.aborted === true) return { kind: 'interrupted' };
  const round = buildRound(results, {
    round: state.rounds_done + 1,
    at,
    startedAt: new Date(state.started_at),
    warmupSeconds: policy.warmupSeconds,
  });
  const step = advanceWindow(state, round, policy, clock.now());
  if (step.decision === 'continue') {
    return {
      kind: 'continue',
      state: step.state,
      round,
      next_round_at: step.next_round_at,
      next_round_in_s: step.next_round_in_s,
    };
  }
  return { kind: 'decided', state: step.state, round, decision: step.decision, rule: step.decided_by, results };
}

/** The wait before the next round, as a step answers it: until a time, or nothing when it is already due. */
export function waitForNextRound(outcome: Extract<RoundOutcome, { kind: 'continue' }>): { wait_until?: string } {
  return outcome.next_round_in_s > 0 ? { wait_until: outcome.next_round_at } : {};
}
