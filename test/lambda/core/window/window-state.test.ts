import { describe, expect, it } from 'vitest';
import { type ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';
import { buildRound, type WindowRound } from '../../../../lambda/core/window/round.ts';
import {
  appendToHistory,
  HISTORY_MAX_BYTES,
  HISTORY_MAX_ROUNDS,
  parseWindowState,
  startWindow,
} from '../../../../lambda/core/window/window-state.ts';
import { captureError } from '../../../support/capture-error.ts';
import { failingTarget, healthyTarget } from './target-results.ts';

const STARTED = new Date('2026-03-01T12:00:00.000Z');

function roundNumber(n: number, results = [healthyTarget()]): WindowRound {
  const at = new Date(STARTED.getTime() + (n - 1) * 10_000);
  return buildRound(results, { round: n, at, startedAt: STARTED, warmupSeconds: 0 });
}

/** A round as large as round.ts allows: ten failing targets with long, escaped, multi-byte text in every field. */
function largestRound(n: number): WindowRound {
  const text = 'é"'.repeat(200);
  const targets = Array.from({ length: 12 }, () => ({
    ...failingTarget({ name: text, url: `https://x.example/${text}`, reason: text }),
    version: text,
  }));
  return roundNumber(n, targets);
}

function historyOf(rounds: readonly WindowRound[]): { history: WindowRound[]; dropped: number } {
  let history: WindowRound[] = [];
  let dropped = 0;
  for (const round of rounds) {
    const next = appendToHistory(history, round);
    history = next.history;
    dropped += next.dropped;
  }
  return { history, dropped };
}

const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

describe('appendToHistory', () => {
  it(`keeps the last ${HISTORY_MAX_ROUNDS} rounds and counts the older ones`, () => {
    const { history, dropped } = historyOf(Array.from({ length: 75 }, (_, i) => roundNumber(i + 1)));
    expect(history.map((round) => round.round)).toEqual(Array.from({ length: 60 }, (_, i) => i + 16));
    expect(dropped).toBe(15);
  });

  it(`keeps the history under ${HISTORY_MAX_BYTES} bytes of JSON, whatever the rounds hold`, () => {
    const { history, dropped } = historyOf(Array.from({ length: 40 }, (_, i) => largestRound(i + 1)));
    expect(utf8Bytes(history)).toBeLessThanOrEqual(HISTORY_MAX_BYTES);
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history.length + dropped).toBe(40);
    expect(history.at(-1)?.round).toBe(40);
  });

  it('always keeps the round just added', () => {
    const round = largestRound(1);
    expect(appendToHistory([], round)).toEqual({ history: [round], dropped: 0 });
  });
});

describe('parseWindowState', () => {
  it('accepts a state that went through JSON', () => {
    const state = { ...startWindow(STARTED), rounds_done: 2, history: [roundNumber(1), roundNumber(2)] };
    expect(parseWindowState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it.each([
    {
      name: 'a negative count',
      raw: { ...startWindow(STARTED), consecutive_ok: -1 },
      field: 'window_state.consecutive_ok',
    },
    {
      name: 'a start that is not a timestamp',
      raw: { ...startWindow(STARTED), started_at: 'soon' },
      field: 'window_state.started_at',
    },
    {
      name: 'a round with a control character',
      raw: {
        ...startWindow(STARTED),
        history: [
          { ...roundNumber(1), at: STARTED.toISOString(), targets: [{ url: 'a\nb', ok: true, latency_ms: 1 }] },
        ],
      },
      field: 'window_state.history[0].targets[0].url',
    },
    { name: 'an unknown field', raw: { ...startWindow(STARTED), decision: 'passed' }, field: 'window_state.decision' },
  ])('refuses $name, naming the field', ({ raw, field }) => {
    const error = captureError(() => parseWindowState(raw));
    const fields = error instanceof ConfigErrors ? error.errors.map((e) => e.field) : [(error as ConfigError).field];
    expect(fields).toEqual([field]);
  });
});
