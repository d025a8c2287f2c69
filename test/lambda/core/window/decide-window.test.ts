import { describe, expect, it } from 'vitest';
import { advanceWindow, type WindowStep } from '../../../../lambda/core/window/decide-window.ts';
import { buildRound } from '../../../../lambda/core/window/round.ts';
import { parseWindowPolicy, type WindowPolicyInput } from '../../../../lambda/core/window/window-policy.ts';
import { parseWindowState, startWindow, type WindowState } from '../../../../lambda/core/window/window-state.ts';
import { failingTarget, healthyTarget } from './target-results.ts';

const STARTED = new Date('2026-03-01T12:00:00.000Z');

/** Whether the service is healthy in the round starting `elapsedS` seconds into the window (`index` from 0). */
type Service = (elapsedS: number, index: number) => boolean;

const always: Service = () => true;
const never: Service = () => false;
const healthyFrom =
  (seconds: number): Service =>
  (elapsedS) =>
    elapsedS >= seconds;
const healthyUntil =
  (seconds: number): Service =>
  (elapsedS) =>
    elapsedS < seconds;
/** `.` a healthy round, `x` a failing one, by round; past the end the last one repeats. */
const rounds =
  (pattern: string): Service =>
  (_elapsedS, index) =>
    pattern[Math.min(index, pattern.length - 1)] === '.';
const flapping: Service = (_elapsedS, index) => index % 2 === 0;

interface Simulation {
  readonly decision: string;
  readonly decidedBy: string | undefined;
  readonly rounds: number;
  /** When the deciding round started, in seconds from the window's start. */
  readonly decidedAtS: number;
  readonly state: WindowState;
}

/**
 * Runs a window round after round, each round's probes taking `probeSeconds`, starting each when advanceWindow says.
 * `viaJson` sends the state through JSON and its schema between rounds, as the workflow does. Bounded at 4,000 rounds.
 */
function simulate(
  policyInput: WindowPolicyInput,
  service: Service,
  options: { probeSeconds?: number; viaJson?: boolean } = {},
): Simulation {
  const policy = parseWindowPolicy(policyInput);
  let state = startWindow(STARTED);
  let atMs = STARTED.getTime();
  for (let index = 0; index < 4_000; index += 1) {
    const elapsedS = (atMs - STARTED.getTime()) / 1000;
    const target = service(elapsedS, index) ? healthyTarget() : failingTarget();
    const timing = { round: index + 1, at: new Date(atMs), startedAt: STARTED, warmupSeconds: policy.warmupSeconds };
    const round = buildRound([target], timing);
    const step: WindowStep = advanceWindow(state, round, policy, new Date(atMs + (options.probeSeconds ?? 0) * 1000));
    state = options.viaJson ? parseWindowState(JSON.parse(JSON.stringify(step.state))) : step.state;
    if (step.decision !== 'continue') {
      return { decision: step.decision, decidedBy: step.decided_by, rounds: index + 1, decidedAtS: elapsedS, state };
    }
    atMs = Date.parse(step.next_round_at);
  }
  throw new Error('the window never decided');
}

