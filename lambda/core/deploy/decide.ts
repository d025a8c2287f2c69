// The deploy flow's decision, once the window is judged: read what earlier runs left, let the planner decide what
// follows the verdict (the same planRun as the one-shot gate, told that this run can wait for an approval), store
// its decision, ask for the approval where the service wants one, then write the verdict record and send its alerts.
// What comes next: the rollback, the approval, or the end.

import { ConfigError } from '../errors.ts';
import { withMemory } from '../evidence/evidence-state.ts';
import { faultOf } from '../gate/port-problem.ts';
import { systemClock } from '../gate/ports.ts';
import { RunMemory } from '../gate/run-memory.ts';
import { planPolicy } from '../plan/plan-policy.ts';
import { plannedAlert } from '../plan/planned-alert.ts';
import { deployedVersionOf } from '../plan/deployed-version.ts';
import { planRun } from '../plan/plan-run.ts';
import { SUPPRESSION_DETAIL } from '../plan/rollback-suppression.ts';
import type { PlannedAlert, PlanRunInput, PriorState, RollbackDecision, RunPlan } from '../plan/run-plan.ts';
import { requestApprovalItem } from './approval-item.ts';
import { approvalCommands } from './approval-commands.ts';
import { deployDocument } from './deploy-document.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployApproval, DeployProgress, DeployVerdict, RollbackOutcome, StepAnswer } from './deploy-progress.ts';
import { recordAndAlert } from './deploy-records.ts';
import { deployRedactor } from './deploy-redactor.ts';
import { decideVerdict } from '../verdict/verdict.ts';
import { verdictCounts } from './window-verdict.ts';

