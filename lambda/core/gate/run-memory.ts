// A run's memory through the state port: one batched read of what it needs (its monitor; its service, that service's
// pause and rollback lock), a conditional write of what the planner decided (re-read and re-planned once after losing
// a race), and the lock around the rollback. A store that fails becomes a recorded problem, never a lost verdict.

import type { PriorState, RollbackLockRequestPlan, RunPlan } from '../plan/run-plan.ts';
import { confirmRollback, planAfterRollback, type RunRollbackDecision } from '../plan/plan-after-rollback.ts';
import { planStateWriteFailed } from '../plan/plan-state-write-failed.ts';
import type { PlannedAlert, RollbackDecision } from '../plan/run-plan.ts';
import type { RollbackResult } from '../rollback/rollback-result.ts';
import type { Redactor } from '../secrets/redact.ts';
import { releaseRollbackLock, tryAcquireRollbackLock } from '../state/rollback-lock-claim.ts';
import type { ServiceState } from '../state/service-state.ts';
import { StateConflictError } from '../state/state-errors.ts';
import { monitorStateKey, pauseKey, rollbackLockKey, serviceStateKey, type StateKey } from '../state/state-keys.ts';
import type { StateReadResult } from '../state/state-read-result.ts';
import { putState, type StateChange, type StateStore } from '../state/state-store.ts';
import { problemOf, type PortProblem } from './port-problem.ts';
import type { Clock } from './ports.ts';

/** What a run remembers by: the monitor it runs for, and the service whose versions, pause and lock apply. */
export interface MemoryScope {
  readonly monitor?: string | undefined;
  readonly service?: { readonly service: string; readonly environment: string } | undefined;
}

/** One step of the rollback's guard: what it decided, and the state problems it met on the way. */
export interface GuardStep<T> {
  readonly value: T;
  readonly problems: readonly PortProblem[];
}

/** Around the rollback: takes the lock first and gives it back after, recording the rollback in between. */
export interface RollbackGuard {
  /** Whether the planned rollback still goes ahead, once the lock was tried and the cooldown checked again. */
  confirm(decision: RunRollbackDecision): Promise<GuardStep<RollbackDecision>>;
  /** After the rollback (`result`), or after it was held back (undefined): records it, gives the lock back. */
  complete(
    decision: RunRollbackDecision,
    result: RollbackResult | undefined,
  ): Promise<GuardStep<readonly PlannedAlert[]>>;
}

/** The guard of a run without a state store: no lock, nothing recorded, the outcome alerted. */
export const STATELESS_ROLLBACK_GUARD: RollbackGuard = {
  confirm: async (decision) => ({ value: decision, problems: [] }),
  complete: async (decision, result) => ({
    value:
      result === undefined
        ? []
        : planAfterRollback({ decision, result, service: undefined, stateful: false, at: new Date() }).alerts,
    problems: [],
  }),
};

interface Keys {
  readonly monitor?: StateKey<'monitor'>;
  readonly service?: StateKey<'service'>;
  readonly pause?: StateKey<'pause'>;
  readonly lock?: StateKey<'lock'>;
}

export class RunMemory implements RollbackGuard {
  /** State faults met so far, in order. */
  public readonly problems: PortProblem[] = [];
  /** Whether the planner's changes were stored. */
  public written = false;
  private readonly keys: Keys;
  private found: StateReadResult | undefined;
  /** The service as read under the lock, with its revision, for the rollback's record. */
  private lockedService:
    | { readonly value: ServiceState | undefined; readonly revision: number | undefined }
    | undefined;
  private heldLock: RollbackLockRequestPlan | undefined;

  public constructor(
    private readonly store: StateStore,
    scope: MemoryScope,
    private readonly clock: Clock,
    private readonly redactor: Redactor,
  ) {
    const service = scope.service;
    this.keys = {
      ...(scope.monitor !== undefined ? { monitor: monitorStateKey(scope.monitor) } : {}),
      ...(service !== undefined
        ? {
            service: serviceStateKey(service.service, service.environment),
            pause: pauseKey(service.service, service.environment),
            lock: rollbackLockKey(service.service, service.environment),
          }
        : {}),
    };
  }

  /** One batched read of every key the run needs; unreadable items are named and ignored, never trusted. */
  public async read(): Promise<PriorState> {
    const { monitor, service, pause, lock } = this.keys;
    try {
      const found = await this.store.read([monitor, service, pause, lock].filter((key) => key !== undefined));
      this.found = found;
      return {
        store: 'read',
        monitor: monitor === undefined ? undefined : found.get(monitor)?.value,
        service: service === undefined ? undefined : found.get(service)?.value,
        pause: pause === undefined ? undefined : found.get(pause)?.value,
        lock: lock === undefined ? undefined : found.get(lock)?.value,
        ignored: found.invalid.map((entry) => ({ key: entry.key, problem: this.redactor.text(entry.problem) })),
      };
    } catch (error) {
      this.found = undefined;
      this.problems.push(problemOf('state', error, this.redactor));
      return { store: 'unavailable' };
    }
  }

