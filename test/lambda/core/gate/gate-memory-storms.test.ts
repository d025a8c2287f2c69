// No rollback storms: two runs failing at once for one service send one rollback (the lock), a monitor sends no
// second within the cooldown, a pause holds back alerts and rollbacks, and a held-back rollback says why.
import { describe, expect, it } from 'vitest';
import { pauseKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';
import { CountingRollback, memoryRig, START, MINUTE, switchableService, type MemoryRig } from './memory-harness.ts';

const serve = useLoopbackServers();
const iso = (minute: number) => new Date(START.getTime() + minute * MINUTE).toISOString();

/** A service checkout/prod with 1.4.1 and 1.4.2 known-good, 1.4.2 deployed, and its server now failing. */
async function failingService(rig: MemoryRig) {
  await rig.store.write([
    putState(
      serviceStateKey('checkout', 'prod'),
      {
        deployed: { version: '1.4.2', at: iso(-60) },
        knownGood: [
          { version: '1.4.2', at: iso(-60) },
          { version: '1.4.1', at: iso(-600) },
        ],
      },
      undefined,
    ),
  ]);
  return serve(switchableService({ mode: 'down', version: '1.4.2' }));
}

describe('runGate with memory: no rollback storms', () => {
  it('sends exactly one rollback when two monitors of one service go down at once; the other says the lock held it back', async () => {
    const rig = memoryRig();
    const server = await failingService(rig);
    for (const minute of [0, 1]) {
      await rig.check(server, minute, { monitor: 'checkout-a', rollback: null });
      await rig.check(server, minute, { monitor: 'checkout-b', rollback: null });
    }
    let unblock: () => void = () => undefined;
    const blocked = new CountingRollback(undefined, new Promise<void>((resolve) => (unblock = resolve)));

    const a = rig.check(server, 2, { monitor: 'checkout-a', rollback: blocked });
    const b = rig.check(server, 2, { monitor: 'checkout-b', rollback: blocked });
    // The run held back by the lock finishes while the other's rollback is still running.
    const first = await Promise.race([a, b]);
    unblock();
    const [outcomeA, outcomeB] = await Promise.all([a, b]);

    expect(blocked.requests).toHaveLength(1);
    expect(blocked.requests[0]).toMatchObject({ target_version: '1.4.1', target_source: 'known_good' });
    expect(first.evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'locked' });
    const other = first === outcomeA ? outcomeB : outcomeA;
    expect(other.evidence.rollback).toMatchObject({ outcome: 'succeeded', target_version: '1.4.1' });
    const required = first.alerts.find((alert) => alert.type === 'RollbackRequired');
    expect(required).toBeDefined();
    expect(rig.h.notifier.sent.filter((alert) => alert.type === 'RollbackRequired')[0]?.message).toMatchObject({
      reason: 'rollback_suppressed',
    });
  });

  it('holds back a monitor rollback within the cooldown, with one RollbackRequired, and rolls back again after it', async () => {
    const rig = memoryRig();
    await failingService(rig);
    await rig.store.write([
      putState(
        serviceStateKey('checkout', 'prod'),
        {
          deployed: { version: '1.4.3', at: iso(-60) },
          knownGood: ['1.4.3', '1.4.2', '1.4.1'].map((version, index) => ({ version, at: iso(-60 * (index + 1)) })),
        },
        1,
      ),
    ]);
    // What the hosts run: each successful rollback puts its target there.
    const behaviour = { mode: 'down' as 'up' | 'down', version: '1.4.3' };
    const server = await serve(switchableService(behaviour));
    const script: Array<[number, 'up' | 'down']> = [
      [0, 'down'],
      [1, 'down'],
      [2, 'down'],
      [3, 'up'],
      [4, 'up'],
      [8, 'down'],
      [9, 'down'],
      [10, 'down'],
      [11, 'down'],
      [33, 'up'],
      [34, 'up'],
      [40, 'down'],
      [41, 'down'],
      [42, 'down'],
    ];
    for (const [minute, mode] of script) {
      behaviour.mode = mode;
      const outcome = await rig.check(server, minute);
      if (outcome.evidence.rollback.outcome === 'succeeded')
        behaviour.version = outcome.evidence.rollback.target_version!;
    }
    const byMinute = Object.fromEntries(script.map(([minute], index) => [minute, rig.alertsByRun[index]]));
    expect(byMinute[2]).toEqual(['MonitorDown', 'RollbackSucceeded']);
    expect(byMinute[4]).toEqual(['MonitorRecovered']);
    expect(byMinute[10]).toEqual(['MonitorDown', 'RollbackRequired']);
    expect(byMinute[11]).toEqual([]);
    expect(byMinute[42]).toEqual(['MonitorDown', 'RollbackSucceeded']);
    // Each rollback leaves the version it went away from behind: 1.4.3, then 1.4.2.
    expect(rig.rollback.requests.map((request) => request.target_version)).toEqual(['1.4.2', '1.4.1']);
    const heldBack = rig.h.notifier.sent.find((alert) => alert.type === 'RollbackRequired');
    expect(heldBack?.message).toMatchObject({
      reason: 'rollback_suppressed',
      rollback: { outcome: 'withheld', reason: 'cooldown' },
    });
  });

  it("rolls a failed deploy back even right after a monitor's rollback: the cooldown is for monitors", async () => {
    const rig = memoryRig();
    const server = await failingService(rig);
    for (const minute of [0, 1, 2]) await rig.check(server, minute);
    await rig.deploy(server, 5, '1.4.3', { previous: '1.4.1' });
    expect(rig.rollback.requests.map((request) => request.target_version)).toEqual(['1.4.1', '1.4.1']);
  });

  it('holds back a rollback while another run holds the lock, and records that reason', async () => {
    const rig = memoryRig();
    const server = await failingService(rig);
    await rig.store.write([
      putState(
        // A deploy gate in the middle of its own rollback.
        (await import('../../../../lambda/core/state/state-keys.ts')).rollbackLockKey('checkout', 'prod'),
        { owner: 'evt-deploy', acquiredAt: iso(-1), expiresAt: iso(10) },
        undefined,
      ),
    ]);
    const failed = await rig.deploy(server, 0, '1.4.3', { previous: '1.4.2' });
    expect(rig.rollback.requests).toEqual([]);
    expect(failed.evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'locked' });
    expect(failed.alerts.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackRequired']);
  });

  it('probes and records while paused, with the pause in evidence, but neither alerts nor rolls back; the pause ends by itself', async () => {
    const rig = memoryRig();
    const server = await failingService(rig);
    const pause = { reason: 'database migration', by: 'ops', since: iso(0), until: iso(30) };
    await rig.store.write([
      putState(pauseKey('checkout', 'prod'), pause, undefined, { expiresAt: new Date(pause.until) }),
    ]);

    const paused = await rig.deploy(server, 1, '1.4.3', { previous: '1.4.2' });
    expect(paused.verdict.status).toBe('failed');
    expect(paused.alerts).toEqual([]);
    expect(rig.rollback.requests).toEqual([]);
    expect(paused.evidence.state?.pause).toEqual(pause);
    expect(paused.evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'paused' });
    expect(rig.h.store.written).toHaveLength(1);

    const after = await rig.deploy(server, 31, '1.4.3', { previous: '1.4.2' });
    expect(after.alerts.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackSucceeded']);
    expect(after.evidence.state?.pause).toBeNull();
  });
});
