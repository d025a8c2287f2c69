// Verdicts, runs and prior states for the planner's tables, and a fold that feeds one run's state to the next.
import { planPolicy, type PlanPolicyInput } from '../../../../lambda/core/plan/plan-policy.ts';
import { planRun } from '../../../../lambda/core/plan/plan-run.ts';
import type { PlanRunInput, PriorState, RunKind, RunPlan } from '../../../../lambda/core/plan/run-plan.ts';
import type { MonitorState } from '../../../../lambda/core/state/monitor-state.ts';
import type { Pause } from '../../../../lambda/core/state/pause.ts';
import type { ServiceState, VersionRecord } from '../../../../lambda/core/state/service-state.ts';
import type { Verdict } from '../../../../lambda/core/verdict/verdict.ts';

export const T0 = new Date('2026-11-23T10:00:00.000Z');
export const MINUTE = 60_000;
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * MINUTE);
export const iso = (minutes: number): string => at(minutes).toISOString();

export const PASSED: Verdict = {
  status: 'passed',
  status_reason: 'all_probes_healthy',
  total: 2,
  healthy: 2,
  failing: 0,
};
export const FAILED: Verdict = { status: 'failed', status_reason: 'probe_failures', total: 2, healthy: 1, failing: 1 };
export const SKIPPED: Verdict = {
  status: 'skipped',
  status_reason: 'no_urls_configured',
  total: 0,
  healthy: 0,
  failing: 0,
};
export const NO_SOCKETS: Verdict = {
  status: 'failed',
  status_reason: 'prober_unavailable',
  total: 2,
  healthy: 1,
  failing: 1,
  prober_fault: 'local_resources_exhausted',
};
export const STATE_DOWN_FAILING: Verdict = {
  ...FAILED,
  status_reason: 'prober_unavailable',
  prober_fault: 'state_store_unavailable',
};
export const STATE_DOWN_HEALTHY: Verdict = {
  ...PASSED,
  status: 'failed',
  status_reason: 'prober_unavailable',
  prober_fault: 'state_store_unavailable',
};

export const SCOPE = { service: 'checkout', environment: 'prod' } as const;

export function known(version: string, minutesAgo: number, extra: Partial<VersionRecord> = {}): VersionRecord {
  return { version, at: iso(-minutesAgo), ...extra };
}

export function service(fields: Partial<ServiceState> = {}): ServiceState {
  return { knownGood: [], ...fields };
}

export const PAUSE: Pause = { reason: 'database migration', by: 'ops', since: iso(-10), until: iso(20) };

export function read(fields: Omit<Extract<PriorState, { store: 'read' }>, 'store'> = {}): PriorState {
  return { store: 'read', ...fields };
}

export interface RunOptions {
  readonly kind?: RunKind;
  readonly verdict?: Verdict;
  readonly versionOnly?: boolean;
  readonly prior?: PriorState;
  readonly policy?: Partial<PlanPolicyInput>;
  readonly at?: Date;
  readonly id?: string;
  readonly deploy?: PlanRunInput['deploy'];
  readonly scope?: PlanRunInput['scope'] | null;
  readonly safetyFaults?: PlanRunInput['safetyFaults'];
  /** The run can wait for an approval (the deploy flow). */
  readonly approvalAvailable?: boolean;
}

/** One plan; defaults: a failing deploy of checkout/prod 1.4.2 (previous 1.4.1), auto rollback, empty state. */
export function plan(options: RunOptions = {}): RunPlan {
  const kind = options.kind ?? 'deploy';
  return planRun({
    verdict: options.verdict ?? FAILED,
    versionOnly: options.versionOnly ?? false,
    run: { kind, id: options.id ?? 'run-1', at: options.at ?? T0 },
    policy: planPolicy({ rollback: 'auto', ...options.policy }),
    prior: options.prior ?? read(),
    ...(options.scope === null ? {} : { scope: options.scope ?? SCOPE }),
    ...(kind === 'check' ? { monitor: 'checkout-prod' } : {}),
    ...deployOf(kind, options),
    evidenceUri: 's3://evidence/run.json',
    ...(options.safetyFaults !== undefined ? { safetyFaults: options.safetyFaults } : {}),
    ...(options.approvalAvailable !== undefined ? { approvalAvailable: options.approvalAvailable } : {}),
  });
}

/** The deploy of a run: as given (even undefined), else 1.4.2 with previous 1.4.1 for deploys and gates. */
function deployOf(kind: RunKind, options: RunOptions): Pick<PlanRunInput, 'deploy'> {
  if ('deploy' in options) return options.deploy === undefined ? {} : { deploy: options.deploy };
  return kind === 'check' ? {} : { deploy: { version: '1.4.2', previousVersion: '1.4.1' } };
}

/** A run of the sequence: what the monitor's check said, and optionally its prior state or policy. */
export type Step = 'P' | 'F' | 'V' | 'X' | 'S';

const STEP_VERDICTS: Record<Step, { verdict: Verdict; versionOnly: boolean }> = {
  P: { verdict: PASSED, versionOnly: false },
  F: { verdict: FAILED, versionOnly: false },
  V: { verdict: FAILED, versionOnly: true },
  X: { verdict: NO_SOCKETS, versionOnly: false },
  S: { verdict: SKIPPED, versionOnly: false },
};

export interface FoldedRun {
  readonly alerts: string[];
  readonly state: MonitorState['state'];
  readonly failures: number;
  readonly successes: number;
  readonly rollback: string;
  readonly plan: RunPlan;
}

/**
 * Feeds the monitor's checks one a minute (or `everyMinutes`) through the planner, each with the state the previous
 * left and the service's record, and returns what each run decided.
 */
export function foldChecks(
  steps: string,
  options: {
    policy?: Partial<PlanPolicyInput>;
    everyMinutes?: number;
    service?: ServiceState;
    pausedRuns?: readonly number[];
  } = {},
): FoldedRun[] {
  let monitor: MonitorState | undefined;
  const runs: FoldedRun[] = [];
  for (const [index, step] of [...steps.replace(/\s/g, '')].entries()) {
    const { verdict, versionOnly } = STEP_VERDICTS[step as Step];
    const minutes = index * (options.everyMinutes ?? 1);
    const paused = options.pausedRuns?.includes(index) === true;
    const result = plan({
      kind: 'check',
      verdict,
      versionOnly,
      at: at(minutes),
      id: `check-${index}`,
      policy: options.policy ?? {},
      prior: read({
        monitor,
        service:
          options.service ??
          service({ deployed: known('1.4.2', 60), knownGood: [known('1.4.2', 60), known('1.4.1', 600)] }),
        ...(paused ? { pause: { ...PAUSE, since: iso(minutes - 1), until: iso(minutes + 1) } } : {}),
      }),
    });
    monitor = result.next.monitor;
    runs.push({
      alerts: result.alerts.map((alert) => alert.type),
      state: result.next.monitor!.state,
      failures: result.next.monitor!.consecutiveFailures,
      successes: result.next.monitor!.consecutiveSuccesses,
      rollback:
        result.rollback.action === 'suppressed' ? `suppressed:${result.rollback.reason}` : result.rollback.action,
      plan: result,
    });
  }
  return runs;
}
