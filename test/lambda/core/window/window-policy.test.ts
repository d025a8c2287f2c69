import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from '../../../../lambda/core/errors.ts';
import {
  parseWindowPolicy,
  shortenPolicy,
  verificationPolicy,
  type WindowPolicy,
  type WindowPolicyRequest,
} from '../../../../lambda/core/window/window-policy.ts';
import { captureError } from '../../../support/capture-error.ts';

/** Every error message an action throws, one per problem. */
function messagesOf(action: () => unknown): string[] {
  const error = captureError(action);
  if (error instanceof ConfigErrors) return error.errors.map((e) => e.message);
  if (error instanceof ConfigError) return [error.message];
  throw error;
}

const REGISTERED: WindowPolicy = {
  windowSeconds: 300,
  intervalSeconds: 10,
  warmupSeconds: 20,
  successThreshold: 2,
  failureThreshold: 3,
  verifySeconds: 120,
  bakeSeconds: 60,
};

describe('parseWindowPolicy', () => {
  it.each([
    { name: 'nothing', raw: undefined },
    { name: 'an empty object', raw: {} },
  ])('fills every default from $name', ({ raw }) => {
    expect(parseWindowPolicy(raw)).toEqual({
      windowSeconds: 300,
      intervalSeconds: 10,
      warmupSeconds: 0,
      successThreshold: 2,
      failureThreshold: 3,
      verifySeconds: 120,
      bakeSeconds: 60,
    });
  });

  it('keeps what is given', () => {
    expect(parseWindowPolicy(REGISTERED)).toEqual(REGISTERED);
  });

  it.each([
    { raw: { windowSeconds: 9 }, message: 'window.windowSeconds: must be at least 10 (got 9)' },
    { raw: { windowSeconds: 3601 }, message: 'window.windowSeconds: must be at most 3600 (got 3601)' },
    { raw: { intervalSeconds: 0 }, message: 'window.intervalSeconds: must be at least 1 (got 0)' },
    { raw: { intervalSeconds: 1.5 }, message: 'window.intervalSeconds: must be a whole number (got 1.5)' },
    { raw: { warmupSeconds: -1 }, message: 'window.warmupSeconds: must be at least 0 (got -1)' },
    { raw: { successThreshold: 51 }, message: 'window.successThreshold: must be at most 50 (got 51)' },
    { raw: { failureThreshold: 0 }, message: 'window.failureThreshold: must be at least 1 (got 0)' },
    { raw: { verifySeconds: '120' }, message: 'window.verifySeconds: must be a number (got "120")' },
    { raw: { bakeSeconds: -1 }, message: 'window.bakeSeconds: must be at least 0 (got -1)' },
    { raw: { bakeSeconds: 1801 }, message: 'window.bakeSeconds: must be at most 1800 (got 1801)' },
    { raw: { windowSecs: 60 }, message: 'window.windowSecs: is not a known field (got 60)' },
  ])('refuses $raw naming the field and the value', ({ raw, message }) => {
    expect(messagesOf(() => parseWindowPolicy(raw))).toEqual([message]);
  });

  it.each([
    {
      name: 'a warm-up as long as the window',
      raw: { windowSeconds: 60, warmupSeconds: 60, verifySeconds: 600, bakeSeconds: 0 },
      messages: ['window.warmupSeconds: must be shorter than windowSeconds (60) (got 60)'],
    },
    {
      name: 'a bake that leaves no round in the window',
      raw: { windowSeconds: 60 },
      messages: [
        'window.bakeSeconds: must leave a round before windowSeconds (60) ends: the first round that may pass starts at 60 s, so the window could never pass (got 60)',
      ],
    },
    {
      name: 'a bake whose first round after it falls past the verification',
      raw: { verifySeconds: 100, intervalSeconds: 30, bakeSeconds: 95 },
      messages: [
        'window.bakeSeconds: must leave a round before verifySeconds (100) ends: the first round that may pass starts at 120 s, so the window could never pass (got 95)',
      ],
    },
    {
      name: 'a warm-up as long as the verification',
      raw: { warmupSeconds: 120 },
      messages: ['window.warmupSeconds: must be shorter than verifySeconds (120) (got 120)'],
    },
    {
      name: 'a success streak longer than the window',
      raw: { windowSeconds: 60, intervalSeconds: 20, successThreshold: 4 },
      messages: [
        'window.successThreshold: needs 60 s of rounds 20 s apart, which do not fit in windowSeconds (60): the window could never pass (got 4)',
      ],
    },
    {
      name: 'a success streak longer than the verification',
      raw: { intervalSeconds: 30, successThreshold: 5 },
      messages: [
        'window.successThreshold: needs 120 s of rounds 30 s apart, which do not fit in verifySeconds (120): the window could never pass (got 5)',
      ],
    },
  ])('refuses $name', ({ raw, messages }) => {
    expect(messagesOf(() => parseWindowPolicy(raw))).toEqual(messages);
  });

  it('accepts the longest bake that still leaves a round to pass in', () => {
    // Rounds at 0, 10 ... 110 s: the one at 110 s still starts before the 120 s verification ends.
    expect(parseWindowPolicy({ bakeSeconds: 110 }).bakeSeconds).toBe(110);
  });

  it('accepts the longest success streak that still fits', () => {
    // Rounds at 0, 10 ... 110 s: twelve of them start before the 120 s verification ends.
    expect(parseWindowPolicy({ successThreshold: 12 }).successThreshold).toBe(12);
  });

  it('names the field under the prefix it is given', () => {
    expect(messagesOf(() => parseWindowPolicy({ windowSeconds: 1 }, 'services[0].window'))).toEqual([
      'services[0].window.windowSeconds: must be at least 10 (got 1)',
    ]);
  });
});

