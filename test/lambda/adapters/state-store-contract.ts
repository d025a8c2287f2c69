// The behaviour every StateStore adapter shares, run against each of them (memory, directory, DynamoDB on moto):
// batched reads, conditional and atomic writes, deletes, expiry that keeps the revision, invalid items reported and
// never trusted, listing by kind.
import { beforeEach, describe, expect, it } from 'vitest';
import type { MonitorState } from '../../../lambda/core/state/monitor-state.ts';
import type { ServiceState } from '../../../lambda/core/state/service-state.ts';
import { StateChangeError, StateConflictError } from '../../../lambda/core/state/state-errors.ts';
import {
  monitorStateKey,
  pauseKey,
  rollbackLockKey,
  serviceStateKey,
  type StateKey,
} from '../../../lambda/core/state/state-keys.ts';
import { deleteState, putState, type StateStore } from '../../../lambda/core/state/state-store.ts';
import { ManualClock } from '../../support/manual-clock.ts';

/** A raw record as a damaged store or a foreign writer would leave it. */
export interface PlantedRecord {
  readonly key: string;
  /** The item document as stored (JSON text, or anything else). */
  readonly document: string;
  readonly revision: number;
  /** Epoch seconds. */
  readonly expiresAt?: number;
}

export interface StateStoreUnderTest {
  readonly store: StateStore;
  /** Another store over the same data, as a second process would open it. */
  readonly reopen: () => StateStore;
  /** Stores a record past every check, replacing whatever is at its key. */
  readonly plant: (record: PlantedRecord) => Promise<void>;
}

export const START = new Date('2026-01-07T10:00:00.000Z');

export function monitorState(overrides: Partial<MonitorState> = {}): MonitorState {
  return { state: 'up', consecutiveFailures: 0, consecutiveSuccesses: 1, since: START.toISOString(), ...overrides };
}

export function serviceState(version = '1.4.2'): ServiceState {
  return {
    deployed: { version, at: START.toISOString(), evidence: 's3://evidence/deploys/checkout/prod/x.json' },
    knownGood: [{ version, at: START.toISOString() }],
  };
}

async function conflictOf(action: Promise<unknown>): Promise<StateConflictError> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof StateConflictError)) throw new Error(`expected a StateConflictError, got ${String(error)}`);
  return error;
}

