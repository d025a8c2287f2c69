// The planner: what follows a verdict, as one pure function of the verdict, the run, the policy and what earlier runs
// left. It decides the alerts (on transitions only, each with its severity), the rollback (run to a known-good
// version, or suppressed with the reason), the state to write and the notes for the evidence. The gate executes it.

import type { MonitorState } from '../state/monitor-state.ts';
import type { Pause } from '../state/pause.ts';
import type { RunRecord } from '../state/state-field-schemas.ts';
import { chooseRollbackTarget } from './choose-rollback-target.ts';
import { cooldownDetail, cooldownUntil, SUPPRESSION_DETAIL, suppressedRollbackAlerts } from './rollback-suppression.ts';
import { planMonitorAlerts } from './plan-monitor-alerts.ts';
import { plannedAlert as alert } from './planned-alert.ts';
import type {
  PlannedAlert,
  PlanRunInput,
  ReadPriorState,
  RollbackDecision,
  RollbackSuppression,
  RunPlan,
} from './run-plan.ts';
import { recordDeploy } from './service-records.ts';
import { stepMonitor, type MonitorStep, type RunOutcome } from './step-monitor.ts';

export function planRun(input: PlanRunInput): RunPlan {
  const { verdict, run, prior } = input;
  const read = prior.store === 'read' ? prior : undefined;
  const notes: string[] = (read?.ignored ?? []).map((item) => `state item ${item.key} ignored: ${item.problem}`);
  const pause = read !== undefined ? livePause(read.pause, run.at) : undefined;
  const proberUnavailable = verdict.status_reason === 'prober_unavailable';
  const outcome: RunOutcome =
    pause !== undefined ||
    verdict.status === 'skipped' ||
    proberUnavailable ||
    verdict.status_reason === 'invalid_config'
      ? 'uncounted'
      : verdict.status === 'passed'
        ? 'healthy'
        : 'failing';
  if (pause !== undefined) {
    notes.push(`paused until ${pause.until} (${pause.reason}): recorded, but no alert and no rollback`);
  }
  const lastRun: RunRecord = {
    status: verdict.status,
    statusReason: verdict.status_reason,
    at: run.at.toISOString(),
    ...(input.evidenceUri !== undefined ? { evidence: input.evidenceUri } : {}),
  };

  const step =
    read !== undefined && run.kind === 'check' && input.monitor !== undefined
      ? stepMonitor({
          prior: read.monitor,
          outcome,
          at: run.at,
          policy: input.policy,
          lastRun,
          scope: input.scope,
          proberUnavailable: proberUnavailable && pause === undefined,
        })
      : undefined;
  const service =
    read !== undefined && run.kind !== 'check' && input.scope !== undefined
      ? recordDeploy({
          prior: read.service,
          deploy: input.deploy,
          passed: verdict.status === 'passed',
          at: run.at,
          evidenceUri: input.evidenceUri,
          lastRun,
        })
      : undefined;
  if (service !== undefined && input.deploy === undefined) {
    notes.push('no version to record: the run named none (give --expect-version)');
  }

  const rollback = decideRollback(input, read, pause, step, notes);
  const alerts = pause !== undefined ? [] : planAlerts(input, step, rollback, read);
  return {
    alerts,
    rollback,
    next: {
      ...(step !== undefined ? { monitor: step.state } : {}),
      ...(service !== undefined ? { service } : {}),
    },
    ...(step !== undefined ? { monitor: monitorReport(step, read?.monitor, outcome) } : {}),
    ...(pause !== undefined ? { pause } : {}),
    notes,
  };
}

/** The pause in force at `at`: stored, parsed and not yet over. */
function livePause(pause: Pause | undefined, at: Date): Pause | undefined {
  return pause !== undefined && Date.parse(pause.until) > at.getTime() ? pause : undefined;
}

