// What the deploy workflow sends its task function (lib/deploy-workflow-definition.ts): the step to run, the
// execution's input (the deploy event and the run id), the progress so far, and for the approval steps the task token
// or the answer. Checked at the edge; the progress itself is checked by the step that reads it.

import * as z from 'zod/mini';
import { parseWithSchema, stringMatching } from '../../core/config/config-schema.ts';
import { WORKFLOW_STEPS } from '../../core/config/deploy-workflow-contract.ts';
import { EVENT_ID_PATTERN } from '../../core/config/name-patterns.ts';

const executionInputSchema = z.strictObject({
  event: z.unknown(),
  run_id: stringMatching(EVENT_ID_PATTERN, 'must be 1-128 letters, digits, dots, dashes or underscores'),
});

const approvalAnswerSchema = z.looseObject({
  decision: z.enum(['approved', 'rejected', 'timed_out']),
  by: z.optional(z.string().check(z.maxLength(128))),
});

export const workflowTaskPayloadSchema = z.strictObject({
  step: z.enum(WORKFLOW_STEPS),
  input: executionInputSchema,
  progress: z.optional(z.unknown()),
  /** request_approval only: the token SendTaskSuccess answers. */
  task_token: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  /** await_approval only: what rollgate approve/reject sent, or the timed-out or rejected path's stand-in. */
  approval: z.optional(approvalAnswerSchema),
});

export type WorkflowTaskPayload = z.infer<typeof workflowTaskPayloadSchema>;

/** Throws ConfigError (or ConfigErrors) naming `payload.<field>`. */
export function parseWorkflowTaskPayload(raw: unknown): WorkflowTaskPayload {
  return parseWithSchema(workflowTaskPayloadSchema, raw, {}, 'payload');
}
