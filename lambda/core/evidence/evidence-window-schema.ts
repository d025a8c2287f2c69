// The schema of a watch window as evidence keeps it (evidence-window.ts): its policy, the rule that ended it, the
// totals and the rounds kept. A deploy's verdict record has one; its rollback record one more for the verification.

import * as z from 'zod/mini';
import { timestampSchema } from '../state/state-field-schemas.ts';
import type { WindowRule } from '../window/decide-window.ts';
import { windowRoundSchema } from '../window/round.ts';
import { windowPolicySchema } from '../window/window-policy.ts';

const count = z.int().check(z.minimum(0));

export const WINDOW_RULES: { readonly [R in WindowRule]: R } = {
  success_threshold: 'success_threshold',
  failure_threshold: 'failure_threshold',
  window_elapsed: 'window_elapsed',
};

export const evidenceWindowSchema = z.strictObject({
  policy: windowPolicySchema,
  expected_version: z.nullable(z.string()),
  started_at: timestampSchema,
  /** Null when the window did not run to a decision. */
  decided_by: z.nullable(z.enum(WINDOW_RULES)),
  rounds_done: count,
  healthy_rounds: count,
  failing_rounds: count,
  rounds_dropped: count,
  /** The latest rounds, oldest first. */
  rounds: z.array(windowRoundSchema),
});
