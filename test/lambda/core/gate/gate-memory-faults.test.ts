// A state store that fails never loses the verdict: the run is recorded with the fault, StateUnavailable goes out
// once, no automatic rollback runs; a lost race is read and planned again once; an item that does not parse is named
// and ignored.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsStateStore } from '../../../../lambda/adapters/local/fs-state-store.ts';
import type { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { StateUnavailableError } from '../../../../lambda/core/state/state-errors.ts';
import { monitorStateKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import type { StateReadResult } from '../../../../lambda/core/state/state-read-result.ts';
import { putState, type StateChange, type StateStore } from '../../../../lambda/core/state/state-store.ts';
import type { StateKey, StateKind } from '../../../../lambda/core/state/state-keys.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';
import { memoryRig, START, switchableService } from './memory-harness.ts';

const serve = useLoopbackServers();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A state directory that cannot be used: its path runs through a regular file. */
async function unusableDirectory(): Promise<FsStateStore> {
  const dir = await mkdtemp(join(tmpdir(), 'rollgate-state-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'not-a-directory'), 'x');
  return new FsStateStore({ directory: join(dir, 'not-a-directory', 'state'), lockTimeoutMs: 1_000 });
}

/** The memory store, with each write first preceded by `before` (a competing writer) or refused as unavailable. */
class InterferingStore implements StateStore {
  public writes = 0;
  public constructor(
    private readonly inner: MemoryStateStore,
    private readonly interfere: (attempt: number, changes: readonly StateChange[]) => Promise<void>,
  ) {}

  public read(keys: readonly StateKey[]): Promise<StateReadResult> {
    return this.inner.read(keys);
  }

  public async write(changes: readonly StateChange[]): Promise<void> {
    this.writes += 1;
    await this.interfere(this.writes, changes);
    return this.inner.write(changes);
  }

  public list(kind: StateKind): Promise<StateReadResult> {
    return this.inner.list(kind);
  }
}

/** Another run of the same monitor storing its own state first: the write that follows loses the race. */
function competingMonitorWrite(store: MemoryStateStore) {
  return async (): Promise<void> => {
    const key = monitorStateKey('checkout-prod');
    const found = await store.read([key]);
    const current = found.get(key)?.value ?? {
      state: 'unknown' as const,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      since: START.toISOString(),
    };
    await store.write([
      putState(key, { ...current, consecutiveFailures: current.consecutiveFailures + 1 }, found.revisionOf(key)),
    ]);
  };
}

describe('runGate with a state store that fails', () => {
  it('records a deploy whose state cannot be read as failed/prober_unavailable, with the fault, StateUnavailable once and no rollback', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const state = await unusableDirectory();

    const outcome = await rig.deploy(server, 0, '1.4.2', { previous: '1.4.1', state });

    expect(outcome.verdict).toMatchObject({
      status: 'failed',
      status_reason: 'prober_unavailable',
      prober_fault: 'state_store_unavailable',
      failing: 1,
    });
    expect(outcome.evidence.targets).toHaveLength(1);
    expect(outcome.evidence.faults).toEqual([
      expect.objectContaining({
        port: 'state',
        error_name: expect.any(String),
        message: expect.stringContaining('state directory'),
      }),
    ]);
    expect(outcome.evidence.state).toEqual({ store: 'unavailable', written: false, pause: null });
    expect(rig.rollback.requests).toEqual([]);
    expect(outcome.evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'state_unavailable' });
    expect(outcome.alerts.map((alert) => alert.type)).toEqual(['StateUnavailable', 'RollbackRequired']);
    expect(rig.h.notifier.sent[0]?.attributes).toMatchObject({ alert_type: 'StateUnavailable', severity: 'high' });
  });

  it('leaves a monitor uncounted when its state cannot be read: StateUnavailable only, every run', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const state = await unusableDirectory();
    for (const minute of [0, 1, 2, 3]) await rig.check(server, minute, { state });
    expect(rig.alertsByRun).toEqual([
      ['StateUnavailable'],
      ['StateUnavailable'],
      ['StateUnavailable'],
      ['StateUnavailable'],
    ]);
    expect(rig.rollback.requests).toEqual([]);
  });

  it('keeps a verdict whose state cannot be written, alerts StateUnavailable once and holds the rollback back', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const state = new InterferingStore(rig.store, async () => {
      throw new StateUnavailableError('ProvisionedThroughputExceededException: throttled', {
        errorName: 'ProvisionedThroughputExceededException',
      });
    });

    const outcome = await rig.deploy(server, 0, '1.4.2', { previous: '1.4.1', state });

    expect(outcome.verdict).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    expect(outcome.evidence.faults).toEqual([
      {
        port: 'state',
        error_name: 'ProvisionedThroughputExceededException',
        message: 'ProvisionedThroughputExceededException: throttled',
      },
    ]);
    expect(outcome.evidence.state).toMatchObject({ store: 'available', written: false });
    expect(outcome.alerts.map((alert) => alert.type)).toEqual(['GateFailed', 'StateUnavailable', 'RollbackRequired']);
    expect(rig.rollback.requests).toEqual([]);
  });

  it('reads and plans again once after losing a race for its monitor, and records what it then decided', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    await rig.check(server, 0, { rollback: null });
    const compete = competingMonitorWrite(rig.store);
    const state = new InterferingStore(rig.store, async (attempt) => (attempt === 1 ? compete() : undefined));

    // Two failures stored, and this run's own: the third in a row, planned again from what the other run left.
    const outcome = await rig.check(server, 1, { rollback: null, state });

    expect(state.writes).toBe(2);
    expect(outcome.evidence.faults).toEqual([]);
    expect(outcome.evidence.state?.monitor).toMatchObject({ state: 'down', consecutive_failures: 3 });
    expect(outcome.alerts.map((alert) => alert.type)).toEqual(['MonitorDown']);
  });

  it('records a second lost race as a state fault, keeping the verdict and alerting StateUnavailable', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    const compete = competingMonitorWrite(rig.store);
    const state = new InterferingStore(rig.store, compete);

    const outcome = await rig.check(server, 0, { rollback: null, state });

    expect(state.writes).toBe(2);
    expect(outcome.evidence.faults).toEqual([
      expect.objectContaining({
        port: 'state',
        error_name: 'StateConflict',
        message: expect.stringContaining('monitor#checkout-prod'),
      }),
    ]);
    expect(outcome.alerts.map((alert) => alert.type)).toEqual(['StateUnavailable']);
    expect(outcome.verdict.status_reason).toBe('probe_failures');
  });

  it('names a state item that does not parse, ignores it, and replaces it with what the run found', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'up', version: '1.4.2' }));
    rig.store.plant({ key: monitorStateKey('checkout-prod'), document: '{"state":"sideways"}', revision: 4 });

    const outcome = await rig.check(server, 0, { rollback: null });

    expect(outcome.evidence.notes?.[0]).toMatch(/^state item monitor#checkout-prod ignored: .*state/);
    expect(outcome.evidence.state?.monitor).toMatchObject({ state: 'unknown', consecutive_successes: 1 });
    const stored = (await rig.store.read([monitorStateKey('checkout-prod')])).get(monitorStateKey('checkout-prod'));
    expect(stored).toMatchObject({ revision: 5, value: { state: 'unknown', consecutiveSuccesses: 1 } });
  });

  it('holds a planned rollback back when the lock cannot be taken, and says so once', async () => {
    const rig = memoryRig();
    const server = await serve(switchableService({ mode: 'down', version: '1.4.2' }));
    await rig.store.write([
      putState(
        serviceStateKey('checkout', 'prod'),
        { knownGood: [{ version: '1.4.1', at: START.toISOString() }] },
        undefined,
      ),
    ]);
    // The run's own state write goes through; the lock's write (the second) does not.
    const state = new InterferingStore(rig.store, async (attempt) => {
      if (attempt === 2)
        throw new StateUnavailableError('AccessDeniedException: not authorized', {
          errorName: 'AccessDeniedException',
        });
    });

    const outcome = await rig.deploy(server, 1, '1.4.2', { state });

    expect(rig.rollback.requests).toEqual([]);
    expect(outcome.evidence).toMatchObject({
      stage: 'rollback',
      rollback: { outcome: 'withheld', reason: 'state_unavailable' },
    });
    expect(outcome.alerts.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackRequired', 'StateUnavailable']);
    expect(outcome.evidence.faults).toEqual([
      expect.objectContaining({ port: 'state', error_name: 'AccessDeniedException' }),
    ]);
  });
});