describe('shortenPolicy', () => {
  it.each<{ name: string; requested: WindowPolicyRequest | undefined; changed: Partial<WindowPolicy> }>([
    { name: 'no request', requested: undefined, changed: {} },
    { name: 'an empty request', requested: {}, changed: {} },
    { name: 'the registered values themselves', requested: { ...REGISTERED }, changed: {} },
    { name: 'a shorter window', requested: { windowSeconds: 120 }, changed: { windowSeconds: 120 } },
    { name: 'a shorter warm-up', requested: { warmupSeconds: 0 }, changed: { warmupSeconds: 0 } },
    { name: 'a shorter verification', requested: { verifySeconds: 90 }, changed: { verifySeconds: 90 } },
    { name: 'a higher success threshold', requested: { successThreshold: 5 }, changed: { successThreshold: 5 } },
    { name: 'a lower failure threshold', requested: { failureThreshold: 1 }, changed: { failureThreshold: 1 } },
    { name: 'a longer bake', requested: { bakeSeconds: 90 }, changed: { bakeSeconds: 90 } },
  ])('grants $name', ({ requested, changed }) => {
    expect(shortenPolicy(REGISTERED, requested)).toEqual({ ...REGISTERED, ...changed });
  });

  it.each<{ name: string; requested: WindowPolicyRequest; message: string }>([
    {
      name: 'a longer window',
      requested: { windowSeconds: 600 },
      message:
        'detail.window.windowSeconds: may be at most the registered 300: an event may make the gate stricter or shorter, never more lenient or longer (a longer window holds the deploy longer) (got 600)',
    },
    {
      name: 'a longer warm-up',
      requested: { warmupSeconds: 30 },
      message:
        'detail.window.warmupSeconds: may be at most the registered 20: an event may make the gate stricter or shorter, never more lenient or longer (a longer warm-up ignores failures longer) (got 30)',
    },
    {
      name: 'a longer verification',
      requested: { verifySeconds: 121 },
      message:
        'detail.window.verifySeconds: may be at most the registered 120: an event may make the gate stricter or shorter, never more lenient or longer (a longer verification holds the rollback longer) (got 121)',
    },
    {
      name: 'a lower success threshold',
      requested: { successThreshold: 1 },
      message:
        'detail.window.successThreshold: may be no lower than the registered 2: an event may make the gate stricter or shorter, never more lenient or longer (fewer healthy rounds in a row would pass more easily) (got 1)',
    },
    {
      name: 'a higher failure threshold',
      requested: { failureThreshold: 4 },
      message:
        'detail.window.failureThreshold: may be at most the registered 3: an event may make the gate stricter or shorter, never more lenient or longer (more failing rounds in a row would fail later) (got 4)',
    },
    {
      name: 'a shorter bake',
      requested: { bakeSeconds: 0 },
      message:
        'detail.window.bakeSeconds: may be no lower than the registered 60: an event may make the gate stricter or shorter, never more lenient or longer (a shorter bake passes a deploy before a late failure has had time to show) (got 0)',
    },
    {
      name: 'a shorter interval',
      requested: { intervalSeconds: 1 },
      message:
        'detail.window.intervalSeconds: must equal the registered 10: an event may make the gate stricter or shorter, never more lenient or longer (a shorter interval passes on less observed health, a longer one notices failure later) (got 1)',
    },
    {
      name: 'a longer interval',
      requested: { intervalSeconds: 30 },
      message:
        'detail.window.intervalSeconds: must equal the registered 10: an event may make the gate stricter or shorter, never more lenient or longer (a shorter interval passes on less observed health, a longer one notices failure later) (got 30)',
    },
  ])('refuses $name, naming the field and the value', ({ requested, message }) => {
    expect(messagesOf(() => shortenPolicy(REGISTERED, requested, 'detail.window'))).toEqual([message]);
  });

  it('names every refused field at once', () => {
    const messages = messagesOf(() => shortenPolicy(REGISTERED, { windowSeconds: 900, failureThreshold: 10 }));
    expect(messages.map((message) => message.split(':')[0])).toEqual([
      'window.windowSeconds',
      'window.failureThreshold',
    ]);
  });

  it.each([
    {
      name: 'a window shortened below the registered warm-up',
      requested: { windowSeconds: 20 },
      message: 'window.warmupSeconds: must be shorter than windowSeconds (20) (got 20)',
    },
    {
      name: 'a window shortened to the registered bake',
      requested: { windowSeconds: 60 },
      message:
        'window.bakeSeconds: must leave a round before windowSeconds (60) ends: the first round that may pass starts at 60 s, so the window could never pass (got 60)',
    },
    {
      name: 'a success threshold raised past what the window holds',
      requested: { windowSeconds: 30, successThreshold: 4 },
      message:
        'window.successThreshold: needs 30 s of rounds 10 s apart, which do not fit in windowSeconds (30): the window could never pass (got 4)',
    },
  ])('refuses $name, though each change alone is stricter', ({ requested, message }) => {
    expect(messagesOf(() => shortenPolicy(REGISTERED, requested))).toContain(message);
  });
});

describe('verificationPolicy', () => {
  it('keeps the interval, warm-up and thresholds over the verification window', () => {
    expect(verificationPolicy(REGISTERED)).toEqual({ ...REGISTERED, windowSeconds: 120 });
  });
});
