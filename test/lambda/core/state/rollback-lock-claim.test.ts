// The rollback lock over the memory store: acquired when free, held_by another run while live, taken over once
// expired (recording whose it was), refused to anyone but its owner on release, and never won by two racing runs.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { releaseRollbackLock, tryAcquireRollbackLock } from '../../../../lambda/core/state/rollback-lock-claim.ts';
import { rollbackLockKey } from '../../../../lambda/core/state/state-keys.ts';
import { StateUnavailableError } from '../../../../lambda/core/state/state-errors.ts';
import { putState, type StateStore } from '../../../../lambda/core/state/state-store.ts';
import { ManualClock } from '../../../support/manual-clock.ts';

const START = new Date('2026-01-07T10:00:00.000Z');
const HOLD_MS = 15 * 60_000;
const SCOPE = { service: 'checkout', environment: 'prod' };
const KEY = rollbackLockKey('checkout', 'prod');

function setUp() {
  const clock = new ManualClock(START);
  const store = new MemoryStateStore({ clock });
  const acquire = (owner: string) =>
    tryAcquireRollbackLock(store, { ...SCOPE, owner, now: clock.now(), holdForMs: HOLD_MS });
  const release = (owner: string) => releaseRollbackLock(store, { ...SCOPE, owner, now: clock.now() });
  return { clock, store, acquire, release };
}

describe('tryAcquireRollbackLock', () => {
  it('acquires a free lock for the hold time', async () => {
    const { acquire, store } = setUp();

    const result = await acquire('run-1');

    const lock = { owner: 'run-1', acquiredAt: START.toISOString(), expiresAt: '2026-01-07T10:15:00.000Z' };
    expect(result).toEqual({ outcome: 'acquired', lock, revision: 1, alreadyHeld: false });
    expect((await store.read([KEY])).get(KEY)).toEqual({
      value: lock,
      revision: 1,
      expiresAt: new Date(lock.expiresAt),
    });
  });

  it('reports a live lock as held by its owner until it expires', async () => {
    const { acquire, clock } = setUp();
    await acquire('run-1');
    clock.advance(HOLD_MS - 1);

    expect(await acquire('run-2')).toEqual({
      outcome: 'held_by',
      owner: 'run-1',
      until: new Date('2026-01-07T10:15:00.000Z'),
    });
  });

  it('returns the lock unchanged to the run that already holds it', async () => {
    const { acquire, clock } = setUp();
    const first = await acquire('run-1');
    clock.advance(60_000);

    expect(await acquire('run-1')).toEqual({ ...first, alreadyHeld: true });
  });

  it('takes over an expired lock at its revision and records whose it was', async () => {
    const { acquire, clock, store } = setUp();
    await acquire('run-1');
    clock.advance(HOLD_MS);

    const result = await acquire('run-2');

    expect(result).toMatchObject({
      outcome: 'acquired',
      revision: 2,
      lock: { owner: 'run-2' },
      replaced: { reason: 'expired', owner: 'run-1', expiredAt: new Date('2026-01-07T10:15:00.000Z') },
    });
    expect((await store.read([KEY])).get(KEY)?.value.owner).toBe('run-2');
  });

  it('takes over an invalid lock item at its revision and records the problem', async () => {
    const { acquire, store } = setUp();
    store.plant({ key: KEY, document: '{"owner": "run 1"}', revision: 3 });

    const result = await acquire('run-2');

    expect(result).toMatchObject({ outcome: 'acquired', revision: 4, replaced: { reason: 'invalid' } });
  });

  it('lets exactly one of several runs racing for a free lock acquire it', async () => {
    const { acquire } = setUp();

    const results = await Promise.all(['run-1', 'run-2', 'run-3', 'run-4'].map((owner) => acquire(owner)));

    const winners = results.filter((result) => result.outcome === 'acquired');
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.outcome === 'acquired' ? winners[0]!.lock.owner : '';
    expect(results.filter((result) => result.outcome !== 'acquired')).toEqual(
      Array.from({ length: 3 }, () => ({
        outcome: 'held_by',
        owner: winner,
        until: new Date('2026-01-07T10:15:00.000Z'),
      })),
    );
  });

  it('reports contended when the lock changes under every attempt', async () => {
    const { clock } = setUp();
    const inner = new MemoryStateStore({ clock });
    let writes = 0;
    // A store where another run always wins between our read and our write.
    const racing: StateStore = {
      read: (keys) => inner.read(keys),
      list: (kind) => inner.list(kind),
      write: async (changes) => {
        writes += 1;
        const found = await inner.read([KEY]);
        const other = {
          owner: `other-${writes}`,
          acquiredAt: START.toISOString(),
          expiresAt: '2026-01-07T10:00:00.001Z',
        };
        await inner.write([putState(KEY, other, found.revisionOf(KEY), { expiresAt: START })]);
        return inner.write(changes);
      },
    };

    const result = await tryAcquireRollbackLock(racing, {
      ...SCOPE,
      owner: 'run-1',
      now: clock.now(),
      holdForMs: HOLD_MS,
    });

    expect(result).toEqual({ outcome: 'contended' });
    expect(writes).toBe(2);
  });

  it('lets a store failure through as StateUnavailableError', async () => {
    const broken: StateStore = {
      read: async () => {
        throw new StateUnavailableError('table missing');
      },
      write: async () => undefined,
      list: async () => {
        throw new StateUnavailableError('table missing');
      },
    };

    await expect(
      tryAcquireRollbackLock(broken, { ...SCOPE, owner: 'run-1', now: START, holdForMs: HOLD_MS }),
    ).rejects.toBeInstanceOf(StateUnavailableError);
  });
});

describe('releaseRollbackLock', () => {
  it('releases the lock of its owner, so the next run acquires it at a higher revision', async () => {
    const { acquire, release } = setUp();
    await acquire('run-1');

    const released = await release('run-1');
    const next = await acquire('run-2');

    expect(released).toEqual({ outcome: 'released' });
    expect(next).toMatchObject({ outcome: 'acquired', revision: 3, replaced: { reason: 'expired', owner: 'run-1' } });
  });

  it('releases a lock in the millisecond it was taken', async () => {
    const { acquire, release } = setUp();
    await acquire('run-1');

    expect(await release('run-1')).toEqual({ outcome: 'released' });
    expect(await acquire('run-2')).toMatchObject({ outcome: 'acquired' });
  });

  it('refuses to release a lock held by another run, and leaves it held', async () => {
    const { acquire, release } = setUp();
    await acquire('run-1');

    const result = await release('run-2');

    expect(result).toEqual({ outcome: 'held_by', owner: 'run-1', until: new Date('2026-01-07T10:15:00.000Z') });
    expect(await acquire('run-3')).toMatchObject({ outcome: 'held_by', owner: 'run-1' });
  });

  it('reports not_held for a lock never taken', async () => {
    const { release } = setUp();

    expect(await release('run-1')).toEqual({ outcome: 'not_held' });
  });

  it('reports not_held for a lock already released', async () => {
    const { acquire, release } = setUp();
    await acquire('run-1');
    await release('run-1');

    expect(await release('run-1')).toEqual({ outcome: 'not_held' });
  });

  it('reports not_held when the lock expired before the release', async () => {
    const { acquire, release, clock } = setUp();
    await acquire('run-1');
    clock.advance(HOLD_MS);

    expect(await release('run-1')).toEqual({ outcome: 'not_held' });
  });
});
