// What a read or a listing found, key by key: live items with their values, expired items (absent, but their
// revision still guards a takeover) and invalid items, reported with the problem and never handed out as values.

import type { StateKey, StateKind } from './state-keys.ts';
import type { StateValue } from './state-item-schemas.ts';
import type { StoredItem } from './state-store.ts';

export interface LiveStateEntry {
  readonly status: 'live';
  readonly key: StateKey;
  readonly kind: StateKind;
  readonly item: StoredItem<StateValue>;
}

export interface ExpiredStateEntry {
  readonly status: 'expired';
  readonly key: StateKey;
  readonly kind: StateKind;
  readonly revision: number;
  readonly expiresAt: Date;
  /** What it held, when that still parses (e.g. the owner of an expired lock, for the record of a takeover). */
  readonly value?: StateValue;
}

export interface InvalidStateEntry {
  readonly status: 'invalid';
  /** The key as stored; not necessarily a well-formed key. */
  readonly key: string;
  /** undefined when the stored revision itself is unreadable. */
  readonly revision: number | undefined;
  readonly problem: string;
}

export type StateEntry = LiveStateEntry | ExpiredStateEntry | InvalidStateEntry;

export class StateReadResult {
  private readonly byKey: ReadonlyMap<string, StateEntry>;
  /** Every entry, in key order. */
  public readonly entries: readonly StateEntry[];

  public constructor(entries: Iterable<StateEntry>) {
    this.entries = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.byKey = new Map(this.entries.map((entry) => [entry.key, entry]));
  }

  /** The item at `key` when it exists, has not expired and parses; otherwise undefined. */
  public get<K extends StateKind>(key: StateKey<K>): StoredItem<StateValue<K>> | undefined {
    const entry = this.byKey.get(key);
    return entry?.status === 'live' ? (entry.item as StoredItem<StateValue<K>>) : undefined;
  }

  /** The revision to condition a write of `key` on: that of any stored item, live, expired or invalid. */
  public revisionOf(key: StateKey): number | undefined {
    const entry = this.byKey.get(key);
    if (entry === undefined) return undefined;
    return entry.status === 'live' ? entry.item.revision : entry.revision;
  }

  public entry(key: string): StateEntry | undefined {
    return this.byKey.get(key);
  }

  /** Live items, in key order. */
  public get live(): readonly LiveStateEntry[] {
    return this.entries.filter((entry): entry is LiveStateEntry => entry.status === 'live');
  }

  /** Items that exist but could not be trusted: to be recorded by the caller, and otherwise ignored. */
  public get invalid(): readonly InvalidStateEntry[] {
    return this.entries.filter((entry): entry is InvalidStateEntry => entry.status === 'invalid');
  }
}
