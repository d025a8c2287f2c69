// The watch window run in-process, for the CLI and the local equivalent of the workflow: probe a round, judge it with
// advanceWindow (the same rules the Step Functions tasks apply), sleep until the next round is due, until decided.

import type { TargetResult } from '../probe/probe.ts';
import { advanceWindow, type WindowRule, type WindowStep } from './decide-window.ts';
import { buildRound, type WindowRound } from './round.ts';
import type { WindowPolicy } from './window-policy.ts';
import { startWindow, type WindowState } from './window-state.ts';

/** Wall-clock time and waiting, together, so a test can move both (the rules read `now`; the loop sleeps). */
export interface WindowClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemWindowClock: WindowClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RunWindowOptions {
  readonly policy: WindowPolicy;
  /** Probes every target once; see prepareRoundProbe. A throw (broken infrastructure) ends the run with it. */
  readonly probeRound: () => Promise<readonly TargetResult[]>;
  readonly clock: WindowClock;
  /** Called after each round is judged, before any sleep: progress lines, streaming evidence. */
  readonly onRound?: (round: WindowRound, step: WindowStep) => void | Promise<void>;
}

export interface WindowOutcome {
  readonly decision: 'passed' | 'failed';
  readonly decided_by: WindowRule;
  /** Rounds probed. */
  readonly rounds: number;
  /** The latest rounds, oldest first (`state.history_dropped` counts the ones before). */
  readonly history: readonly WindowRound[];
  readonly state: WindowState;
}

/** The most rounds a window can hold: one at 0 s, then one per interval that starts before the window ends. */
export function maxWindowRounds(policy: WindowPolicy): number {
  return Math.floor(policy.windowSeconds / policy.intervalSeconds) + 1;
}

/**
 * Runs a window to its decision. Bounded by maxWindowRounds even under a clock that never moves, in which case the
 * last round's decision stands, or the window is judged elapsed.
 */
export async function runWindow(options: RunWindowOptions): Promise<WindowOutcome> {
  const { policy, clock } = options;
  const startedAt = clock.now();
  let state = startWindow(startedAt);
  const limit = maxWindowRounds(policy);
  for (let index = 1; index <= limit; index += 1) {
    const at = clock.now();
    const results = await options.probeRound();
    const round = buildRound(results, { round: index, at, startedAt, warmupSeconds: policy.warmupSeconds });
    const step = advanceWindow(state, round, policy, clock.now());
    state = step.state;
    await options.onRound?.(round, step);
    if (step.decision !== 'continue') return outcome(step.decision, step.decided_by, state);
    const waitMs = Date.parse(step.next_round_at) - clock.now().getTime();
    if (waitMs > 0 && index < limit) await clock.sleep(waitMs);
  }
  return outcome('failed', 'window_elapsed', state);
}

function outcome(decision: 'passed' | 'failed', decidedBy: WindowRule, state: WindowState): WindowOutcome {
  return { decision, decided_by: decidedBy, rounds: state.rounds_done, history: state.history, state };
}
