// The in-process window against real loopback services whose answers change with the window's (manual) time: the
// probes are real HTTP, the sleeps only move the clock, so a five-minute window runs in milliseconds.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseGateConfig, type GateConfigInput } from '../../../../lambda/core/config/config-schema.ts';
import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';
import { prepareRoundProbe } from '../../../../lambda/core/window/probe-round.ts';
import type { WindowRound } from '../../../../lambda/core/window/round.ts';
import {
  maxWindowRounds,
  runWindow,
  type WindowClock,
  type WindowOutcome,
} from '../../../../lambda/core/window/run-window.ts';
import { parseWindowPolicy, type WindowPolicyInput } from '../../../../lambda/core/window/window-policy.ts';
import { sendJson } from '../../../support/loopback-server.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';
import { healthyTarget } from './target-results.ts';

const serve = useLoopbackServers();
const STARTED = new Date('2026-03-01T12:00:00.000Z');

/** A WindowClock over a ManualClock: sleeping moves the time and is recorded, and nothing really waits. */
function manualWindowClock(): { clock: WindowClock; manual: ManualClock; sleeps: number[] } {
  const manual = new ManualClock(STARTED);
  const sleeps: number[] = [];
  const clock: WindowClock = {
    now: () => manual.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      manual.advance(ms);
    },
  };
  return { clock, manual, sleeps };
}

/** What the service answers `elapsedS` seconds into the window. */
type Behaviour = (elapsedS: number, response: ServerResponse) => void;

const warmingUp =
  (readyAtS: number): Behaviour =>
  (elapsedS, response) =>
    elapsedS < readyAtS
      ? sendJson(response, 503, { status: 'starting' })
      : sendJson(response, 200, { status: 'ok', version: '1.4.2' });
const breakingAt =
  (brokenAtS: number): Behaviour =>
  (elapsedS, response) =>
    elapsedS < brokenAtS
      ? sendJson(response, 200, { status: 'ok', version: '1.4.2' })
      : sendJson(response, 500, { status: 'error' });
const versionFlipsAt =
  (flipAtS: number): Behaviour =>
  (elapsedS, response) =>
    sendJson(response, 200, { status: 'ok', version: elapsedS < flipAtS ? '1.4.1' : '1.4.2' });
const neverHealthy: Behaviour = (_elapsedS, response) => sendJson(response, 503, { status: 'down' });

/** Runs a window over one loopback service behaving as `behaviour` by the manual clock. */
async function watch(
  behaviour: Behaviour,
  policyInput: WindowPolicyInput,
  config: Partial<GateConfigInput> = {},
): Promise<{ outcome: WindowOutcome; seen: WindowRound[]; sleeps: number[] }> {
  const { clock, manual, sleeps } = manualWindowClock();
  const server = await serve((_request, response) =>
    behaviour((manual.now().getTime() - STARTED.getTime()) / 1000, response),
  );
  const gateConfig = parseGateConfig({
    targets: [{ url: server.url('/health'), name: 'api' }],
    expectedVersion: '1.4.2',
    retries: 0,
    backoffMs: 0,
    ...config,
  });
  const prober = await prepareRoundProbe(gateConfig);
  const seen: WindowRound[] = [];
  const outcome = await runWindow({
    // The rules alone: the bake has its own tests (decide-window.test.ts) and one below.
    policy: parseWindowPolicy({ bakeSeconds: 0, ...policyInput }),
    probeRound: () => prober.probe(),
    clock,
    onRound: (round) => {
      seen.push(round);
    },
  });
  return { outcome, seen, sleeps };
}

const summary = (outcome: WindowOutcome) => [outcome.decision, outcome.decided_by, outcome.rounds];

