// What the planner is told by the configuration: how a failed run is rolled back, the monitor's thresholds and
// reminders, the cooldown between automatic rollbacks and how long a rollback lock holds. Defaults in one place.

/** Failing runs in a row before a monitor goes down. */
export const DEFAULT_FAILURE_THRESHOLD = 3;
/** Healthy runs in a row before a monitor is up (again). */
export const DEFAULT_SUCCESS_THRESHOLD = 2;
/** Minutes after an automatic rollback of a service in which a monitor sends no other. */
export const DEFAULT_COOLDOWN_MINUTES = 30;
/** How long a rollback lock holds when the run that took it never gives it back: past any rollback's own bound. */
export const DEFAULT_ROLLBACK_LOCK_HOLD_MS = 70 * 60 * 1000;

/**
 * `auto` rolls back a failed run automatically; `approve` takes no automatic rollback for now (issue 15 brings the
 * approval) and alerts RollbackRequired; `off` never rolls back (no executor, or a service that says so).
 */
export type RollbackMode = 'auto' | 'approve' | 'off';

export interface PlanPolicy {
  readonly rollback: RollbackMode;
  /** @default DEFAULT_FAILURE_THRESHOLD */
  readonly failureThreshold: number;
  /** @default DEFAULT_SUCCESS_THRESHOLD */
  readonly successThreshold: number;
  /** Remind (MonitorStillDown) every so many minutes while down. @default undefined (no reminders) */
  readonly reminderMinutes?: number | undefined;
  /** @default DEFAULT_COOLDOWN_MINUTES */
  readonly cooldownMinutes: number;
  /** @default DEFAULT_ROLLBACK_LOCK_HOLD_MS */
  readonly lockHoldMs: number;
  /**
   * A check whose service is rolled back by a person (its rollback.mode is `off`; `approve` says so by itself): going
   * down asks for that rollback once, as RollbackRequired, though the monitor sends none. @default false
   */
  readonly rollbackByHand?: boolean;
}

export type PlanPolicyInput = Partial<PlanPolicy> & Pick<PlanPolicy, 'rollback'>;

/** A policy with every field not given set to its default. */
export function planPolicy(input: PlanPolicyInput): PlanPolicy {
  return {
    rollback: input.rollback,
    failureThreshold: input.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    successThreshold: input.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD,
    ...(input.reminderMinutes !== undefined ? { reminderMinutes: input.reminderMinutes } : {}),
    cooldownMinutes: input.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES,
    lockHoldMs: input.lockHoldMs ?? DEFAULT_ROLLBACK_LOCK_HOLD_MS,
    ...(input.rollbackByHand === true ? { rollbackByHand: true } : {}),
  };
}
