// The approval item of a rollback waiting for a person (state/approval.ts), as the deploy flow and `rollgate approve`
// use it: asked for by the run (replacing any older request), its task token stored on AWS, read back while the run
// waits, and answered once, by the run it names, before it expires.

import type { EvidenceFault } from '../evidence/evidence.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import type { ServiceScope } from '../plan/run-plan.ts';
import type { Redactor } from '../secrets/redact.ts';
import type { Approval, ApprovalDecision } from '../state/approval.ts';
import { StateConflictError } from '../state/state-errors.ts';
import { approvalKey } from '../state/state-keys.ts';
import { putState, type StateStore } from '../state/state-store.ts';

const MAX_ATTEMPTS = 2;

/** Stores a new request for approval; it expires (reads as absent) when the run stops waiting. */
export async function requestApprovalItem(
  store: StateStore,
  scope: ServiceScope,
  approval: Approval,
  redactor: Redactor,
): Promise<{ readonly faults: EvidenceFault[] }> {
  const key = approvalKey(scope.service, scope.environment);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const found = await store.read([key]);
      await store.write([putState(key, approval, found.revisionOf(key), { expiresAt: new Date(approval.expiresAt) })]);
      return { faults: [] };
    } catch (error) {
      if (error instanceof StateConflictError && attempt < MAX_ATTEMPTS) continue;
      return { faults: [faultOf(problemOf('state', error, redactor))] };
    }
  }
}

/** The approval item of `runId`, when it is still there (not expired, not replaced by a newer run's request). */
export async function readApprovalItem(
  store: StateStore,
  scope: ServiceScope,
  runId: string,
): Promise<{ readonly approval: Approval | undefined; readonly revision: number | undefined }> {
  const key = approvalKey(scope.service, scope.environment);
  const found = await store.read([key]);
  const approval = found.get(key)?.value;
  return approval?.runId === runId
    ? { approval, revision: found.revisionOf(key) }
    : { approval: undefined, revision: undefined };
}

/**
 * Stores the Step Functions task token the workflow waits on in the run's approval item, for `rollgate approve` to
 * answer. Throws StateUnavailableError when the store cannot be used; `stored` is false when the item is gone.
 */
export async function storeApprovalToken(
  store: StateStore,
  scope: ServiceScope,
  runId: string,
  taskToken: string,
): Promise<{ readonly stored: boolean }> {
  const key = approvalKey(scope.service, scope.environment);
  for (let attempt = 1; ; attempt += 1) {
    const { approval, revision } = await readApprovalItem(store, scope, runId);
    if (approval === undefined) return { stored: false };
    try {
      await store.write([
        putState(key, { ...approval, taskToken }, revision, { expiresAt: new Date(approval.expiresAt) }),
      ]);
      return { stored: true };
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** How `rollgate approve` or `reject` found the item, and what it did. */
export type ApprovalAnswerResult =
  | { readonly outcome: 'answered'; readonly approval: Approval }
  /** The same answer was already given: nothing written. */
  | { readonly outcome: 'already'; readonly approval: Approval }
  /** Answered the other way already: the first answer stands. */
  | { readonly outcome: 'answered_otherwise'; readonly approval: Approval }
  /** Nothing waits for approval (never asked, expired, or answered and gone). */
  | { readonly outcome: 'none_pending' }
  /** Another run's rollback is the one waiting. */
  | { readonly outcome: 'other_run'; readonly approval: Approval };

export interface ApprovalAnswerRequest {
  readonly decision: ApprovalDecision;
  /** The run the answer is for; @default whichever run waits */
  readonly runId?: string | undefined;
  readonly by?: string | undefined;
  readonly reason?: string | undefined;
  readonly now: Date;
}

/**
 * Records a person's answer in the item, conditional on the revision read: the first answer stands, an expired
 * request cannot be answered. Throws StateUnavailableError or StateChangeError when the store refuses.
 */
export async function answerApproval(
  store: StateStore,
  scope: ServiceScope,
  request: ApprovalAnswerRequest,
): Promise<ApprovalAnswerResult> {
  const key = approvalKey(scope.service, scope.environment);
  for (let attempt = 1; ; attempt += 1) {
    const found = await store.read([key]);
    const approval = found.get(key)?.value;
    if (approval === undefined || Date.parse(approval.expiresAt) <= request.now.getTime()) {
      return { outcome: 'none_pending' };
    }
    if (request.runId !== undefined && approval.runId !== request.runId) return { outcome: 'other_run', approval };
    if (approval.decision !== undefined) {
      return { outcome: approval.decision === request.decision ? 'already' : 'answered_otherwise', approval };
    }
    const answered: Approval = {
      ...approval,
      decision: request.decision,
      decidedAt: request.now.toISOString(),
      ...(request.by !== undefined ? { by: request.by } : {}),
      ...(request.reason !== undefined ? { reason: request.reason } : {}),
    };
    try {
      await store.write([putState(key, answered, found.revisionOf(key), { expiresAt: new Date(approval.expiresAt) })]);
      return { outcome: 'answered', approval: answered };
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
