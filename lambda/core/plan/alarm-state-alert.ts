// The alert a Rollgate alarm's state change becomes (AlarmStateChanged): the same message attributes as every other
// alert (alert_type, severity, status, service, environment), so a subscriber's filter policy that pages on critical,
// or takes one service only, works for alarms too. CloudWatch alarm actions cannot set message attributes; the relay
// (lambda/handlers/alarm-relay.ts) publishes this instead.

import type { AlarmRelayInput, AlarmStateValue } from '../config/alarm-relay-input-schema.ts';
import type { GateStatus } from '../verdict/verdict.ts';
import { fitSubject, type AlertSeverity } from './alerts.ts';

export const ALARM_STATE_CHANGED = 'AlarmStateChanged';

/** A type, not an interface: it is published as a record of strings (SNS message attributes). */
export type AlarmStateAttributes = {
  readonly alert_type: typeof ALARM_STATE_CHANGED;
  readonly severity: AlertSeverity;
  /** `failed` while in alarm, `passed` once it is OK again. */
  readonly status: GateStatus;
  readonly service: string;
  readonly environment: string;
};

export interface AlarmStateMessage {
  readonly alert_type: typeof ALARM_STATE_CHANGED;
  readonly severity: AlertSeverity;
  readonly status: GateStatus;
  readonly service: string;
  readonly environment: string;
  readonly monitor: string | null;
  readonly alarm: {
    readonly name: string;
    readonly arn: string | null;
    readonly state: AlarmStateValue;
    readonly previous_state: AlarmStateValue | null;
    readonly reason: string | null;
    readonly description: string | null;
    readonly changed_at: string;
  };
  readonly summary: string;
}

export interface AlarmStateAlert {
  readonly type: typeof ALARM_STATE_CHANGED;
  readonly subject: string;
  readonly message: AlarmStateMessage;
  readonly attributes: AlarmStateAttributes;
}

/** Why a change is not relayed: nothing an operator has to hear. */
export type AlarmNotRelayed = 'no_change' | 'not_from_alarm';

/**
 * The alert for an alarm's change: into ALARM at the alarm's own severity, back to OK from ALARM as `info`. A change
 * into or out of INSUFFICIENT_DATA (a new alarm, a metric with no data yet) says nothing about the service.
 */
export function alarmStateAlert(input: AlarmRelayInput): AlarmStateAlert | AlarmNotRelayed {
  const state = input.alarm.state.value;
  const previous = input.alarm.previousState?.value ?? null;
  if (state === previous) return 'no_change';
  if (state === 'INSUFFICIENT_DATA' || (state === 'OK' && previous !== 'ALARM')) return 'not_from_alarm';
  const { service, environment, monitor } = input.notify;
  const severity: AlertSeverity = state === 'ALARM' ? input.notify.severity : 'info';
  const status: GateStatus = state === 'ALARM' ? 'failed' : 'passed';
  const whose = monitor !== undefined ? `monitor ${monitor}` : `${service}/${environment}`;
  const summary =
    state === 'ALARM'
      ? `${whose} is down: alarm ${input.alarm.alarmName} is in ALARM`
      : `${whose} is up again: alarm ${input.alarm.alarmName} is OK`;
  return {
    type: ALARM_STATE_CHANGED,
    subject: fitSubject(`[Rollgate] ${state === 'ALARM' ? 'ALARM' : 'OK'} ${whose}: ${input.alarm.alarmName}`),
    attributes: { alert_type: ALARM_STATE_CHANGED, severity, status, service, environment },
    message: {
      alert_type: ALARM_STATE_CHANGED,
      severity,
      status,
      service,
      environment,
      monitor: monitor ?? null,
      alarm: {
        name: input.alarm.alarmName,
        arn: input.resources[0] ?? null,
        state,
        previous_state: previous,
        reason: input.alarm.state.reason ?? null,
        description: input.alarm.configuration?.description ?? null,
        changed_at: input.alarm.state.timestamp ?? input.time,
      },
      summary,
    },
  };
}
