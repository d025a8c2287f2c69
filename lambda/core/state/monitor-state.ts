// What a monitor remembers between scheduled runs: whether its service is up, for how many runs in a row, since when,
// and when it last alerted, so the planner can apply thresholds, reminders and recoveries without re-reading evidence.

import * as z from 'zod/mini';
import { nameSchema } from '../config/probe-request-schema.ts';
import { runRecordSchema, timestampSchema } from './state-field-schemas.ts';

export const MONITOR_HEALTH_STATES = { up: 'up', down: 'down', unknown: 'unknown' } as const;

export type MonitorHealth = keyof typeof MONITOR_HEALTH_STATES;

const healthSchema = z.enum(MONITOR_HEALTH_STATES);
const countSchema = z.int().check(z.minimum(0));

export const monitorStateSchema = z.strictObject({
  state: healthSchema,
  /** Failed runs in a row; keeps counting past any threshold and is 0 after a success. */
  consecutiveFailures: countSchema,
  /** Successful runs in a row; keeps counting past any threshold and is 0 after a failure. */
  consecutiveSuccesses: countSchema,
  /** When the current state began. */
  since: timestampSchema,
  lastTransition: z.optional(z.strictObject({ from: healthSchema, to: healthSchema, at: timestampSchema })),
  lastAlertAt: z.optional(timestampSchema),
  lastReminderAt: z.optional(timestampSchema),
  /** Since when every run has found the prober unable to check (no state change meanwhile); cleared by a checked run. */
  proberUnavailableSince: z.optional(timestampSchema),
  lastRun: z.optional(runRecordSchema),
  service: z.optional(nameSchema),
  environment: z.optional(nameSchema),
});

export type MonitorState = z.infer<typeof monitorStateSchema>;
