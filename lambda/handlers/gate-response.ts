// What a handler returns: the verdict, where its evidence went, what the rollback did, and (only when there were any)
// the alerts that were not delivered and the infrastructure faults the run met. Small and stable, for whoever invokes
// the function directly (a pipeline step, an operator) and for Lambda's destinations.

import type { EvidenceFault } from '../core/evidence/evidence.ts';
import type { GateOutcome } from '../core/gate/gate.ts';
import type { RollbackOutcomeKind } from '../core/rollback/rollback-result.ts';
import type { GateStatus, StatusReason } from '../core/verdict/verdict.ts';

export interface GateResponse {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  /**
   * The verdict record, or null when it could not be written; `rollback_key` once a rollback record exists,
   * `delivery_key` once a delivery record does (an alert was not delivered).
   */
  readonly evidence: {
    readonly bucket: string;
    readonly key: string;
    readonly rollback_key?: string;
    readonly delivery_key?: string;
  } | null;
  readonly rollback: {
    readonly attempted: boolean;
    readonly command_id: string | null;
    readonly outcome: RollbackOutcomeKind;
  };
  /** Alerts that could not be delivered, with why; absent when every alert was. */
  readonly alerts_not_delivered?: ReadonlyArray<{ readonly type: string; readonly error: string | null }>;
  /** Infrastructure faults the run met (the idempotency store, a secret, evidence, alerts); absent when none. */
  readonly faults?: readonly EvidenceFault[];
}

export function gateResponseOf(outcome: GateOutcome): GateResponse {
  const verdict = s3LocationOf(outcome.locations.verdict?.uri);
  const rollbackRecord = s3LocationOf(outcome.locations.rollback?.uri);
  const deliveryRecord = s3LocationOf(outcome.locations.delivery?.uri);
  const rollback = outcome.evidence.rollback;
  const undelivered = outcome.alerts
    .filter((alert) => !alert.delivered)
    .map((alert) => ({ type: alert.type, error: alert.error }));
  const faults = outcome.problems.map(({ port, error_name, message }) => ({ port, error_name, message }));
  return {
    status: outcome.verdict.status,
    status_reason: outcome.verdict.status_reason,
    evidence:
      verdict === undefined
        ? null
        : {
            ...verdict,
            ...(rollbackRecord !== undefined ? { rollback_key: rollbackRecord.key } : {}),
            ...(deliveryRecord !== undefined ? { delivery_key: deliveryRecord.key } : {}),
          },
    rollback: { attempted: rollback.attempted, command_id: rollback.command_id ?? null, outcome: rollback.outcome },
    ...(undelivered.length > 0 ? { alerts_not_delivered: undelivered } : {}),
    ...(faults.length > 0 ? { faults } : {}),
  };
}

function s3LocationOf(uri: string | undefined): { bucket: string; key: string } | undefined {
  const match = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
