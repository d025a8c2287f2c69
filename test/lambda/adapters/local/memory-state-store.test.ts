// The memory store keeps the StateStore contract, and removes expired items only once their retention has passed.
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../lambda/adapters/local/memory-state-store.ts';
import { monitorStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import { ManualClock } from '../../../support/manual-clock.ts';
import { describeStateStoreContract, monitorState, START } from '../state-store-contract.ts';

describeStateStoreContract('MemoryStateStore', async (clock) => {
  const store = new MemoryStateStore({ clock });
  return {
    store,
    reopen: () => store,
    plant: async (record) => store.plant(record),
  };
});

describe('MemoryStateStore', () => {
  it('keeps an expired item, and its revision, until the retention has passed, then forgets it', async () => {
    const clock = new ManualClock(START);
    const store = new MemoryStateStore({ clock, expiredRetentionMs: 60_000 });
    const key = monitorStateKey('checkout');
    await store.write([putState(key, monitorState(), undefined, { expiresAt: new Date(START.getTime() + 1_000) })]);

    clock.advance(60_000);
    const kept = await store.read([key]);
    clock.advance(1_000);
    const gone = await store.read([key]);

    expect(kept.revisionOf(key)).toBe(1);
    expect(gone.entries).toEqual([]);
  });
});
