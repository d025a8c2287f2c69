// What the alarm relay is sent (lib/alarm-relay.ts builds it): a CloudWatch `Alarm State Change` event's detail and
// time, as EventBridge matched them for one of Rollgate's alarms, and the alert attributes the stack gave that alarm
// at synth (its severity, and the registered service, environment or monitor it watches). Checked at the edge.

import * as z from 'zod/mini';
import type { AlertSeverity } from '../plan/alerts.ts';
import { parseWithSchema } from './config-schema.ts';
import { nameSchema } from './probe-request-schema.ts';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

const SEVERITIES: { readonly [S in AlertSeverity]: S } = {
  critical: 'critical',
  high: 'high',
  warning: 'warning',
  info: 'info',
};

/** CloudWatch's own text: bounded, so a long reason cannot grow the alert past SNS's limits. */
const text = (max: number) => z.string().check(z.maxLength(max));

const alarmStateSchema = z.looseObject({
  value: z.enum(ALARM_STATES),
  reason: z.optional(text(1024)),
  timestamp: z.optional(text(64)),
});

export const alarmRelayInputSchema = z.strictObject({
  /** The event's `detail`: CloudWatch's, with more fields than these (kept out of the alert). */
  alarm: z.looseObject({
    alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
    state: alarmStateSchema,
    previousState: z.optional(alarmStateSchema),
    configuration: z.optional(z.looseObject({ description: z.optional(text(1024)) })),
  }),
  /** When EventBridge saw the change (ISO-8601). */
  time: text(64),
  /** The event's resources: the alarm's ARN. */
  resources: z.array(text(2048)).check(z.maxLength(10)),
  /** Set at synth: how urgent the alarm is, and whose. */
  notify: z.strictObject({
    severity: z.enum(SEVERITIES),
    service: nameSchema,
    environment: nameSchema,
    monitor: z.optional(nameSchema),
  }),
});

export type AlarmRelayInput = z.infer<typeof alarmRelayInputSchema>;

/** Throws ConfigError (or ConfigErrors) naming `input.<field>`. */
export function parseAlarmRelayInput(raw: unknown): AlarmRelayInput {
  return parseWithSchema(alarmRelayInputSchema, raw, {}, 'input');
}
