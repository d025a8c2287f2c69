// The errors of the state store: it could not be reached (or refused the call), an item changed since it was read, or
// a change was refused before anything was sent. Callers tell them apart with instanceof.

import { PortError, RollgateError } from '../errors.ts';

/** The store cannot be reached or refused the call (missing table, access denied, throttled past retries, disk). */
export class StateUnavailableError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'StateUnavailableError';
  }
}

/** What a conditional write found instead of the revision it expected. */
export interface StateConflict {
  readonly key: string;
  /** undefined: the write expected the item not to exist. */
  readonly expectedRevision: number | undefined;
  /** null: no item; undefined: the store did not say. */
  readonly foundRevision?: number | null;
}

/** An item changed since it was read (another run wrote it first); nothing of the write was applied. */
export class StateConflictError extends PortError {
  public readonly key: string;
  public readonly expectedRevision: number | undefined;
  public readonly foundRevision: number | null | undefined;

  public constructor(conflict: StateConflict, options: { cause?: unknown; errorName?: string } = {}) {
    super(`state item ${conflict.key} changed since it was read: ${describeConflict(conflict)}`, {
      errorName: 'StateConflict',
      ...options,
    });
    this.name = 'StateConflictError';
    this.key = conflict.key;
    this.expectedRevision = conflict.expectedRevision;
    this.foundRevision = conflict.foundRevision;
  }
}

/** A change refused before anything was written: a value its kind's schema rejects, two changes to one key, too many. */
export class StateChangeError extends RollgateError {
  /** The key of the refused change; undefined when the problem is the batch as a whole. */
  public readonly key: string | undefined;

  public constructor(key: string | undefined, problem: string, options?: { cause?: unknown }) {
    super(key === undefined ? `state write refused: ${problem}` : `state item ${key}: ${problem}`, options);
    this.name = 'StateChangeError';
    this.key = key;
  }
}

function describeConflict({ expectedRevision, foundRevision }: StateConflict): string {
  const expected = expectedRevision === undefined ? 'expected no item' : `expected revision ${expectedRevision}`;
  if (foundRevision === undefined) return expected;
  return `${expected}, found ${foundRevision === null ? 'none' : `revision ${foundRevision}`}`;
}
