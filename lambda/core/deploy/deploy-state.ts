// The deploy flow's own state changes, each a short read-decide-write in one step (the flow spans many invocations,
// so nothing is held in memory between them): the service's record (the deploy or rollback under way, the record
// after the rollback), and the rollback lock taken before the rollback and given back when the flow finishes. A
// store that fails is a fault in the progress, never a lost deploy.

import type { EvidenceFault } from '../evidence/evidence.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import type { LockOutcome } from '../plan/plan-after-rollback.ts';
import type { RollbackLockRequestPlan, ServiceScope } from '../plan/run-plan.ts';
import type { Redactor } from '../secrets/redact.ts';
import { releaseRollbackLock, tryAcquireRollbackLock } from '../state/rollback-lock-claim.ts';
import type { ServiceState } from '../state/service-state.ts';
import { StateConflictError } from '../state/state-errors.ts';
import { serviceStateKey } from '../state/state-keys.ts';
import { putState, type StateStore } from '../state/state-store.ts';

/** Read, change, write; once more after losing a race to another run's write. */
const MAX_ATTEMPTS = 2;

/**
 * Applies `change` to the service's record (undefined: leave it as it is). Returns the record written, if any, and
 * the faults met.
 */
export async function updateServiceRecord(
  store: StateStore,
  scope: ServiceScope,
  change: (service: ServiceState | undefined) => ServiceState | undefined,
  redactor: Redactor,
): Promise<{ readonly written?: ServiceState; readonly faults: EvidenceFault[] }> {
  const key = serviceStateKey(scope.service, scope.environment);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const found = await store.read([key]);
      const next = change(found.get(key)?.value);
      if (next === undefined) return { faults: [] };
      await store.write([putState(key, next, found.revisionOf(key))]);
      return { written: next, faults: [] };
    } catch (error) {
      if (error instanceof StateConflictError && attempt < MAX_ATTEMPTS) continue;
      return { faults: [faultOf(problemOf('state', error, redactor))] };
    }
  }
}

/** What is under way for the service: this run's deploy or rollback, or nothing once it finished. */
export function withOngoing(
  service: ServiceState | undefined,
  ongoing: NonNullable<ServiceState['ongoing']> | undefined,
  runId: string,
): ServiceState | undefined {
  if (ongoing !== undefined) return { ...(service ?? { knownGood: [] }), ongoing };
  // Only this run's own mark is cleared: a later deploy may have marked its own since.
  if (service?.ongoing === undefined || service.ongoing.execution !== runId) return undefined;
  const { ongoing: _done, ...rest } = service;
  return rest;
}

/** Takes the rollback lock, then reads the service under it (for the cooldown checked again). */
export async function acquireRollbackLock(
  store: StateStore,
  lock: RollbackLockRequestPlan,
  now: Date,
  redactor: Redactor,
): Promise<{ readonly outcome: LockOutcome; readonly faults: EvidenceFault[] }> {
  try {
    const claim = await tryAcquireRollbackLock(store, { ...lock, now });
    if (claim.outcome === 'held_by')
      return { outcome: { kind: 'held_by', owner: claim.owner, until: claim.until }, faults: [] };
    if (claim.outcome === 'contended') return { outcome: { kind: 'contended' }, faults: [] };
    const key = serviceStateKey(lock.service, lock.environment);
    const found = await store.read([key]);
    return { outcome: { kind: 'acquired', service: found.get(key)?.value }, faults: [] };
  } catch (error) {
    return { outcome: { kind: 'state_unavailable' }, faults: [faultOf(problemOf('state', error, redactor))] };
  }
}

/** Gives the lock back; a lock that cannot be given back expires on its own, and the fault says so. */
export async function releaseLock(
  store: StateStore,
  lock: RollbackLockRequestPlan,
  now: Date,
  redactor: Redactor,
): Promise<EvidenceFault[]> {
  try {
    await releaseRollbackLock(store, { service: lock.service, environment: lock.environment, owner: lock.owner, now });
    return [];
  } catch (error) {
    return [faultOf(problemOf('state', error, redactor))];
  }
}