describe('advanceWindow over whole windows, without a bake (the rules alone)', () => {
  it.each<{ name: string; policy: WindowPolicyInput; service: Service; expected: [string, string, number, number] }>([
    // [decision, decided_by, rounds, seconds into the window when the deciding round started]
    { name: 'a healthy service', policy: {}, service: always, expected: ['passed', 'success_threshold', 2, 10] },
    { name: 'a dead service', policy: {}, service: never, expected: ['failed', 'failure_threshold', 3, 20] },
    {
      name: 'a dead service behind a 60 s warm-up, counted from the first round after it',
      policy: { warmupSeconds: 60 },
      service: never,
      expected: ['failed', 'failure_threshold', 9, 80],
    },
    {
      name: 'a service that needs 20 s to warm up, with a 20 s warm-up',
      policy: { warmupSeconds: 20, failureThreshold: 2 },
      service: healthyFrom(20),
      expected: ['passed', 'success_threshold', 4, 30],
    },
    {
      name: 'the same service without the warm-up',
      policy: { warmupSeconds: 0, failureThreshold: 2 },
      service: healthyFrom(20),
      expected: ['failed', 'failure_threshold', 2, 10],
    },
    {
      name: 'a service that breaks after 40 s, when the success streak must outlast it',
      policy: { successThreshold: 6 },
      service: healthyUntil(40),
      expected: ['failed', 'failure_threshold', 7, 60],
    },
    {
      name: 'a service that breaks after 40 s, when a 2-round streak passes it first (no bake)',
      policy: {},
      service: healthyUntil(40),
      expected: ['passed', 'success_threshold', 2, 10],
    },
    {
      name: 'a version that flips at 30 s, within the 20 s warm-up and the threshold',
      policy: { warmupSeconds: 20 },
      service: healthyFrom(30),
      expected: ['passed', 'success_threshold', 5, 40],
    },
    {
      name: 'a version that flips at 60 s, outlasting the 20 s warm-up and the threshold',
      policy: { warmupSeconds: 20 },
      service: healthyFrom(60),
      expected: ['failed', 'failure_threshold', 5, 40],
    },
    {
      name: 'a flapping service, which never settles either way',
      policy: {},
      service: flapping,
      expected: ['failed', 'window_elapsed', 30, 290],
    },
    {
      name: 'a flap that settles healthy',
      policy: {},
      service: rounds('x.x.x..'),
      expected: ['passed', 'success_threshold', 7, 60],
    },
    {
      name: 'failing streaks each broken by a healthy round',
      policy: { windowSeconds: 80 },
      service: rounds('xx.xx.xx.'),
      expected: ['failed', 'window_elapsed', 8, 70],
    },
    {
      name: 'a healthy service during a long warm-up, which need not wait it out',
      policy: { warmupSeconds: 60 },
      service: always,
      expected: ['passed', 'success_threshold', 2, 10],
    },
    {
      name: 'a failing round in the warm-up, which resets the healthy streak',
      policy: { warmupSeconds: 30 },
      service: rounds('.x.x..'),
      expected: ['passed', 'success_threshold', 6, 50],
    },
    {
      name: 'a healthy first round with successThreshold 1',
      policy: { successThreshold: 1 },
      service: always,
      expected: ['passed', 'success_threshold', 1, 0],
    },
    {
      name: 'a failing first round with failureThreshold 1',
      policy: { failureThreshold: 1 },
      service: never,
      expected: ['failed', 'failure_threshold', 1, 0],
    },
    {
      name: 'a failing round that starts exactly when the warm-up ends',
      policy: { warmupSeconds: 20, failureThreshold: 1 },
      service: never,
      expected: ['failed', 'failure_threshold', 3, 20],
    },
    {
      name: 'a dead service whose warm-up leaves room for only two rounds',
      policy: { warmupSeconds: 280, verifySeconds: 300 },
      service: never,
      expected: ['failed', 'window_elapsed', 30, 290],
    },
    {
      name: 'a window the interval does not divide, whose last round starts before it ends',
      policy: { windowSeconds: 25, verifySeconds: 25, failureThreshold: 50, successThreshold: 2 },
      service: flapping,
      expected: ['failed', 'window_elapsed', 3, 20],
    },
    {
      name: 'a window of whole intervals, with no round at its very end',
      policy: { windowSeconds: 30, verifySeconds: 30, failureThreshold: 50 },
      service: flapping,
      expected: ['failed', 'window_elapsed', 3, 20],
    },
  ])('decides $name', ({ policy, service, expected }) => {
    const result = simulate({ bakeSeconds: 0, ...policy }, service);
    expect([result.decision, result.decidedBy, result.rounds, result.decidedAtS]).toEqual(expected);
  });

  it.each([
    { name: 'a healthy service', service: always },
    { name: 'a service warming up', service: healthyFrom(30) },
    { name: 'a flapping service', service: flapping },
  ])('decides the same for $name when the state travels as JSON between rounds', ({ service }) => {
    const policy = { warmupSeconds: 20 };
    const direct = simulate(policy, service);
    expect(simulate(policy, service, { viaJson: true })).toEqual(direct);
  });

  it('starts the next round at once when the probes took longer than the interval', () => {
    // Each round's probes take 15 s, so round n starts at 15 (n - 1) s: 0, 15 ... 285, and 300 is past the window.
    const result = simulate({ failureThreshold: 50 }, flapping, { probeSeconds: 15 });
    expect([result.decidedBy, result.rounds, result.decidedAtS]).toEqual(['window_elapsed', 20, 285]);
  });

  it('counts every round and keeps the streaks it ended on', () => {
    const { state } = simulate({ warmupSeconds: 20 }, rounds('xx.xx'));
    expect(state).toMatchObject({
      rounds_done: 6,
      healthy_rounds: 1,
      failing_rounds: 5,
      consecutive_ok: 0,
      // Rounds 1 and 2 fell in the warm-up; 4, 5 and 6 came after it.
      consecutive_failing_after_warmup: 3,
      history_dropped: 0,
    });
    expect(state.history.map((round) => [round.round, round.ok, round.in_warmup])).toEqual([
      [1, false, true],
      [2, false, true],
      [3, true, false],
      [4, false, false],
      [5, false, false],
      [6, false, false],
    ]);
  });

  it('keeps the history of a long window bounded and counts what it dropped', () => {
    const { state } = simulate({ windowSeconds: 3600, verifySeconds: 3600, intervalSeconds: 1 }, flapping);
    expect(state.rounds_done).toBe(3600);
    expect(state.history).toHaveLength(60);
    expect(state.history_dropped).toBe(3540);
    expect(state.history[59]?.round).toBe(3600);
  });
});

