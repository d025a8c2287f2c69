// The targets of a record as an operator reads them: per target what it answered, the conditions its deciding attempt
// was judged by (Gatus-style, `[STATUS] 503 in [200-299]`, each passed or failed), and every attempt with what it
// saw; and the rounds of a watch window, each with its targets' answers.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { ProbeAttempt, TargetResult } from '../../../lambda/core/probe/probe.ts';
import type { ViewLine, ViewSection } from './evidence-view.ts';
import type { WindowFields } from './evidence-window-fields.ts';

export function targetsSection(document: EvidenceDocument): ViewSection {
  const targets = document.targets ?? [];
  const healthy = targets.filter((target) => target.ok).length;
  return {
    title: `Targets (${targets.length}, ${healthy} healthy)`,
    lines: targets.map(targetLine),
  };
}

function targetLine(target: TargetResult): ViewLine {
  const attempts = target.attempts ?? [];
  const last = attempts[attempts.length - 1];
  const seen = last === undefined ? '' : ` ${answerOf(last)} in ${last.latency_ms} ms,`;
  const tries = `${attempts.length} ${attempts.length === 1 ? 'attempt' : 'attempts'}`;
  const version = target.version !== undefined ? `, version ${target.version}` : '';
  const expected = target.expected_version !== undefined ? ` (expected ${target.expected_version})` : '';
  const headers = target.header_names?.length ? `, headers ${target.header_names.join(', ')}` : '';
  const children: ViewLine[] = [
    ...(target.expectations ?? []).map(
      (result): ViewLine => ({ text: result.condition, mark: result.ok ? 'ok' : 'fail' }),
    ),
    ...attempts.map(attemptLine),
  ];
  return {
    text: `${target.name !== undefined ? `${target.name} ` : ''}${target.url}:${seen} ${tries}${version}${expected}${headers}`,
    mark: target.ok ? 'ok' : 'fail',
    children,
  };
}

function attemptLine(attempt: ProbeAttempt): ViewLine {
  const from = attempt.remote_address !== undefined ? ` from ${attempt.remote_address}` : '';
  const bytes = attempt.body_bytes !== undefined ? `, ${attempt.body_bytes} body bytes` : '';
  const detail = attempt.error_detail ? ` (${attempt.error_detail})` : '';
  const redirects = attempt.redirects?.length ? `, redirected via ${attempt.redirects.join(' -> ')}` : '';
  const failing = (attempt.expectations ?? []).filter((result) => !result.ok).map((result) => result.condition);
  const why = !attempt.ok && failing.length > 0 ? `: ${failing.join('; ')}` : '';
  return {
    text: `attempt ${attempt.attempt}: ${answerOf(attempt)}${detail} in ${attempt.latency_ms} ms${from}${bytes}${redirects}${why}`,
    mark: attempt.ok ? 'ok' : 'fail',
    ...(attempt.body_excerpt ? { block: attempt.body_excerpt } : {}),
  };
}

/** `HTTP 503`, or the transport failure (`timeout`, `connection_refused`). */
function answerOf(attempt: ProbeAttempt): string {
  if (attempt.http_status !== undefined) return `HTTP ${attempt.http_status}`;
  return attempt.error ?? 'no answer';
}

/** A watch window (or a verification) round by round. */
export function roundsSection(title: string, window: WindowFields): ViewSection {
  const lines: ViewLine[] = [];
  if (window.rounds_dropped !== undefined) {
    lines.push({ text: `${window.rounds_dropped} earlier round(s) not kept (the history is bounded)` });
  }
  for (const round of window.rounds) {
    const notListed = round.targets_not_listed !== undefined ? ` (${round.targets_not_listed} more not listed)` : '';
    lines.push({
      text: `round ${round.round} at ${round.at} (+${round.elapsed_s.toFixed(1)} s${round.in_warmup ? ', warm-up' : ''}): ${round.healthy} healthy, ${round.failing} failing${notListed}`,
      mark: round.ok ? 'ok' : 'fail',
      children: round.targets.map(
        (target): ViewLine => ({
          text: `${target.name !== undefined ? `${target.name} ` : ''}${target.url}: ${target.latency_ms} ms${target.version !== undefined ? `, version ${target.version}` : ''}${target.reason !== undefined ? `: ${target.reason}` : ''}`,
          mark: target.ok ? 'ok' : 'fail',
        }),
      ),
    });
  }
  const done = window.rounds_done !== undefined ? `${window.rounds_done} round(s)` : `${window.rounds.length} round(s)`;
  const rule = window.decided_by !== undefined ? `, ended by ${window.decided_by}` : '';
  const policy = window.policy;
  if (policy !== undefined) {
    const parts = [
      policy.windowSeconds !== undefined ? `window ${policy.windowSeconds} s` : '',
      policy.intervalSeconds !== undefined ? `a round every ${policy.intervalSeconds} s` : '',
      policy.warmupSeconds ? `warm-up ${policy.warmupSeconds} s` : '',
      policy.bakeSeconds ? `no pass before ${policy.bakeSeconds} s (bake)` : '',
      policy.successThreshold !== undefined ? `${policy.successThreshold} healthy in a row pass` : '',
      policy.failureThreshold !== undefined ? `${policy.failureThreshold} failing in a row after the warm-up fail` : '',
    ].filter(Boolean);
    lines.unshift({ text: `policy: ${parts.join(', ')}` });
  }
  return { title: `${title}: ${done}${rule}`, lines };
}
