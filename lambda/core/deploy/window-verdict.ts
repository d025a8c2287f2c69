// The verdict of a watch window, from the rule that decided it and the deciding round's results: passed when the
// success streak (after the bake) decided it; otherwise failed, with the round's own reason (probe_failures, or
// prober_unavailable when this machine could not check, which takes no rollback). A window that ran out on a healthy
// round (its streak too short) is failed/probe_failures too, and says so.

import { describeVerdict } from '../evidence/evidence.ts';
import type { TargetResult } from '../probe/probe.ts';
import { decideVerdict, type Verdict } from '../verdict/verdict.ts';
import { isVersionOnlyFailure } from '../verdict/version-only-failure.ts';
import type { WindowRule } from '../window/decide-window.ts';
import type { WindowPolicy } from '../window/window-policy.ts';
import type { WindowState } from '../window/window-state.ts';
import type { DeployVerdict } from './deploy-progress.ts';

export function windowVerdict(
  decision: 'passed' | 'failed',
  rule: WindowRule,
  results: readonly TargetResult[],
  state: WindowState,
  policy: WindowPolicy,
  at: Date,
): DeployVerdict {
  const judged = decideVerdict({ targets: results.map((result) => ({ ok: result.ok, attempts: result.attempts })) });
  const ranOutHealthy = decision === 'failed' && judged.status === 'passed';
  const verdict: Verdict =
    decision === 'passed' || judged.status === 'failed'
      ? judged
      : { ...judged, status: 'failed', status_reason: 'probe_failures' };
  const what = ranOutHealthy
    ? `the last round had all ${verdict.total} target(s) healthy, too late to pass`
    : describeVerdict(verdict);
  return {
    ...verdictCounts(verdict),
    decided_by: rule,
    message: `${what}; ${windowSentence(rule, state, policy)}`,
    decided_at: at.toISOString(),
    version_only: isVersionOnlyFailure(verdict.status_reason, results),
  };
}

/** The Verdict's own fields, of a Verdict or of the progress's verdict (which keeps them beside its own). */
export function verdictCounts(verdict: Verdict): Verdict {
  return {
    status: verdict.status,
    status_reason: verdict.status_reason,
    ...(verdict.prober_fault !== undefined ? { prober_fault: verdict.prober_fault } : {}),
    total: verdict.total,
    healthy: verdict.healthy,
    failing: verdict.failing,
  };
}

/** Which rule ended the window, in words: `passed after 7 rounds over 60 s: 2 healthy rounds in a row (...)`. */
export function windowSentence(rule: WindowRule, state: WindowState, policy: WindowPolicy): string {
  const last = state.history[state.history.length - 1];
  const rounds = `${state.rounds_done} round(s) over ${Math.round(last?.elapsed_s ?? 0)} s`;
  switch (rule) {
    case 'success_threshold':
      return `passed after ${rounds}: ${policy.successThreshold} healthy round(s) in a row${policy.bakeSeconds > 0 ? ` after the ${policy.bakeSeconds} s bake` : ''} (success_threshold)`;
    case 'failure_threshold':
      return `failed after ${rounds}: ${policy.failureThreshold} failing round(s) in a row${policy.warmupSeconds > 0 ? ` after the ${policy.warmupSeconds} s warm-up` : ''} (failure_threshold)`;
    case 'window_elapsed':
      return `failed after ${rounds}: the ${policy.windowSeconds} s window ended without ${policy.successThreshold} healthy round(s) in a row${policy.bakeSeconds > 0 ? ` after the ${policy.bakeSeconds} s bake` : ''} (window_elapsed)`;
  }
}
