// What a handler returns: the verdict, where its evidence went, and what the rollback did. Small and stable, for
// whoever invokes the function directly (a pipeline step, an operator) and for Lambda's destinations.

import type { GateOutcome } from '../core/gate.ts';
import type { RollbackOutcomeKind } from '../core/rollback-result.ts';
import type { GateStatus, StatusReason } from '../core/verdict.ts';

export interface GateResponse {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  /** The verdict record, or null when it could not be written; `rollback_key` once a rollback record exists. */
  readonly evidence: { readonly bucket: string; readonly key: string; readonly rollback_key?: string } | null;
  readonly rollback: {
    readonly attempted: boolean;
    readonly command_id: string | null;
    readonly outcome: RollbackOutcomeKind;
  };
}

export function gateResponseOf(outcome: GateOutcome): GateResponse {
  const verdict = s3LocationOf(outcome.locations.verdict?.uri);
  const rollbackRecord = s3LocationOf(outcome.locations.rollback?.uri);
  const rollback = outcome.evidence.rollback;
  return {
    status: outcome.verdict.status,
    status_reason: outcome.verdict.status_reason,
    evidence:
      verdict === undefined
        ? null
        : { ...verdict, ...(rollbackRecord !== undefined ? { rollback_key: rollbackRecord.key } : {}) },
    rollback: { attempted: rollback.attempted, command_id: rollback.command_id ?? null, outcome: rollback.outcome },
  };
}

function s3LocationOf(uri: string | undefined): { bucket: string; key: string } | undefined {
  const match = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
