// The evidence of a watch window: the policy it ran under, the version it expected, which rule decided it, the totals
// and every round kept (compact: per round and target only what explains the answer). A deploy's verdict record has
// one for its window; the rollback record one more for the verification.

import type { WindowRule } from '../window/decide-window.ts';
import type { WindowRound } from '../window/round.ts';
import type { WindowPolicy } from '../window/window-policy.ts';
import type { WindowState } from '../window/window-state.ts';

export interface EvidenceWindow {
  readonly policy: WindowPolicy;
  readonly expected_version: string | null;
  readonly started_at: string;
  /** The rule that ended it; null when it did not run to a decision (the deploy ended otherwise). */
  readonly decided_by: WindowRule | null;
  readonly rounds_done: number;
  readonly healthy_rounds: number;
  readonly failing_rounds: number;
  /** Rounds before `rounds` that were only counted, to keep the record bounded. */
  readonly rounds_dropped: number;
  /** The latest rounds, oldest first. */
  readonly rounds: readonly WindowRound[];
}

export function evidenceWindowOf(
  state: WindowState,
  policy: WindowPolicy,
  expectedVersion: string | null,
  decidedBy: WindowRule | undefined,
): EvidenceWindow {
  return {
    policy,
    expected_version: expectedVersion,
    started_at: state.started_at,
    decided_by: decidedBy ?? null,
    rounds_done: state.rounds_done,
    healthy_rounds: state.healthy_rounds,
    failing_rounds: state.failing_rounds,
    rounds_dropped: state.history_dropped,
    rounds: state.history,
  };
}