function decideRollback(
  input: PlanRunInput,
  read: ReadPriorState | undefined,
  pause: Pause | undefined,
  step: MonitorStep | undefined,
  notes: string[],
): RollbackDecision {
  const { verdict, run, policy, prior } = input;
  if (verdict.status !== 'failed' || verdict.status_reason === 'invalid_config') return { action: 'not_needed' };
  const suppressed = (reason: RollbackSuppression, detail: string): RollbackDecision => ({
    action: 'suppressed',
    reason,
    detail,
  });
  if (verdict.status_reason === 'prober_unavailable') {
    if (policy.rollback === 'off') return { action: 'not_configured' };
    if (verdict.prober_fault === 'state_store_unavailable') {
      // The probes themselves were fine to judge; only the memory a safe rollback needs is missing.
      if (verdict.failing === 0) return { action: 'not_needed' };
      return suppressed('state_unavailable', SUPPRESSION_DETAIL.state_unavailable);
    }
    return suppressed('prober_unavailable', SUPPRESSION_DETAIL.prober_unavailable);
  }
  if (policy.rollback === 'off') return { action: 'not_configured' };
  if (pause !== undefined) return suppressed('paused', `paused until ${pause.until}: ${pause.reason}`);
  if (run.kind === 'check' && read !== undefined && step?.event?.kind !== 'went_down') {
    return {
      action: 'not_on_transition',
      detail:
        step?.state.state === 'down'
          ? 'the monitor was already down: it rolls back only on going down'
          : `the monitor is not down yet (${step?.state.consecutiveFailures ?? 0} of ${policy.failureThreshold} failing runs)`,
    };
  }
  const approve = policy.rollback === 'approve';
  if (approve && input.approvalAvailable !== true) {
    return suppressed('approval_required', SUPPRESSION_DETAIL.approval_required);
  }
  const safety = input.safetyFaults ?? [];
  if (safety.length > 0) {
    const reason = safety.some((fault) => fault.port === 'state') ? 'state_unavailable' : 'idempotency_unavailable';
    const named = safety.map((fault) => `the ${fault.port} store (${fault.error_name ?? 'Error'})`).join(' and ');
    const detail = `automatic rollback withheld: ${named} failed, and without it a rollback cannot be kept to one per deploy; roll back by hand`;
    return suppressed(reason, detail);
  }
  // The stateless CLI gate runs its command as it always has: the command knows where to go back to.
  if (run.kind === 'gate' && prior.store === 'none') return approve ? { action: 'await_approval' } : { action: 'run' };

  const choice = chooseRollbackTarget({
    failedVersion: run.kind === 'check' ? read?.service?.deployed?.version : input.deploy?.version,
    hint: input.deploy?.previousVersion,
    knownGood: read?.service?.knownGood ?? [],
  });
  notes.push(...choice.notes);
  if (choice.target === undefined) {
    return suppressed('no_known_good_version', SUPPRESSION_DETAIL.no_known_good_version);
  }
  if (read === undefined || input.scope === undefined) {
    return { action: approve ? 'await_approval' : 'run', target: choice.target };
  }

  const lock = read.lock;
  if (lock !== undefined && Date.parse(lock.expiresAt) > run.at.getTime() && lock.owner !== run.id) {
    return suppressed('locked', `run ${lock.owner} holds the rollback lock until ${lock.expiresAt}`);
  }
  // A deploy rolls back its own failed version whenever it fails; the cooldown stops monitors from rolling back again.
  const cooldownMinutes = run.kind === 'check' ? policy.cooldownMinutes : undefined;
  const cooling = cooldownUntil(read.service?.lastRollbackAt, cooldownMinutes);
  if (cooling !== undefined && cooling > run.at.getTime()) {
    return suppressed('cooldown', cooldownDetail(read.service?.lastRollbackAt, cooldownMinutes, cooling));
  }
  return {
    action: approve ? 'await_approval' : 'run',
    target: choice.target,
    lock: { ...input.scope, owner: run.id, holdForMs: policy.lockHoldMs },
    ...(cooldownMinutes !== undefined ? { cooldownMinutes } : {}),
  };
}

function planAlerts(
  input: PlanRunInput,
  step: MonitorStep | undefined,
  rollback: RollbackDecision,
  read: ReadPriorState | undefined,
): PlannedAlert[] {
  const { verdict, run, prior } = input;
  const alerts: PlannedAlert[] = [];
  if (prior.store === 'unavailable') {
    // It carries the verdict: no GateFailed beside it for a run that could not use its memory.
    alerts.push(alert('StateUnavailable', { reason: 'state_unavailable' }));
  } else if (run.kind === 'check' && read !== undefined) {
    alerts.push(...planMonitorAlerts(step, input.versionOnly, read.monitor));
  } else if (verdict.status === 'failed') {
    // A gate or deploy alerts its failure; a monitor without memory is judged alone too, as before runs had state.
    alerts.push(alert(input.versionOnly ? 'VersionMismatch' : 'GateFailed'));
  }
  alerts.push(...rollbackRequired(input, rollback, step));
  return alerts;
}

/**
 * Someone has to roll back by hand: the automatic rollback was held back, or there is none for a deploy, or for a
 * monitor going down on a service rolled back by hand (once, on the transition, like its approval_required). A
 * monitor that cannot read its state does not ask at every failing run: whether it went down is unknown, and
 * StateUnavailable has said so.
 */
function rollbackRequired(
  input: PlanRunInput,
  rollback: RollbackDecision,
  step: MonitorStep | undefined,
): PlannedAlert[] {
  if (rollback.action === 'not_configured') {
    const asks =
      input.run.kind === 'deploy' ||
      (input.run.kind === 'check' && input.policy.rollbackByHand === true && step?.event?.kind === 'went_down');
    return asks ? [alert('RollbackRequired', { reason: 'not_configured' })] : [];
  }
  if (rollback.action === 'await_approval') {
    return [alert('RollbackAwaitingApproval', { reason: 'approval_required' })];
  }
  if (rollback.action !== 'suppressed') return [];
  if (input.run.kind === 'check' && input.prior.store === 'unavailable') return [];
  return suppressedRollbackAlerts(rollback);
}

function monitorReport(step: MonitorStep, prior: MonitorState | undefined, outcome: RunOutcome) {
  const from = prior?.state ?? 'unknown';
  const to = step.state.state;
  return {
    state: step.state,
    counted: outcome !== 'uncounted',
    ...(from !== to ? { transition: { from, to } } : {}),
  };
}
