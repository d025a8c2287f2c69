// One probe round of a watch window as evidence keeps it: when it ran, whether every target was healthy and, per target,
// only what explains the answer (ok, reason, latency, version). Every field is cut to a fixed size and made printable,
// so a window's history stays small enough for a Step Functions state whatever the services answer.

import * as z from 'zod/mini';
import type { TargetResult } from '../probe/probe.ts';
import { printableText, timestampSchema } from '../state/state-field-schemas.ts';

/** Targets recorded in full per round, failing ones first; the rest are only counted. */
export const ROUND_TARGETS_IN_FULL = 10;
export const ROUND_REASON_CHARS = 160;
const ROUND_URL_CHARS = 256;
const ROUND_NAME_CHARS = 128;
const ROUND_VERSION_CHARS = 128;
const CUT_MARK = '...';

const count = z.int().check(z.minimum(0));

export const roundTargetSchema = z.strictObject({
  name: z.optional(printableText(ROUND_NAME_CHARS)),
  /** Redacted by the probe. */
  url: printableText(ROUND_URL_CHARS),
  ok: z.boolean(),
  reason: z.optional(printableText(ROUND_REASON_CHARS)),
  /** Of the deciding (last) attempt. */
  latency_ms: count,
  version: z.optional(printableText(ROUND_VERSION_CHARS)),
});

export const windowRoundSchema = z.strictObject({
  /** 1 for the first round of a window. */
  round: z.int().check(z.minimum(1)),
  /** When the round started. */
  at: timestampSchema,
  /** Seconds from the window's start to the round's, to the millisecond. */
  elapsed_s: z.number().check(z.minimum(0)),
  in_warmup: z.boolean(),
  /** Every target healthy, and at least one target. */
  ok: z.boolean(),
  healthy: count,
  failing: count,
  targets: z.array(roundTargetSchema).check(z.maxLength(ROUND_TARGETS_IN_FULL)),
  /** Targets counted in healthy/failing but not listed. */
  targets_not_listed: z.optional(z.int().check(z.minimum(1))),
});

export type RoundTarget = z.infer<typeof roundTargetSchema>;
export type WindowRound = z.infer<typeof windowRoundSchema>;

export interface RoundTiming {
  /** 1-based position of this round in its window. */
  readonly round: number;
  /** When the round started. */
  readonly at: Date;
  /** When the window started. */
  readonly startedAt: Date;
  readonly warmupSeconds: number;
}

/**
 * The compact record of one round from what the probe saw (already redacted). A round with no targets is not healthy:
 * a window that could not check must never pass.
 */
export function buildRound(results: readonly TargetResult[], timing: RoundTiming): WindowRound {
  const elapsedMs = Math.max(0, timing.at.getTime() - timing.startedAt.getTime());
  const healthy = results.filter((result) => result.ok).length;
  const failing = results.length - healthy;
  // Failing targets explain a round, so they are listed first when not all fit; the list keeps the targets' order.
  const listed = results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => Number(a.result.ok) - Number(b.result.ok) || a.index - b.index)
    .slice(0, ROUND_TARGETS_IN_FULL)
    .sort((a, b) => a.index - b.index)
    .map(({ result }) => roundTargetOf(result));
  const notListed = results.length - listed.length;
  return {
    round: timing.round,
    at: timing.at.toISOString(),
    elapsed_s: Math.round(elapsedMs) / 1000,
    in_warmup: elapsedMs < timing.warmupSeconds * 1000,
    ok: results.length > 0 && failing === 0,
    healthy,
    failing,
    targets: listed,
    ...(notListed > 0 ? { targets_not_listed: notListed } : {}),
  };
}

function roundTargetOf(result: TargetResult): RoundTarget {
  const last = result.attempts[result.attempts.length - 1];
  const name = printable(result.name, ROUND_NAME_CHARS);
  const reason = printable(result.reason, ROUND_REASON_CHARS);
  const version = printable(result.version, ROUND_VERSION_CHARS);
  return {
    ...(name !== undefined ? { name } : {}),
    url: printable(result.url, ROUND_URL_CHARS) ?? '(none)',
    ok: result.ok,
    ...(reason !== undefined ? { reason } : {}),
    latency_ms: Math.max(0, Math.round(last?.latency_ms ?? 0)),
    ...(version !== undefined ? { version } : {}),
  };
}

/**
 * Text a service chose (a reason quotes its body, a version is what it reported) as one printable line of at most
 * `max` characters: control characters become spaces, so a progress line or log entry cannot be rewritten by it.
 */
function printable(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const line = text.replace(/[\x00-\x1f\x7f]/g, ' ');
  if (line === '') return undefined;
  if (line.length <= max) return line;
  // Cutting between the halves of a surrogate pair would leave a character no encoder can write.
  const cut = line.slice(0, max - CUT_MARK.length).replace(/[\ud800-\udbff]$/, '');
  return `${cut}${CUT_MARK}`;
}
