// What follows the approval of a rollback in approve mode, however it ended: approved (the planned rollback goes
// ahead, under the lock like any other), rejected by a person (no rollback, no further alert: they know), or timed out
// (RollbackRequired: someone still has to act). The AWS workflow calls it with its task token's answer; the
// in-process driver with what pollApproval read from the approval item.

import { ConfigError } from '../errors.ts';
import { systemClock } from '../gate/ports.ts';
import { plannedAlert } from '../plan/planned-alert.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';

export type ApprovalDecisionInput = 'approved' | 'rejected' | 'timed_out';

/** The answer as `rollgate approve` sends it (decision and who), or the decision alone. */
export type ApprovalInput = ApprovalDecisionInput | { readonly decision: ApprovalDecisionInput; readonly by?: string };

export async function awaitApproval(
  progress: DeployProgress,
  input: ApprovalInput,
  ports: Pick<DeployPorts, 'clock'>,
): Promise<StepAnswer> {
  const rollback = progress.rollback;
  const decision = rollback?.decision;
  if (progress.phase !== 'awaiting_approval' || rollback === undefined || decision?.action !== 'await_approval') {
    throw new ConfigError('progress.phase', progress.phase, 'is not awaiting_approval: await_approval runs only then');
  }
  const answer = typeof input === 'string' ? { decision: input } : input;
  if (!['approved', 'rejected', 'timed_out'].includes(answer.decision)) {
    throw new ConfigError('approval.decision', answer.decision, 'must be approved, rejected or timed_out');
  }
  const now = (ports.clock ?? systemClock).now();
  const by = typeof answer.by === 'string' && /^[^\x00-\x1f\x7f]{1,128}$/.test(answer.by) ? answer.by : undefined;
  const approval = rollback.approval && {
    ...rollback.approval,
    decision: answer.decision,
    decided_at: now.toISOString(),
    ...(by !== undefined ? { by } : {}),
  };
  const answered = { ...rollback, ...(approval !== undefined ? { approval } : {}) };
  switch (answer.decision) {
    case 'approved': {
      const { action: _waiting, ...run } = decision;
      return {
        progress: {
          ...progress,
          phase: 'rolling_back',
          rollback: { ...answered, decision: { action: 'run', ...run } },
        },
        next: 'send_rollback',
      };
    }
    case 'rejected':
      return {
        progress: {
          ...progress,
          phase: 'finishing',
          rollback: {
            ...answered,
            outcome: 'rejected',
            reason: 'approval_rejected',
            detail: `the rollback was rejected${by !== undefined ? ` by ${by}` : ''}: the failed version stays`,
            follow_ups: [],
          },
        },
        next: 'finish',
      };
    case 'timed_out': {
      const detail = `nobody approved or rejected the rollback within ${progress.policy.rollback.approval_timeout_minutes} minutes; roll back by hand`;
      return {
        progress: {
          ...progress,
          phase: 'finishing',
          rollback: {
            ...answered,
            outcome: 'timed_out',
            reason: 'approval_timed_out',
            detail,
            follow_ups: [plannedAlert('RollbackRequired', { reason: 'approval_timed_out', detail })],
          },
        },
        next: 'finish',
      };
    }
  }
}