export async function decide(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  const decided = progress.verdict;
  if (progress.phase !== 'deciding' || decided === undefined) {
    throw new ConfigError(
      'progress.phase',
      progress.phase,
      'is not deciding, with a verdict: decide runs once the window is judged',
    );
  }
  const clock = ports.clock ?? systemClock;
  const now = clock.now();
  const redactor = await deployRedactor(ports);
  const scope = progress.scope;
  const judged = decided.status_reason !== 'invalid_config' && decided.status_reason !== 'interrupted';

  // A configuration the flow could not use, or a window stopped before its verdict, never touches the state, as the
  // one-shot gate's recordInvalidConfig and recordInterrupted.
  const memory =
    ports.state !== undefined && scope !== undefined && judged
      ? new RunMemory(ports.state, { service: scope }, clock, redactor)
      : undefined;
  const prior: PriorState = memory !== undefined ? await memory.read() : { store: 'none' };
  const verdict = prior.store === 'unavailable' ? stateUnavailableVerdict(decided) : decided;

  const draft = deployDocument({ ...progress, verdict }, verdict, ports, now, 'verdict');
  const approvalAvailable = ports.state !== undefined && scope !== undefined;
  const planInput: Omit<PlanRunInput, 'prior'> = {
    verdict: { ...verdictCounts(verdict) },
    versionOnly: verdict.version_only,
    run: { kind: progress.context.kind, id: progress.run_id, at: now },
    policy: planPolicy({
      rollback: progress.policy.rollback.mode,
      cooldownMinutes: progress.policy.cooldown_minutes,
      lockHoldMs: progress.policy.lock_hold_ms,
    }),
    scope,
    deploy: deployedVersionOf(progress.context.deploy, progress.expected_version ?? undefined),
    evidenceUri: ports.evidenceStore.locate?.(draft, 'verdict'),
    approvalAvailable,
  };
  let plan: RunPlan = judged
    ? planRun({ ...planInput, prior })
    : { alerts: [plannedAlert('GateFailed')], rollback: { action: 'not_needed' }, next: {}, notes: [] };
  if (memory !== undefined) plan = await memory.commit(plan, (fresh) => planRun({ ...planInput, prior: fresh }));
  const faults = [...progress.faults, ...(memory?.problems ?? []).map(faultOf)];

  let rollback = plan.rollback;
  let alerts: PlannedAlert[] = [...plan.alerts];
  let approval: DeployApproval | undefined;
  if (rollback.action === 'await_approval' && scope !== undefined && ports.state !== undefined) {
    const expiresAt = new Date(now.getTime() + progress.policy.rollback.approval_timeout_minutes * 60_000);
    const commands = approvalCommands(scope, progress.run_id, ports.approvalStoreArgs);
    const requested = await requestApprovalItem(
      ports.state,
      scope,
      {
        runId: progress.run_id,
        requestedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        ...(rollback.target !== undefined ? { targetVersion: rollback.target.version } : {}),
        ...(progress.context.deploy !== undefined ? { failedVersion: progress.context.deploy.version } : {}),
      },
      redactor,
    );
    faults.push(...requested.faults);
    if (requested.faults.length > 0) {
      // Nobody could answer an approval that was never stored: someone has to roll back by hand.
      rollback = { action: 'suppressed', reason: 'state_unavailable', detail: SUPPRESSION_DETAIL.state_unavailable };
      alerts = [
        ...alerts.filter((alert) => alert.type !== 'RollbackAwaitingApproval'),
        plannedAlert('RollbackRequired', { reason: 'state_unavailable', detail: SUPPRESSION_DETAIL.state_unavailable }),
      ];
    } else {
      approval = {
        requested_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        approve_command: commands.approve,
        reject_command: commands.reject,
      };
      const minutes = progress.policy.rollback.approval_timeout_minutes;
      alerts = alerts.map((alert) =>
        alert.type === 'RollbackAwaitingApproval'
          ? {
              ...alert,
              detail: `approve within ${minutes} minutes with: ${commands.approve} (or refuse with: ${commands.reject}); then it alerts RollbackRequired`,
              approval: {
                approve_command: commands.approve,
                reject_command: commands.reject,
                expires_at: expiresAt.toISOString(),
              },
            }
          : alert,
      );
    }
  }

  const outcome = verdictRecordOutcome(rollback);
  const planned: DeployProgress = {
    ...progress,
    verdict,
    faults,
    notes: [...progress.notes, ...plan.notes],
    rollback: {
      decision: rollback,
      outcome,
      ...(approval !== undefined ? { approval } : {}),
      ...(rollback.action === 'suppressed' ? { reason: rollback.reason, detail: rollback.detail } : {}),
    },
  };
  const remembered = withMemory(draft, {
    prior,
    plan: { ...plan, notes: [] },
    written: memory?.written ?? false,
    scope,
  });
  const withState: DeployProgress = {
    ...planned,
    ...(remembered.state !== undefined ? { state: remembered.state } : {}),
  };
  const recorded = await recordAndAlert(
    withState,
    deployDocument(withState, verdict, ports, clock.now(), 'verdict'),
    'verdict',
    alerts,
    ports,
    redactor,
  );
  const marked = { ...recorded, rollback: { ...recorded.rollback!, recorded_outcome: outcome } };
  switch (rollback.action) {
    case 'run':
      return { progress: { ...marked, phase: 'rolling_back' }, next: 'send_rollback' };
    case 'await_approval':
      return {
        progress: { ...marked, phase: 'awaiting_approval' },
        next: 'await_approval',
        approval_timeout_seconds: progress.policy.rollback.approval_timeout_minutes * 60,
      };
    default:
      return { progress: { ...marked, phase: 'finishing' }, next: 'finish' };
  }
}

/** The verdict when the state store could not be read: the run could not fully check (no rollback follows). */
function stateUnavailableVerdict(verdict: DeployVerdict): DeployVerdict {
  const judged = decideVerdict({
    targets: Array.from({ length: verdict.total }, (_, index) => ({ ok: index < verdict.healthy })),
    storeFault: 'state_store_unavailable',
  });
  return { ...verdict, ...verdictCounts(judged), message: `${verdict.message}; the state store could not be read` };
}

/** What the verdict record says of the rollback. */
function verdictRecordOutcome(rollback: RollbackDecision): RollbackOutcome {
  switch (rollback.action) {
    case 'run':
      return 'pending';
    case 'await_approval':
      return 'awaiting_approval';
    case 'suppressed':
      return 'suppressed';
    case 'not_configured':
      return 'not_configured';
    case 'not_needed':
    case 'not_on_transition':
      return 'not_needed';
  }
}
