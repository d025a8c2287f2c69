// The schema of a rollback as evidence records it (rollback/rollback-result.ts): what ran, on which hosts, with what
// outcome, the version it went to, and in the deploy flow the approval it waited for and the verification after it.

import * as z from 'zod/mini';
import type { RollbackOutcomeKind } from '../rollback/rollback-result.ts';
import { timestampSchema } from '../state/state-field-schemas.ts';
import { evidenceWindowSchema } from './evidence-window-schema.ts';

// Keyed by the rollback's own type, so an outcome added there fails to compile here until the schema knows it.
const ROLLBACK_OUTCOMES: { readonly [O in RollbackOutcomeKind]: O } = {
  not_needed: 'not_needed',
  not_configured: 'not_configured',
  withheld: 'withheld',
  pending: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed_out',
  send_failed: 'send_failed',
  wait_timed_out: 'wait_timed_out',
  recovered: 'recovered',
  still_failing: 'still_failing',
  suppressed: 'suppressed',
  awaiting_approval: 'awaiting_approval',
  rejected: 'rejected',
};

const exitCode = z.nullable(z.int());

export const rollbackHostSchema = z.strictObject({
  instance_id: z.string(),
  /** Run Command's status for the host, or `NotManaged`. */
  status: z.string(),
  exit_code: exitCode,
  output_tail: z.string(),
  detail: z.optional(z.string()),
});

export const rollbackApprovalSchema = z.strictObject({
  requested_at: timestampSchema,
  expires_at: timestampSchema,
  approve_command: z.string(),
  decision: z.nullable(z.enum(['approved', 'rejected', 'timed_out'])),
  decided_at: z.optional(timestampSchema),
  by: z.optional(z.string()),
});

export const rollbackResultSchema = z.strictObject({
  attempted: z.boolean(),
  ok: z.nullable(z.boolean()),
  outcome: z.enum(ROLLBACK_OUTCOMES),
  exit_code: exitCode,
  /** Whole milliseconds. */
  duration_ms: z.nullable(z.int().check(z.minimum(0))),
  output_tail: z.nullable(z.string()),
  executor: z.optional(z.string()),
  detail: z.optional(z.string()),
  command_id: z.optional(z.string()),
  hosts: z.optional(z.array(rollbackHostSchema)),
  reason: z.optional(z.string()),
  target_version: z.optional(z.string()),
  target_source: z.optional(z.enum(['known_good', 'previous_version_unverified'])),
  command_outcome: z.optional(z.enum(ROLLBACK_OUTCOMES)),
  verification: z.optional(evidenceWindowSchema),
  approval: z.optional(rollbackApprovalSchema),
});