describe('runWindow against loopback services', () => {
  it('passes a service that answers 503 for 20 s, under a 20 s warm-up', async () => {
    const { outcome, seen, sleeps } = await watch(warmingUp(20), { warmupSeconds: 20, failureThreshold: 2 });
    expect(summary(outcome)).toEqual(['passed', 'success_threshold', 4]);
    expect(seen.map((round) => [round.elapsed_s, round.in_warmup, round.ok])).toEqual([
      [0, true, false],
      [10, true, false],
      [20, false, true],
      [30, false, true],
    ]);
    expect(seen[0]?.targets[0]).toMatchObject({ name: 'api', ok: false });
    expect(seen[0]?.targets[0]?.reason).toContain('[STATUS] 503 in [200-299]');
    expect(sleeps).toEqual([10_000, 10_000, 10_000]);
  });

  it('fails a service that breaks after 40 s with the default 60 s bake, which a 2-round streak alone would pass', async () => {
    const { outcome, seen } = await watch(breakingAt(40), { bakeSeconds: 60 });
    expect(summary(outcome)).toEqual(['failed', 'failure_threshold', 7]);
    expect(seen.map((round) => round.ok)).toEqual([true, true, true, true, false, false, false]);
  });

  it('fails the same service without the warm-up', async () => {
    const { outcome } = await watch(warmingUp(20), { failureThreshold: 2 });
    expect(summary(outcome)).toEqual(['failed', 'failure_threshold', 2]);
  });

  it('fails a service that breaks after 40 s, when the success streak must outlast that', async () => {
    const { outcome, seen } = await watch(breakingAt(40), { successThreshold: 6 });
    expect(summary(outcome)).toEqual(['failed', 'failure_threshold', 7]);
    expect(seen.map((round) => round.ok)).toEqual([true, true, true, true, false, false, false]);
    expect(seen[6]?.targets[0]?.reason).toContain('[STATUS] 500 in [200-299]');
  });

  it('passes a rolling deploy whose version turns right at 30 s, within the warm-up and the threshold', async () => {
    const { outcome, seen } = await watch(versionFlipsAt(30), { warmupSeconds: 20 });
    expect(summary(outcome)).toEqual(['passed', 'success_threshold', 5]);
    expect(seen[0]?.targets[0]).toMatchObject({ ok: false, version: '1.4.1' });
    expect(seen[0]?.targets[0]?.reason).toContain('[BODY].version "1.4.1" == "1.4.2"');
    expect(seen[4]?.targets[0]).toMatchObject({ ok: true, version: '1.4.2' });
  });

  it('fails a version that stays wrong past the warm-up and the threshold', async () => {
    const { outcome } = await watch(versionFlipsAt(60), { warmupSeconds: 20 });
    expect(summary(outcome)).toEqual(['failed', 'failure_threshold', 5]);
  });

  it('fails a service that is never healthy when the window ends, if the warm-up leaves too few rounds', async () => {
    const { outcome, sleeps } = await watch(neverHealthy, { warmupSeconds: 280, verifySeconds: 300 });
    expect(summary(outcome)).toEqual(['failed', 'window_elapsed', 30]);
    expect(outcome.state).toMatchObject({ failing_rounds: 30, consecutive_failing_after_warmup: 2 });
    // No sleep after the last round: the window is judged as soon as no further round fits.
    expect(sleeps).toHaveLength(29);
  });

  it('reports each round as it is judged, in order, with the same records the history keeps', async () => {
    const { outcome, seen } = await watch(warmingUp(10), {});
    expect(seen.map((round) => round.round)).toEqual([1, 2, 3]);
    expect(outcome.history).toEqual(seen);
  });

  it('scrubs a secret header that the service echoes back from the rounds', async () => {
    const token = 'sk-live-window-0123456789';
    const { clock } = manualWindowClock();
    const server = await serve((request, response) =>
      sendJson(response, 503, { status: `denied ${String(request.headers.authorization)}` }),
    );
    const gateConfig = parseGateConfig({
      targets: [{ url: server.url('/health'), headers: { Authorization: { env: 'API_TOKEN' } } }],
      retries: 0,
    });
    const prober = await prepareRoundProbe(gateConfig, { secrets: { resolve: async () => token } });
    const outcome = await runWindow({
      policy: parseWindowPolicy({ failureThreshold: 1 }),
      probeRound: () => prober.probe(),
      clock,
    });
    expect(outcome.history[0]?.targets[0]?.reason).toContain('***');
    expect(JSON.stringify(outcome)).not.toContain(token);
  });
});

describe('runWindow bounds', () => {
  it('stops after windowSeconds / intervalSeconds + 1 rounds under a clock that never moves', async () => {
    const stuck: WindowClock = { now: () => new Date(STARTED), sleep: async () => undefined };
    const policy = parseWindowPolicy({ windowSeconds: 60, bakeSeconds: 0 });
    let probes = 0;
    const flapping = async (): Promise<TargetResult[]> => {
      probes += 1;
      return [{ ...healthyTarget(), ok: probes % 2 === 0 }];
    };
    const outcome = await runWindow({ policy, probeRound: flapping, clock: stuck });
    expect(maxWindowRounds(policy)).toBe(7);
    expect([outcome.decision, outcome.decided_by, outcome.rounds, probes]).toEqual(['failed', 'window_elapsed', 7, 7]);
  });

  it('ends with the error when a round cannot be probed at all', async () => {
    const { clock } = manualWindowClock();
    const broken = async (): Promise<TargetResult[]> => {
      throw new Error('sockets exhausted');
    };
    await expect(runWindow({ policy: parseWindowPolicy({}), probeRound: broken, clock })).rejects.toThrow(
      'sockets exhausted',
    );
  });
});
