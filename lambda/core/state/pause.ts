// An operator's pause of a service in one environment: until it ends, Rollgate judges and records but does not roll
// back or alert for it (the planner decides exactly what a pause holds back).

import * as z from 'zod/mini';
import { isBefore, printableText, timestampSchema } from './state-field-schemas.ts';

export const pauseSchema = z
  .strictObject({
    reason: printableText(512),
    /** Who paused it, as they gave it. */
    by: z.optional(printableText(128)),
    since: timestampSchema,
    until: timestampSchema,
  })
  .check(
    z.superRefine((pause, ctx) => {
      if (!isBefore(pause.since, pause.until)) {
        ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be after since', input: pause.until });
      }
    }),
  );

export type Pause = z.infer<typeof pauseSchema>;
