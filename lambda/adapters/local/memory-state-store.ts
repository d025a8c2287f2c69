// State in a Map, for tests and single-process use, with the semantics of the other stores: items are kept as their
// JSON text and validated on every read, writes are all-or-nothing and conditional on revisions, expiry reads as
// absent. Expired items are removed once they have been expired for `expiredRetentionMs`, as DynamoDB's TTL would.

import { systemClock, type Clock } from '../../core/gate/ports.ts';
import { StateConflictError } from '../../core/state/state-errors.ts';
import type { StateKey, StateKind } from '../../core/state/state-keys.ts';
import { StateReadResult } from '../../core/state/state-read-result.ts';
import {
  decodeStateRecord,
  DEFAULT_EXPIRED_RETENTION_MS,
  prepareStateChanges,
  type StoredStateRecord,
} from '../../core/state/state-record-codec.ts';
import type { StateChange, StateStore } from '../../core/state/state-store.ts';
import { conflictOf } from '../../core/state/state-write-condition.ts';

export interface MemoryStateStoreOptions {
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default DEFAULT_EXPIRED_RETENTION_MS */
  readonly expiredRetentionMs?: number;
}

export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, StoredStateRecord>();
  private readonly clock: Clock;
  private readonly expiredRetentionMs: number;

  public constructor(options: MemoryStateStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.expiredRetentionMs = options.expiredRetentionMs ?? DEFAULT_EXPIRED_RETENTION_MS;
  }

  public async read(keys: readonly StateKey[]): Promise<StateReadResult> {
    const now = this.clock.now();
    this.removeLongExpired(now);
    const records = [...new Set(keys)].flatMap((key) => this.items.get(key) ?? []);
    return new StateReadResult(records.map((record) => decodeStateRecord(record, now)));
  }

  public async write(changes: readonly StateChange[]): Promise<void> {
    const prepared = prepareStateChanges(changes);
    this.removeLongExpired(this.clock.now());
    // Every condition is checked before anything changes, and nothing awaits in between: all or nothing.
    for (const change of prepared) {
      const conflict = conflictOf(change, storedRevision(this.items.get(change.key)));
      if (conflict !== undefined) throw new StateConflictError(conflict);
    }
    for (const change of prepared) {
      if (change.op === 'delete') {
        this.items.delete(change.key);
      } else {
        this.items.set(change.key, {
          key: change.key,
          document: change.document!,
          revision: change.revision,
          ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
        });
      }
    }
  }

  public async list(kind: StateKind): Promise<StateReadResult> {
    const now = this.clock.now();
    this.removeLongExpired(now);
    const records = [...this.items.values()].filter((record) => record.key.startsWith(`${kind}#`));
    return new StateReadResult(records.map((record) => decodeStateRecord(record, now)));
  }

  /**
   * Stores a record as another writer (or a damaged store) might have left it, bypassing every check: for tests of
   * what a reader does with invalid items. Replaces whatever is at the key.
   */
  public plant(record: StoredStateRecord): void {
    this.items.set(record.key, record);
  }

  private removeLongExpired(now: Date): void {
    const cutoffSeconds = (now.getTime() - this.expiredRetentionMs) / 1000;
    for (const [key, record] of this.items) {
      if (typeof record.expiresAt === 'number' && record.expiresAt <= cutoffSeconds) this.items.delete(key);
    }
  }
}

/** The revision a condition is checked against: null when nothing is stored, undefined when it is unreadable. */
function storedRevision(record: StoredStateRecord | undefined): number | null | undefined {
  if (record === undefined) return null;
  return typeof record.revision === 'number' ? record.revision : undefined;
}
