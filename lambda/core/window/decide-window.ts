// The watch window's rules, one round at a time: given the progress so far and the round just probed, decide whether
// the deploy passed, failed, or needs another round, and when that round should start.
//
// Design note. A deploy is watched from `started_at`; round n is due `intervalSeconds` after round n-1 started (at
// once if that time has already passed). The rules, first match wins:
//   1. success_threshold: `successThreshold` healthy rounds in a row pass, once the round that completes the streak
//      started at least `bakeSeconds` into the window (the bake: a service that breaks 40 s in must not pass on two
//      healthy rounds at 0 s and 10 s). Before the bake the streak keeps counting and the window goes on. Healthy
//      rounds in the warm-up count: a service that is ready early need not wait the warm-up out.
//   2. failure_threshold: `failureThreshold` failing rounds in a row that started after the warm-up fail. A failing
//      round in the warm-up counts toward nothing, but it still resets the healthy streak: a pass means that many
//      healthy rounds with no failure between them. A wrong version is a failing round like any other, so a rolling
//      deploy that finishes within the warm-up plus the threshold never fails for it.
//   3. window_elapsed: when the next round could not start before `windowSeconds`, the window fails at once rather
//      than idling to its end. A round therefore starts only inside the window, and a window overruns by at most the
//      last round's probe budget.
// A round with no targets is failing (see round.ts). Everything is a pure function of the state, the round, the policy
// and `now`, with the state plain JSON: the Step Functions workflow runs one round per Lambda task and waits between
// rounds with a Wait state (`next_round_at` for TimestampPath, or `next_round_in_s`), and the CLI runs the same rules
// in-process (run-window.ts). The verification after a rollback is the same window over `verifySeconds`.

import type { WindowRound } from './round.ts';
import type { WindowPolicy } from './window-policy.ts';
import { appendToHistory, type WindowState } from './window-state.ts';

export type WindowDecision = 'continue' | 'passed' | 'failed';
/** The rule that ended a window; the verdict record names it. */
export type WindowRule = 'success_threshold' | 'failure_threshold' | 'window_elapsed';

export type WindowStep =
  | {
      readonly state: WindowState;
      readonly decision: 'continue';
      /** When the next round is due (ISO); already past when the probes took longer than the interval. */
      readonly next_round_at: string;
      /** Whole seconds from `now` to `next_round_at`, rounded up; 0 when it is already due. */
      readonly next_round_in_s: number;
    }
  | {
      readonly state: WindowState;
      readonly decision: 'passed' | 'failed';
      readonly decided_by: WindowRule;
    };

/** Judges `round` (the round after `state`'s last) under `policy`, at `now`, when the round's probes have finished. */
export function advanceWindow(state: WindowState, round: WindowRound, policy: WindowPolicy, now: Date): WindowStep {
  const { history, dropped } = appendToHistory(state.history, round);
  const next: WindowState = {
    ...state,
    rounds_done: state.rounds_done + 1,
    healthy_rounds: state.healthy_rounds + (round.ok ? 1 : 0),
    failing_rounds: state.failing_rounds + (round.ok ? 0 : 1),
    consecutive_ok: round.ok ? state.consecutive_ok + 1 : 0,
    consecutive_failing_after_warmup: round.ok ? 0 : state.consecutive_failing_after_warmup + (round.in_warmup ? 0 : 1),
    history,
    history_dropped: state.history_dropped + dropped,
  };
  const baked = Date.parse(round.at) - Date.parse(state.started_at) >= policy.bakeSeconds * 1000;
  if (next.consecutive_ok >= policy.successThreshold && baked) {
    return { state: next, decision: 'passed', decided_by: 'success_threshold' };
  }
  if (next.consecutive_failing_after_warmup >= policy.failureThreshold) {
    return { state: next, decision: 'failed', decided_by: 'failure_threshold' };
  }
  const startedMs = Date.parse(state.started_at);
  const dueMs = Math.max(Date.parse(round.at) + policy.intervalSeconds * 1000, now.getTime());
  if (dueMs - startedMs >= policy.windowSeconds * 1000) {
    return { state: next, decision: 'failed', decided_by: 'window_elapsed' };
  }
  return {
    state: next,
    decision: 'continue',
    next_round_at: new Date(dueMs).toISOString(),
    next_round_in_s: Math.ceil((dueMs - now.getTime()) / 1000),
  };
}
