// A rollback waiting for a person, per service and environment: which run asks, since when and until when, the
// version it would go back to, and once answered by `rollgate approve` or `rollgate reject`, the decision, when and by
// whom. On AWS the item also holds the Step Functions task token the workflow waits on, which `rollgate approve`
// answers. A newer run's request replaces an older one.

import * as z from 'zod/mini';
import { stringMatching, versionSchema } from '../config/config-schema.ts';
import { EVENT_ID_PATTERN } from '../config/name-patterns.ts';
import { isBefore, printableText, timestampSchema } from './state-field-schemas.ts';

export const APPROVAL_DECISIONS = { approved: 'approved', rejected: 'rejected' } as const;
export type ApprovalDecision = keyof typeof APPROVAL_DECISIONS;

export const approvalSchema = z
  .strictObject({
    /** The run whose rollback waits: an event id, an execution or the CLI's run id. */
    runId: stringMatching(EVENT_ID_PATTERN, 'must be 1-128 letters, digits, dots, dashes or underscores'),
    requestedAt: timestampSchema,
    /** After this the run stops waiting and alerts RollbackRequired; an answer after it changes nothing. */
    expiresAt: timestampSchema,
    /** The version the rollback would go back to, when the run chose one. */
    targetVersion: z.optional(versionSchema),
    /** The version that failed. */
    failedVersion: z.optional(versionSchema),
    decision: z.optional(z.enum(APPROVAL_DECISIONS)),
    decidedAt: z.optional(timestampSchema),
    /** Who answered, as they gave it. */
    by: z.optional(printableText(128)),
    reason: z.optional(printableText(512)),
    /** On AWS: the task token the workflow waits on, which `rollgate approve` answers (SendTaskSuccess). */
    taskToken: z.optional(printableText(2048)),
  })
  .check(
    z.superRefine((approval, ctx) => {
      if (!isBefore(approval.requestedAt, approval.expiresAt)) {
        const message = 'must be after requestedAt';
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message, input: approval.expiresAt });
      }
      if ((approval.decision === undefined) !== (approval.decidedAt === undefined)) {
        const message = 'comes with decision, and decision with it';
        ctx.addIssue({ code: 'custom', path: ['decidedAt'], message, input: approval.decidedAt });
      }
    }),
  );

export type Approval = z.infer<typeof approvalSchema>;
