// A watch window's progress between rounds, as plain JSON: the streaks the rules need, totals, and the latest rounds.
// On AWS it travels through the Step Functions execution from one round's task to the next, so it is small and
// bounded, and a task validates it with windowStateSchema before trusting it.

import * as z from 'zod/mini';
import { parseWithSchema } from '../config/config-schema.ts';
import { timestampSchema } from '../state/state-field-schemas.ts';
import { windowRoundSchema, type WindowRound } from './round.ts';

/** Rounds kept in full in the history; older ones are only counted. */
export const HISTORY_MAX_ROUNDS = 60;
/**
 * The history's JSON is kept under this many UTF-8 bytes, whatever the services answer: a Step Functions state holds
 * at most 256 KiB, and the deploy, policy and config travel beside it.
 */
export const HISTORY_MAX_BYTES = 64 * 1024;

const count = z.int().check(z.minimum(0));

export const windowStateSchema = z.strictObject({
  started_at: timestampSchema,
  rounds_done: count,
  healthy_rounds: count,
  failing_rounds: count,
  consecutive_ok: count,
  /** Failing rounds in a row that started after the warm-up; a healthy round resets it. */
  consecutive_failing_after_warmup: count,
  /** The latest rounds, oldest first; the last one is the round just judged. */
  history: z.array(windowRoundSchema).check(z.maxLength(HISTORY_MAX_ROUNDS)),
  /** Rounds dropped from the front of the history to keep it bounded. */
  history_dropped: count,
});

export type WindowState = z.infer<typeof windowStateSchema>;

/** The state before the first round of a window starting at `now`. */
export function startWindow(now: Date): WindowState {
  return {
    started_at: now.toISOString(),
    rounds_done: 0,
    healthy_rounds: 0,
    failing_rounds: 0,
    consecutive_ok: 0,
    consecutive_failing_after_warmup: 0,
    history: [],
    history_dropped: 0,
  };
}

// Wrapped so that every error names its field under `window_state`, as the workflow's payload calls it.
const windowStateInputSchema = z.strictObject({ window_state: windowStateSchema });

/** Validates a state handed back by the workflow. Throws ConfigError or ConfigErrors naming `window_state.<path>`. */
export function parseWindowState(raw: unknown): WindowState {
  return parseWithSchema(windowStateInputSchema, { window_state: raw }, {}, 'window_state').window_state;
}

/** The history with `round` appended, oldest rounds dropped until it fits both bounds; the new round always stays. */
export function appendToHistory(
  history: readonly WindowRound[],
  round: WindowRound,
): { readonly history: WindowRound[]; readonly dropped: number } {
  const rounds = [...history, round];
  const sizes = rounds.map((entry) => utf8Bytes(JSON.stringify(entry)) + 1);
  let bytes = sizes.reduce((sum, size) => sum + size, 2);
  let start = 0;
  while (rounds.length - start > 1 && (rounds.length - start > HISTORY_MAX_ROUNDS || bytes > HISTORY_MAX_BYTES)) {
    bytes -= sizes[start]!;
    start += 1;
  }
  return { history: rounds.slice(start), dropped: start };
}

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}