describe('advanceWindow with the bake', () => {
  it.each<{ name: string; policy: WindowPolicyInput; service: Service; expected: [string, string, number, number] }>([
    // [decision, decided_by, rounds, seconds into the window when the deciding round started]
    {
      name: 'a service that breaks after 40 s, caught by the default 60 s bake',
      policy: {},
      service: healthyUntil(40),
      expected: ['failed', 'failure_threshold', 7, 60],
    },
    {
      name: 'a healthy service, which passes on the first round at or after the bake',
      policy: {},
      service: always,
      expected: ['passed', 'success_threshold', 7, 60],
    },
    {
      name: 'a bake the interval does not divide, passing on the first round after it',
      policy: { bakeSeconds: 45 },
      service: always,
      expected: ['passed', 'success_threshold', 6, 50],
    },
    {
      name: 'a healthy first round with successThreshold 1, held until the bake',
      policy: { successThreshold: 1, bakeSeconds: 30 },
      service: always,
      expected: ['passed', 'success_threshold', 4, 30],
    },
    {
      name: 'a streak broken after the bake, which must be rebuilt',
      policy: {},
      service: rounds('.......x..'),
      expected: ['passed', 'success_threshold', 7, 60],
    },
    {
      name: 'a streak broken just before the bake, which must be rebuilt after it',
      policy: {},
      service: rounds('......x..'),
      expected: ['passed', 'success_threshold', 9, 80],
    },
    {
      name: 'a service warming up for 20 s under a 20 s warm-up, passing once baked',
      policy: { warmupSeconds: 20, failureThreshold: 2 },
      service: healthyFrom(20),
      expected: ['passed', 'success_threshold', 7, 60],
    },
    {
      name: 'a service that breaks at 90 s, passed by a 60 s bake (the bake is no watch for ever)',
      policy: {},
      service: healthyUntil(90),
      expected: ['passed', 'success_threshold', 7, 60],
    },
  ])('decides $name', ({ policy, service, expected }) => {
    const result = simulate(policy, service);
    expect([result.decision, result.decidedBy, result.rounds, result.decidedAtS]).toEqual(expected);
  });

  it('does not pass a round that starts before the bake, even on the threshold', () => {
    const round = buildRound([healthyTarget()], { round: 1, at: STARTED, startedAt: STARTED, warmupSeconds: 0 });
    const step = advanceWindow(startWindow(STARTED), round, parseWindowPolicy({ successThreshold: 1 }), STARTED);
    expect(step).toMatchObject({ decision: 'continue', state: { consecutive_ok: 1 } });
  });
});

describe('advanceWindow, one round', () => {
  const policy = parseWindowPolicy({ bakeSeconds: 0 });
  const round1 = (ok: boolean) =>
    buildRound([ok ? healthyTarget() : failingTarget()], {
      round: 1,
      at: STARTED,
      startedAt: STARTED,
      warmupSeconds: 0,
    });

  it.each([
    { probeMs: 0, nextAt: '2026-03-01T12:00:10.000Z', inSeconds: 10 },
    { probeMs: 2_500, nextAt: '2026-03-01T12:00:10.000Z', inSeconds: 8 },
    { probeMs: 9_999, nextAt: '2026-03-01T12:00:10.000Z', inSeconds: 1 },
    { probeMs: 10_000, nextAt: '2026-03-01T12:00:10.000Z', inSeconds: 0 },
    { probeMs: 14_000, nextAt: '2026-03-01T12:00:14.000Z', inSeconds: 0 },
  ])(
    'schedules the next round 10 s after this one started, after $probeMs ms of probes',
    ({ probeMs, nextAt, inSeconds }) => {
      const step = advanceWindow(startWindow(STARTED), round1(true), policy, new Date(STARTED.getTime() + probeMs));
      expect(step).toMatchObject({ decision: 'continue', next_round_at: nextAt, next_round_in_s: inSeconds });
    },
  );

  it('ends the window at once when the round is judged after the window would have ended', () => {
    // A workflow that resumed late: the next round could no longer start inside the window.
    const step = advanceWindow(startWindow(STARTED), round1(true), policy, new Date(STARTED.getTime() + 301_000));
    expect(step).toMatchObject({ decision: 'failed', decided_by: 'window_elapsed' });
  });

  it('passes on the threshold even when judged after the window, since the rounds themselves were in time', () => {
    const once = advanceWindow(startWindow(STARTED), round1(true), { ...policy, successThreshold: 1 }, new Date(0));
    expect(once).toMatchObject({ decision: 'passed', decided_by: 'success_threshold' });
  });

  it('returns a new state and leaves the one it was given unchanged', () => {
    const before = startWindow(STARTED);
    const copy = structuredClone(before);
    advanceWindow(before, round1(false), policy, STARTED);
    expect(before).toEqual(copy);
  });
});
