// Waiting for an approval by reading the approval item, for the in-process driver (the AWS workflow waits on a task
// token instead): the run's answer once a person gave it, a timeout once the request expired, else another look after
// a few seconds. A store that cannot be read is a fault, and the wait goes on until the request expires.

import { ConfigError } from '../errors.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import { systemClock } from '../gate/ports.ts';
import { createRedactor } from '../secrets/redact.ts';
import { readApprovalItem } from './approval-item.ts';
import { awaitApproval } from './await-approval.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';

/** How often the approval item is read while a person decides. */
export const APPROVAL_POLL_SECONDS = 5;
/** A store that keeps failing is recorded once per this many faults, not at every look. */
const MAX_APPROVAL_FAULTS = 3;

export async function pollApproval(progress: DeployProgress, ports: DeployPorts): Promise<StepAnswer> {
  const approval = progress.rollback?.approval;
  if (progress.phase !== 'awaiting_approval' || approval === undefined || progress.scope === undefined) {
    throw new ConfigError('progress.phase', progress.phase, 'is not awaiting an approval item');
  }
  const now = (ports.clock ?? systemClock).now();
  const expiresMs = Date.parse(approval.expires_at);
  let faults = progress.faults;
  if (ports.state !== undefined) {
    try {
      const found = await readApprovalItem(ports.state, progress.scope, progress.run_id);
      const decision = found.approval?.decision;
      // Answered before it expired: an answer written after the expiry changes nothing.
      if (decision !== undefined && Date.parse(found.approval!.decidedAt!) < expiresMs) {
        const by = found.approval?.by;
        return awaitApproval(progress, { decision, ...(by !== undefined ? { by } : {}) }, ports);
      }
    } catch (error) {
      const stateFaults = faults.filter((fault) => fault.port === 'state').length;
      if (stateFaults < MAX_APPROVAL_FAULTS) faults = [...faults, faultOf(problemOf('state', error, createRedactor()))];
    }
  }
  if (now.getTime() >= expiresMs) return awaitApproval({ ...progress, faults }, 'timed_out', ports);
  const leftSeconds = Math.ceil((expiresMs - now.getTime()) / 1000);
  return {
    progress: { ...progress, faults },
    next: 'await_approval',
    wait_seconds: Math.max(1, Math.min(APPROVAL_POLL_SECONDS, leftSeconds)),
  };
}
