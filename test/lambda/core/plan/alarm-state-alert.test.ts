// What an alarm's state change becomes: into ALARM, the alarm's own severity and `failed`; back to OK from ALARM,
// `info` and `passed`; any change into or out of INSUFFICIENT_DATA, or none at all, nothing to publish.
import { describe, expect, it } from 'vitest';
import type { AlarmRelayInput, AlarmStateValue } from '../../../../lambda/core/config/alarm-relay-input-schema.ts';
import { alarmStateAlert } from '../../../../lambda/core/plan/alarm-state-alert.ts';

function input(from: AlarmStateValue | undefined, to: AlarmStateValue, monitor?: string): AlarmRelayInput {
  return {
    alarm: {
      alarmName: 'Rollgate-Down-checkout-prod',
      state: { value: to, reason: 'Threshold Crossed', timestamp: '2026-11-23T14:35:10.123+0000' },
      ...(from !== undefined ? { previousState: { value: from } } : {}),
    },
    time: '2026-11-23T14:35:10Z',
    resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:Rollgate-Down-checkout-prod'],
    notify: { severity: 'critical', service: 'checkout', environment: 'prod', ...(monitor ? { monitor } : {}) },
  };
}

describe('alarmStateAlert', () => {
  it.each<[string, AlarmStateValue | undefined, AlarmStateValue, unknown]>([
    ['OK to ALARM: the alarm’s severity', 'OK', 'ALARM', { severity: 'critical', status: 'failed' }],
    ['INSUFFICIENT_DATA to ALARM: the same', 'INSUFFICIENT_DATA', 'ALARM', { severity: 'critical', status: 'failed' }],
    ['ALARM to OK: info, passed', 'ALARM', 'OK', { severity: 'info', status: 'passed' }],
    ['INSUFFICIENT_DATA to OK: nothing recovered', 'INSUFFICIENT_DATA', 'OK', 'not_from_alarm'],
    ['ALARM to INSUFFICIENT_DATA: says nothing of the service', 'ALARM', 'INSUFFICIENT_DATA', 'not_from_alarm'],
    ['ALARM to ALARM: no change', 'ALARM', 'ALARM', 'no_change'],
  ])('%s', (_case, from, to, expected) => {
    const alert = alarmStateAlert(input(from, to));
    if (typeof expected === 'string') expect(alert).toBe(expected);
    else
      expect(typeof alert === 'string' ? alert : alert.attributes).toEqual({
        alert_type: 'AlarmStateChanged',
        service: 'checkout',
        environment: 'prod',
        ...(expected as object),
      });
  });

  it('keeps its subject within SNS’s 99 printable characters, whatever the alarm is called', () => {
    const long = input('OK', 'ALARM');
    const alert = alarmStateAlert({ ...long, alarm: { ...long.alarm, alarmName: `a\n${'x'.repeat(250)}` } });
    expect(typeof alert === 'string' ? alert : alert.subject).toMatch(
      /^\[Rollgate\] ALARM checkout\/prod: a\?x+\.\.\.$/,
    );
    expect(typeof alert === 'string' ? 0 : alert.subject.length).toBeLessThanOrEqual(99);
  });

  it('names the monitor of a monitor on no service', () => {
    const alert = alarmStateAlert(input('OK', 'ALARM', 'status-page'));
    expect(typeof alert === 'string' ? alert : alert.message).toMatchObject({
      monitor: 'status-page',
      summary: 'monitor status-page is down: alarm Rollgate-Down-checkout-prod is in ALARM',
    });
  });
});
