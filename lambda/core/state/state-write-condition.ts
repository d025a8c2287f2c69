// The condition every change of a write carries, for the adapters that check it themselves (memory, directory):
// create only where nothing is stored, replace or delete only the revision that was read. DynamoDB checks the same
// rule with its ConditionExpressions.

import type { StateConflict } from './state-errors.ts';
import type { PreparedStateChange } from './state-record-codec.ts';

/** What is stored at a key now: nothing (null), or an item whose revision may be unreadable (undefined). */
export type StoredRevision = number | undefined | null;

/** The conflict `change` meets against what is stored, or undefined when it may be applied. */
export function conflictOf(change: PreparedStateChange, stored: StoredRevision): StateConflict | undefined {
  const expected = change.expectedRevision;
  const satisfied = expected === undefined ? stored === null : stored === expected;
  if (satisfied) return undefined;
  return { key: change.key, expectedRevision: expected, ...(stored === undefined ? {} : { foundRevision: stored }) };
}
