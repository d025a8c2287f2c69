// Taking and giving back a service's rollback lock through the state port, as values: acquired, held by another run
// (and until when), or contended. A release leaves an expired lock behind rather than deleting it, so revisions keep
// counting up and a run holding an old read can never match the revision of a lock taken after it.

import { rollbackLockKey, type StateKey } from './state-keys.ts';
import type { RollbackLock } from './rollback-lock.ts';
import { StateConflictError } from './state-errors.ts';
import type { StateReadResult } from './state-read-result.ts';
import { putState, revisionAfter, type StateStore } from './state-store.ts';

/** Read, decide, write; once more after losing a race, then report `contended` rather than spin. */
const MAX_ATTEMPTS = 2;

export interface RollbackLockRequest {
  readonly service: string;
  readonly environment: string;
  /** The run asking: an event id or request id. */
  readonly owner: string;
  readonly now: Date;
}

export interface AcquireRollbackLockRequest extends RollbackLockRequest {
  /** How long the lock holds if the run never releases it (it crashed): longer than the rollback may take. */
  readonly holdForMs: number;
}

/** The lock a takeover replaced, for the record of the run that took it. */
export type ReplacedRollbackLock =
  | { readonly reason: 'expired'; readonly owner: string | undefined; readonly expiredAt: Date }
  | { readonly reason: 'invalid'; readonly problem: string };

export type RollbackLockAcquisition =
  | {
      readonly outcome: 'acquired';
      readonly lock: RollbackLock;
      readonly revision: number;
      /** True when this owner already held it: nothing was written. */
      readonly alreadyHeld: boolean;
      readonly replaced?: ReplacedRollbackLock;
    }
  | { readonly outcome: 'held_by'; readonly owner: string; readonly until: Date }
  /** The lock changed under every attempt; the next run tries again. */
  | { readonly outcome: 'contended' };

export type RollbackLockRelease =
  | { readonly outcome: 'released' }
  /** No live lock: never taken, already released, or expired before the release. */
  | { readonly outcome: 'not_held' }
  /** Another run holds it: a release by anyone but the owner is refused. */
  | { readonly outcome: 'held_by'; readonly owner: string; readonly until: Date }
  | { readonly outcome: 'contended' };

/** Takes the lock unless another run holds a live one. Throws StateUnavailableError when the store cannot be used. */
export function tryAcquireRollbackLock(
  store: StateStore,
  request: AcquireRollbackLockRequest,
): Promise<RollbackLockAcquisition> {
  const key = rollbackLockKey(request.service, request.environment);
  return retriedOnConflict(async () => {
    const found = await store.read([key]);
    const current = liveLock(found, key, request.now);
    if (current !== undefined) {
      if (current.lock.owner !== request.owner) return heldBy(current.lock);
      return { outcome: 'acquired', lock: current.lock, revision: current.revision, alreadyHeld: true };
    }
    const lock: RollbackLock = {
      owner: request.owner,
      acquiredAt: request.now.toISOString(),
      expiresAt: new Date(request.now.getTime() + request.holdForMs).toISOString(),
    };
    const change = putState(key, lock, found.revisionOf(key), { expiresAt: new Date(lock.expiresAt) });
    await store.write([change]);
    const replaced = replacedLock(found, key);
    return {
      outcome: 'acquired',
      lock,
      revision: revisionAfter(change)!,
      alreadyHeld: false,
      ...(replaced ? { replaced } : {}),
    };
  });
}

/** Gives the lock back if `owner` holds it, by expiring it now. */
export function releaseRollbackLock(store: StateStore, request: RollbackLockRequest): Promise<RollbackLockRelease> {
  const key = rollbackLockKey(request.service, request.environment);
  return retriedOnConflict(async () => {
    const found = await store.read([key]);
    const current = liveLock(found, key, request.now);
    if (current === undefined) return { outcome: 'not_held' };
    if (current.lock.owner !== request.owner) return heldBy(current.lock);
    const nowMs = request.now.getTime();
    // The lock's own schema wants its expiry after its start, even for a lock released in the millisecond it was taken.
    const expiresAtMs = Math.max(nowMs, Date.parse(current.lock.acquiredAt) + 1);
    const released: RollbackLock = { ...current.lock, expiresAt: new Date(expiresAtMs).toISOString() };
    // Stores keep expiries to the second, rounded up: the start of this second is past, so the item expires at once.
    const storeExpiry = new Date(Math.floor(nowMs / 1000) * 1000);
    await store.write([putState(key, released, current.revision, { expiresAt: storeExpiry })]);
    return { outcome: 'released' };
  });
}

/** Runs read-decide-write again when its write lost a race, at most MAX_ATTEMPTS times in all. */
async function retriedOnConflict<T>(attempt: () => Promise<T>): Promise<T | { readonly outcome: 'contended' }> {
  for (let count = 1; count <= MAX_ATTEMPTS; count += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
    }
  }
  return { outcome: 'contended' };
}

/** The lock in force: stored, parsed, and not past either the store's expiry or its own. */
function liveLock(
  found: StateReadResult,
  key: StateKey<'lock'>,
  now: Date,
): { readonly lock: RollbackLock; readonly revision: number } | undefined {
  const item = found.get(key);
  if (item === undefined || Date.parse(item.value.expiresAt) <= now.getTime()) return undefined;
  return { lock: item.value, revision: item.revision };
}

function replacedLock(found: StateReadResult, key: StateKey<'lock'>): ReplacedRollbackLock | undefined {
  const entry = found.entry(key);
  if (entry === undefined) return undefined;
  if (entry.status === 'invalid') return { reason: 'invalid', problem: entry.problem };
  if (entry.status === 'expired') {
    const owner = entry.value !== undefined && 'owner' in entry.value ? entry.value.owner : undefined;
    return { reason: 'expired', owner, expiredAt: entry.expiresAt };
  }
  // Live in the store but past its own expiresAt.
  const lock = found.get(key)!.value;
  return { reason: 'expired', owner: lock.owner, expiredAt: new Date(lock.expiresAt) };
}

function heldBy(lock: RollbackLock): RollbackLockAcquisition & RollbackLockRelease {
  return { outcome: 'held_by', owner: lock.owner, until: new Date(lock.expiresAt) };
}
