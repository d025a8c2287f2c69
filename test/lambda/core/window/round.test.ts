import { describe, expect, it } from 'vitest';
import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';
import {
  buildRound,
  ROUND_REASON_CHARS,
  ROUND_TARGETS_IN_FULL,
  windowRoundSchema,
  type RoundTiming,
} from '../../../../lambda/core/window/round.ts';
import { failingTarget, healthyTarget } from './target-results.ts';

const STARTED = new Date('2026-03-01T12:00:00.000Z');

function timing(elapsedMs: number, warmupSeconds = 0, round = 1): RoundTiming {
  return { round, at: new Date(STARTED.getTime() + elapsedMs), startedAt: STARTED, warmupSeconds };
}

describe('buildRound', () => {
  it('records each target compactly: ok, reason, latency of the last attempt, version', () => {
    const results: TargetResult[] = [
      healthyTarget({ name: 'api', url: 'https://api.example/health', version: '1.4.2', latencyMs: 31 }),
      {
        ...failingTarget({ url: 'https://web.example/health', reason: '[BODY].version "1.4.1" == "1.4.2"' }),
        version: '1.4.1',
        attempts: [
          { attempt: 1, latency_ms: 900, ok: false, expectations: [] },
          { attempt: 2, latency_ms: 40.6, ok: false, expectations: [] },
        ],
      },
    ];
    expect(buildRound(results, timing(20_004, 0, 3))).toEqual({
      round: 3,
      at: '2026-03-01T12:00:20.004Z',
      elapsed_s: 20.004,
      in_warmup: false,
      ok: false,
      healthy: 1,
      failing: 1,
      targets: [
        { name: 'api', url: 'https://api.example/health', ok: true, latency_ms: 31, version: '1.4.2' },
        {
          url: 'https://web.example/health',
          ok: false,
          reason: '[BODY].version "1.4.1" == "1.4.2"',
          latency_ms: 41,
          version: '1.4.1',
        },
      ],
    });
  });

  it.each([
    { name: 'every target healthy', results: [healthyTarget(), healthyTarget()], ok: true },
    { name: 'one target failing', results: [healthyTarget(), failingTarget()], ok: false },
    { name: 'no targets at all, since a window that could not check must never pass', results: [], ok: false },
  ])('is ok only with $name', ({ results, ok }) => {
    expect(buildRound(results, timing(0)).ok).toBe(ok);
  });

  it.each([
    { elapsedMs: 0, warmupSeconds: 0, inWarmup: false },
    { elapsedMs: 0, warmupSeconds: 20, inWarmup: true },
    { elapsedMs: 19_999, warmupSeconds: 20, inWarmup: true },
    { elapsedMs: 20_000, warmupSeconds: 20, inWarmup: false },
  ])(
    'is in the warm-up at $elapsedMs ms of a $warmupSeconds s warm-up: $inWarmup',
    ({ elapsedMs, warmupSeconds, inWarmup }) => {
      expect(buildRound([healthyTarget()], timing(elapsedMs, warmupSeconds)).in_warmup).toBe(inWarmup);
    },
  );

  it(`cuts a long reason to ${ROUND_REASON_CHARS} characters, marked as cut`, () => {
    const round = buildRound([failingTarget({ reason: `[BODY] ${'x'.repeat(5_000)}` })], timing(0));
    const reason = round.targets[0]?.reason ?? '';
    expect(reason).toHaveLength(ROUND_REASON_CHARS);
    expect(reason.endsWith('...')).toBe(true);
  });

  it('turns control characters a service sent into spaces, so a progress line cannot be rewritten', () => {
    const round = buildRound(
      [{ ...failingTarget({ reason: '[BODY].status "down\r\x1b[2Kok"' }), version: '1.0\n2.0' }],
      timing(0),
    );
    expect(round.targets[0]).toMatchObject({ reason: '[BODY].status "down  [2Kok"', version: '1.0 2.0' });
  });

  it('does not cut between the halves of a character outside the basic plane', () => {
    // The cut falls at ROUND_REASON_CHARS - 3, inside the first emoji (two UTF-16 units).
    const reason = `${'x'.repeat(ROUND_REASON_CHARS - 4)}😀😀😀`;
    const cut = buildRound([failingTarget({ reason })], timing(0)).targets[0]?.reason ?? '';
    expect(cut).toBe(`${'x'.repeat(ROUND_REASON_CHARS - 4)}...`);
  });

  it(`lists at most ${ROUND_TARGETS_IN_FULL} targets, failing ones first, and counts the rest`, () => {
    const results = Array.from({ length: 25 }, (_, index) =>
      index % 5 === 4
        ? failingTarget({ url: `http://svc.example/${index}` })
        : healthyTarget({ url: `http://svc.example/${index}` }),
    );
    const round = buildRound(results, timing(0));
    expect(round).toMatchObject({ ok: false, healthy: 20, failing: 5, targets_not_listed: 15 });
    // The five failing ones (4, 9, 14, 19, 24) and the first five healthy ones (0, 1, 2, 3, 5), in the targets' order.
    expect(round.targets.map((target) => target.url.split('/').pop())).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '9',
      '14',
      '19',
      '24',
    ]);
  });

  it('always satisfies its own schema, however large or hostile the probe results', () => {
    const hostile = 'é\u0000"\\'.repeat(2_000);
    const results = Array.from({ length: 40 }, (_, index) => ({
      ...failingTarget({ name: hostile, url: `https://${hostile}/${index}`, reason: hostile }),
      version: hostile,
    }));
    expect(windowRoundSchema.safeParse(buildRound(results, timing(1_234))).success).toBe(true);
  });
});