  /**
   * Stores the plan's changes, each conditional on the revision read. A run that lost the race reads again and plans
   * again, once; a second loss, or a store that fails, leaves the verdict as it is and the plan without a rollback.
   */
  public async commit(plan: RunPlan, replan: (prior: PriorState) => RunPlan): Promise<RunPlan> {
    if (this.found === undefined) return plan;
    let current = plan;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.store.write(this.changesOf(current));
        this.written = true;
        return current;
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt > 1) {
          this.problems.push(problemOf('state', error, this.redactor));
          return planStateWriteFailed(current);
        }
      }
      const fresh = await this.read();
      if (fresh.store !== 'read') return planStateWriteFailed(current);
      current = replan(fresh);
    }
  }

  public async confirm(decision: RunRollbackDecision): Promise<GuardStep<RollbackDecision>> {
    const before = this.problems.length;
    const request = decision.lock;
    if (request === undefined) return { value: decision, problems: [] };
    const now = this.clock.now();
    let confirmed: RollbackDecision;
    try {
      const claim = await tryAcquireRollbackLock(this.store, { ...request, now });
      if (claim.outcome === 'held_by') {
        confirmed = confirmRollback(decision, { kind: 'held_by', owner: claim.owner, until: claim.until }, now);
      } else if (claim.outcome === 'contended') {
        confirmed = confirmRollback(decision, { kind: 'contended' }, now);
      } else {
        this.heldLock = request;
        const key = serviceStateKey(request.service, request.environment);
        const found = await this.store.read([key]);
        this.lockedService = { value: found.get(key)?.value, revision: found.revisionOf(key) };
        confirmed = confirmRollback(decision, { kind: 'acquired', service: this.lockedService.value }, now);
      }
    } catch (error) {
      this.problems.push(problemOf('state', error, this.redactor));
      confirmed = confirmRollback(decision, { kind: 'state_unavailable' }, now);
    }
    return { value: confirmed, problems: this.problems.slice(before) };
  }

  public async complete(
    decision: RunRollbackDecision,
    result: RollbackResult | undefined,
  ): Promise<GuardStep<readonly PlannedAlert[]>> {
    const before = this.problems.length;
    let alerts: readonly PlannedAlert[] = [];
    if (result !== undefined) {
      const at = this.clock.now();
      const after = (service: ServiceState | undefined) =>
        planAfterRollback({ decision, result, service, stateful: true, at });
      alerts = after(this.lockedService?.value).alerts;
      if (decision.lock !== undefined)
        await this.recordService(decision.lock, (service) => after(service).next.service);
    }
    await this.release();
    return { value: alerts, problems: this.problems.slice(before) };
  }

  /** Writes the service's record after the rollback, before the lock goes: the next holder sees the cooldown. */
  private async recordService(
    scope: RollbackLockRequestPlan,
    next: (service: ServiceState | undefined) => ServiceState | undefined,
  ): Promise<void> {
    const key = serviceStateKey(scope.service, scope.environment);
    let read = this.lockedService ?? { value: undefined, revision: undefined };
    for (let attempt = 1; ; attempt += 1) {
      const value = next(read.value);
      if (value === undefined) return;
      try {
        await this.store.write([putState(key, value, read.revision)]);
        return;
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt > 1) {
          this.problems.push(problemOf('state', error, this.redactor));
          return;
        }
      }
      try {
        // A deploy gate recorded a version meanwhile: apply the rollback to what it wrote.
        const found = await this.store.read([key]);
        read = { value: found.get(key)?.value, revision: found.revisionOf(key) };
      } catch (error) {
        this.problems.push(problemOf('state', error, this.redactor));
        return;
      }
    }
  }

  private async release(): Promise<void> {
    const held = this.heldLock;
    if (held === undefined) return;
    this.heldLock = undefined;
    try {
      await releaseRollbackLock(this.store, { ...held, now: this.clock.now() });
    } catch (error) {
      // The lock expires on its own; until then, other runs are held back, and the evidence says why.
      this.problems.push(problemOf('state', error, this.redactor));
    }
  }

  private changesOf(plan: RunPlan): StateChange[] {
    const found = this.found;
    const changes: StateChange[] = [];
    if (found === undefined) return changes;
    if (plan.next.monitor !== undefined && this.keys.monitor !== undefined) {
      changes.push(putState(this.keys.monitor, plan.next.monitor, found.revisionOf(this.keys.monitor)));
    }
    if (plan.next.service !== undefined && this.keys.service !== undefined) {
      changes.push(putState(this.keys.service, plan.next.service, found.revisionOf(this.keys.service)));
    }
    return changes;
  }
}
