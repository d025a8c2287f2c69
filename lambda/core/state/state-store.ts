// The port through which runs remember: a batched read, an atomic write in which every change is conditional on the
// revision its caller read, and a listing per kind. Adapters keep items in memory, in a directory or in DynamoDB.

import type { StateKey, StateKind } from './state-keys.ts';
import type { StateReadResult } from './state-read-result.ts';
import type { StateValue } from './state-item-schemas.ts';

/** An item as stored: its value, the revision a conditional write names, and when it stops counting (if ever). */
export interface StoredItem<T> {
  readonly value: T;
  /** 1 when created, one more on every put; compare for equality only. */
  readonly revision: number;
  /** Kept to the second, rounded up; from then on the item reads as absent. */
  readonly expiresAt?: Date;
}

/** Writes `value` at `key`: as a new item when `expectedRevision` is undefined, else over exactly that revision. */
export interface StatePut<K extends StateKind = StateKind> {
  readonly op: 'put';
  readonly key: StateKey<K>;
  readonly value: StateValue<K>;
  readonly expectedRevision: number | undefined;
  readonly expiresAt?: Date;
}

/** Removes the item at `key`, provided it is still at `expectedRevision`. */
export interface StateDelete {
  readonly op: 'delete';
  readonly key: StateKey;
  readonly expectedRevision: number;
}

/** A put whose value matches its key's kind, or a delete. */
export type StateChange = { readonly [K in StateKind]: StatePut<K> }[StateKind] | StateDelete;

export interface StateStore {
  /**
   * Reads several keys at once, consistently. Missing keys have no entry; expired items read as absent but keep their
   * revision (`revisionOf`); items that do not parse come back as `invalid`, with the problem, never as values.
   */
  read(keys: readonly StateKey[]): Promise<StateReadResult>;
  /**
   * Writes all changes atomically, each conditional on its expected revision: an existing item, even an expired or
   * invalid one, is replaced only at its revision. Throws StateConflictError (naming the key) when any item changed
   * since it was read, and then nothing is written; StateChangeError for a change refused before sending;
   * StateUnavailableError when the store cannot be used.
   */
  write(changes: readonly StateChange[]): Promise<void>;
  /** Every item of one kind (for `rollgate status`), validated like read. */
  list(kind: StateKind): Promise<StateReadResult>;
}

/** A put; `expectedRevision` is the revision read (`result.revisionOf(key)`), undefined to create. */
export function putState<K extends StateKind>(
  key: StateKey<K>,
  value: StateValue<K>,
  expectedRevision: number | undefined,
  options: { readonly expiresAt?: Date } = {},
): StatePut<K> {
  return { op: 'put', key, value, expectedRevision, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) };
}

export function deleteState(key: StateKey, expectedRevision: number): StateDelete {
  return { op: 'delete', key, expectedRevision };
}

/** The revision an item has after `change` succeeds; undefined after a delete. */
export function revisionAfter(change: StateChange): number | undefined {
  if (change.op === 'delete') return undefined;
  return (change.expectedRevision ?? 0) + 1;
}