export function describeStateStoreContract(
  name: string,
  create: (clock: ManualClock) => Promise<StateStoreUnderTest>,
): void {
  describe(`${name}: the StateStore contract`, () => {
    let clock: ManualClock;
    let subject: StateStoreUnderTest;
    let store: StateStore;
    const checkout = monitorStateKey('checkout');
    const payments = monitorStateKey('payments');
    const service = serviceStateKey('checkout', 'prod');

    beforeEach(async () => {
      clock = new ManualClock(START);
      subject = await create(clock);
      store = subject.store;
    });

    it('reads nothing for keys that were never written', async () => {
      const found = await store.read([checkout, service]);

      expect(found.entries).toEqual([]);
      expect(found.get(checkout)).toBeUndefined();
      expect(found.revisionOf(checkout)).toBeUndefined();
    });

    it('creates items at revision 1 and reads them back, several keys at once', async () => {
      await store.write([putState(checkout, monitorState(), undefined), putState(service, serviceState(), undefined)]);

      const found = await subject.reopen().read([checkout, service, payments]);

      expect(found.get(checkout)).toEqual({ value: monitorState(), revision: 1 });
      expect(found.get(service)).toEqual({ value: serviceState(), revision: 1 });
      expect(found.get(payments)).toBeUndefined();
    });

    it('reads a key asked for twice once', async () => {
      await store.write([putState(checkout, monitorState(), undefined)]);

      expect((await store.read([checkout, checkout])).entries).toHaveLength(1);
    });

    it('updates an item at the revision read, and counts the revision up', async () => {
      await store.write([putState(checkout, monitorState(), undefined)]);
      const down = monitorState({ state: 'down', consecutiveFailures: 1, consecutiveSuccesses: 0 });

      await store.write([putState(checkout, down, 1)]);

      expect((await store.read([checkout])).get(checkout)).toEqual({ value: down, revision: 2 });
    });

    it('refuses to create an item that exists, naming the key, and leaves it as it was', async () => {
      await store.write([putState(checkout, monitorState(), undefined)]);

      const conflict = await conflictOf(store.write([putState(checkout, monitorState({ state: 'down' }), undefined)]));

      expect(conflict.key).toBe(checkout);
      expect(conflict.expectedRevision).toBeUndefined();
      expect(conflict.message).toContain('monitor#checkout');
      expect((await store.read([checkout])).get(checkout)).toEqual({ value: monitorState(), revision: 1 });
    });

    it('refuses a write at a stale revision with StateConflictError naming the key', async () => {
      await store.write([putState(checkout, monitorState(), undefined)]);
      await store.write([putState(checkout, monitorState({ consecutiveSuccesses: 2 }), 1)]);

      const conflict = await conflictOf(store.write([putState(checkout, monitorState({ state: 'down' }), 1)]));

      expect(conflict).toMatchObject({ key: checkout, expectedRevision: 1, foundRevision: 2 });
      expect((await store.read([checkout])).get(checkout)?.value.consecutiveSuccesses).toBe(2);
    });

    it('refuses an update of an item that does not exist', async () => {
      const conflict = await conflictOf(store.write([putState(checkout, monitorState(), 3)]));

      expect(conflict).toMatchObject({ key: checkout, expectedRevision: 3, foundRevision: null });
      expect((await store.read([checkout])).entries).toEqual([]);
    });

    it('writes nothing of a multi-item write when one item is stale, and names that item', async () => {
      await store.write([putState(service, serviceState('1.0.0'), undefined)]);
      await store.write([putState(service, serviceState('1.0.1'), 1)]);

      const conflict = await conflictOf(
        store.write([
          putState(checkout, monitorState(), undefined),
          putState(payments, monitorState(), undefined),
          putState(service, serviceState('2.0.0'), 1),
        ]),
      );

      expect(conflict.key).toBe(service);
      const found = await subject.reopen().read([checkout, payments, service]);
      expect(found.get(checkout)).toBeUndefined();
      expect(found.get(payments)).toBeUndefined();
      expect(found.get(service)).toEqual({ value: serviceState('1.0.1'), revision: 2 });
    });

    it('writes every item of a multi-item write together', async () => {
      await store.write([putState(checkout, monitorState(), undefined)]);

      await store.write([
        putState(checkout, monitorState({ consecutiveSuccesses: 2 }), 1),
        putState(service, serviceState(), undefined),
        putState(payments, monitorState(), undefined),
      ]);

      const found = await store.read([checkout, payments, service]);
      expect([found.revisionOf(checkout), found.revisionOf(payments), found.revisionOf(service)]).toEqual([2, 1, 1]);
    });

    it('deletes an item at its revision, and refuses a delete at a stale revision or of nothing', async () => {
      await store.write([putState(checkout, monitorState(), undefined), putState(payments, monitorState(), undefined)]);
      await store.write([putState(payments, monitorState({ consecutiveSuccesses: 2 }), 1)]);

      await store.write([deleteState(checkout, 1)]);
      const stale = await conflictOf(store.write([deleteState(payments, 1)]));
      const missing = await conflictOf(store.write([deleteState(checkout, 1)]));

      expect([stale.key, missing.key]).toEqual([payments, checkout]);
      const found = await store.read([checkout, payments]);
      expect(found.get(checkout)).toBeUndefined();
      expect(found.revisionOf(payments)).toBe(2);
      // A deleted key is created again from scratch.
      await store.write([putState(checkout, monitorState(), undefined)]);
      expect((await store.read([checkout])).revisionOf(checkout)).toBe(1);
    });

    it('does nothing for an empty write', async () => {
      await store.write([]);

      expect((await store.list('monitor')).entries).toEqual([]);
    });

    it('refuses a value its kind does not allow before writing anything', async () => {
      const bad = { ...monitorState(), consecutiveFailures: -1 };

      const error = await store
        .write([putState(payments, monitorState(), undefined), putState(checkout, bad, undefined)])
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StateChangeError);
      expect(error).toMatchObject({ key: checkout });
      expect((error as Error).message).toContain('consecutiveFailures: must be at least 0');
      expect((await store.read([checkout, payments])).entries).toEqual([]);
    });

    it('refuses two changes to one key in one write', async () => {
      const error = await store
        .write([putState(checkout, monitorState(), undefined), deleteState(checkout, 1)])
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(StateChangeError);
      expect((await store.read([checkout])).entries).toEqual([]);
    });

    it('keeps an expiry to the second, rounded up', async () => {
      const lock = rollbackLockKey('checkout', 'prod');
      const value = { owner: 'run-1', acquiredAt: START.toISOString(), expiresAt: '2026-01-07T10:05:00.250Z' };

      await store.write([putState(lock, value, undefined, { expiresAt: new Date('2026-01-07T10:05:00.250Z') })]);

      expect((await store.read([lock])).get(lock)?.expiresAt).toEqual(new Date('2026-01-07T10:05:01.000Z'));
    });

    it('reads an expired item as absent but keeps its revision, so only a write at that revision replaces it', async () => {
      const lock = rollbackLockKey('checkout', 'prod');
      const first = { owner: 'run-1', acquiredAt: START.toISOString(), expiresAt: '2026-01-07T10:01:00.000Z' };
      await store.write([putState(lock, first, undefined, { expiresAt: new Date(first.expiresAt) })]);
      clock.advance(60_000);

      const found = await subject.reopen().read([lock]);
      const blind = await conflictOf(store.write([putState(lock, { ...first, owner: 'run-2' }, undefined)]));
      await store.write([putState(lock, { ...first, owner: 'run-3' }, found.revisionOf(lock))]);

      expect(found.get(lock)).toBeUndefined();
      expect(found.entry(lock)).toMatchObject({ status: 'expired', revision: 1, value: first });
      expect(found.revisionOf(lock)).toBe(1);
      expect(blind.key).toBe(lock);
      expect((await store.read([lock])).get(lock)).toEqual({ value: { ...first, owner: 'run-3' }, revision: 2 });
    });

    it('reports an item that does not parse as invalid, with its key and problem, and never as a value', async () => {
      await subject.plant({
        key: checkout,
        document: JSON.stringify({ ...monitorState(), consecutiveFailures: 'many' }),
        revision: 4,
      });
      await subject.plant({ key: payments, document: '{"state": "up", ', revision: 2 });

      const found = await store.read([checkout, payments]);

      expect(found.get(checkout)).toBeUndefined();
      expect(found.get(payments)).toBeUndefined();
      expect(found.invalid.map(({ key, problem }) => [key, problem])).toEqual([
        [checkout, expect.stringContaining('consecutiveFailures: must be')],
        [payments, expect.stringContaining('JSON')],
      ]);
      // A store that keeps the revision apart from the document (a table's attribute) still has it.
      expect(found.revisionOf(checkout)).toBe(4);
    });

    it('refuses an item with a field its schema does not know', async () => {
      await subject.plant({
        key: checkout,
        document: JSON.stringify({ ...monitorState(), rollback: 'now' }),
        revision: 1,
      });

      const found = await store.read([checkout]);

      expect(found.invalid).toEqual([
        expect.objectContaining({ key: checkout, problem: expect.stringContaining('rollback') }),
      ]);
    });

    it('replaces an invalid item only at its revision', async () => {
      await subject.plant({ key: checkout, document: 'null', revision: 7 });
      const found = await store.read([checkout]);

      await conflictOf(store.write([putState(checkout, monitorState(), undefined)]));
      await store.write([putState(checkout, monitorState(), found.revisionOf(checkout))]);

      expect((await store.read([checkout])).get(checkout)).toEqual({ value: monitorState(), revision: 8 });
    });

    it('lists every item of one kind, live, expired and invalid, in key order, and nothing of other kinds', async () => {
      const expiring = monitorStateKey('expiring');
      await store.write([
        putState(payments, monitorState(), undefined),
        putState(checkout, monitorState({ state: 'down' }), undefined),
        putState(expiring, monitorState(), undefined, { expiresAt: new Date(START.getTime() + 1_000) }),
        putState(service, serviceState(), undefined),
        putState(pauseKey('checkout', 'prod'), pauseValue(), undefined),
      ]);
      await subject.plant({ key: monitorStateKey('broken'), document: '[]', revision: 1 });
      clock.advance(1_000);

      const listed = await subject.reopen().list('monitor');

      expect(listed.entries.map((entry) => [entry.key, entry.status])).toEqual([
        ['monitor#broken', 'invalid'],
        ['monitor#checkout', 'live'],
        ['monitor#expiring', 'expired'],
        ['monitor#payments', 'live'],
      ]);
      expect(listed.live.map((entry) => entry.key)).toEqual([checkout, payments]);
      expect(listed.get(checkout)?.value.state).toBe('down');
      expect((await store.list('service')).live.map((entry) => entry.key)).toEqual([service]);
      expect((await store.list('chain')).entries).toEqual([]);
    });

    it('reads and lists more items than one request carries', async () => {
      const keys: StateKey<'monitor'>[] = Array.from({ length: 130 }, (_, index) => monitorStateKey(`m${index}`));
      for (let start = 0; start < keys.length; start += 65) {
        await store.write(keys.slice(start, start + 65).map((key) => putState(key, monitorState(), undefined)));
      }

      expect((await store.read(keys)).live).toHaveLength(130);
      expect((await store.list('monitor')).live).toHaveLength(130);
    });
  });
}

function pauseValue() {
  return { reason: 'incident 42', since: START.toISOString(), until: '2026-01-07T12:00:00.000Z' };
}
