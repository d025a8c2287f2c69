// Planned alerts made into what subscribers receive: the lifecycle alerts' subjects, every alert's severity as a
// message field and an attribute, and the reason and detail the planner gave.
import { describe, expect, it } from 'vitest';
import { ALERT_SEVERITY, MAX_SUBJECT_LENGTH, type AlertType } from '../../../../lambda/core/plan/alerts.ts';
import { formatDuration } from '../../../../lambda/core/plan/lifecycle-alerts.ts';
import { plannedAlert } from '../../../../lambda/core/plan/planned-alert.ts';
import { renderPlannedAlert } from '../../../../lambda/core/plan/render-planned-alert.ts';
import { rollbackNotAttempted } from '../../../../lambda/core/rollback/rollback-result.ts';
import { CHECKOUT_DEPLOY, healthyTarget, sampleEvidence, unhealthyTarget } from '../evidence/sample-evidence.ts';

const A = 'https://a.checkout.example/health';
const CHECK = { kind: 'check', monitor: 'checkout-prod', service: 'checkout', environment: 'prod' } as const;
const failingCheck = sampleEvidence({ targets: [unhealthyTarget(A)], context: CHECK });

describe('renderPlannedAlert', () => {
  it.each([
    {
      type: 'MonitorDown',
      extra: { detail: '3 failing runs in a row' },
      document: sampleEvidence({
        targets: [unhealthyTarget(A)],
        context: CHECK,
        rollback: rollbackNotAttempted('pending', undefined, { target_version: '1.4.1', target_source: 'known_good' }),
      }),
      subject: '[Rollgate] DOWN check checkout-prod: 1/1 probes failing, rollback sent',
    },
    {
      type: 'MonitorStillDown',
      extra: { downForMs: 95 * 60_000 },
      document: failingCheck,
      subject: '[Rollgate] STILL DOWN check checkout-prod for 1h 35m: 1/1 probes failing',
    },
    {
      type: 'MonitorRecovered',
      extra: { downForMs: 12 * 60_000 },
      document: sampleEvidence({ targets: [healthyTarget(A)], context: CHECK }),
      subject: '[Rollgate] RECOVERED check checkout-prod after 12m down',
    },
    {
      type: 'StateUnavailable',
      extra: { reason: 'state_unavailable' },
      document: sampleEvidence({ targets: [unhealthyTarget(A)], context: CHECKOUT_DEPLOY }),
      subject: '[Rollgate] STATE UNAVAILABLE checkout/prod v1.4.2: run failed, no automatic rollback',
    },
    {
      type: 'ProberUnavailable',
      extra: { reason: 'prober_unavailable' },
      document: failingCheck,
      subject: '[Rollgate] PROBER UNAVAILABLE check checkout-prod: could not check, nothing said of the service',
    },
    {
      type: 'RollbackRequired',
      extra: {
        reason: 'rollback_suppressed',
        detail: 'run evt-7 holds the rollback lock until 2026-01-07T10:10:00.000Z',
      },
      document: sampleEvidence({
        targets: [unhealthyTarget(A)],
        context: CHECKOUT_DEPLOY,
        rollback: rollbackNotAttempted('withheld', 'run evt-7 holds the lock', { reason: 'locked' }),
      }),
      subject: '[Rollgate] ROLLBACK REQUIRED checkout/prod v1.4.2: gate failed, rollback suppressed',
    },
    {
      type: 'RollbackRequired',
      extra: { reason: 'no_known_good_version' },
      document: sampleEvidence({ targets: [unhealthyTarget(A)], context: CHECKOUT_DEPLOY }),
      subject: '[Rollgate] ROLLBACK REQUIRED checkout/prod v1.4.2: gate failed, no known-good version',
    },
  ] satisfies Array<{
    type: AlertType;
    extra: Parameters<typeof plannedAlert>[1];
    document: ReturnType<typeof sampleEvidence>;
    subject: string;
  }>)('renders $type as "$subject" with its severity', ({ type, extra, document, subject }) => {
    const alert = renderPlannedAlert(plannedAlert(type, extra), document, 's3://evidence/run.json');
    expect(alert.type).toBe(type);
    expect(alert.subject).toBe(subject);
    expect(alert.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(alert.attributes.severity).toBe(ALERT_SEVERITY[type]);
    expect(alert.message).toMatchObject({
      alert_type: type,
      severity: ALERT_SEVERITY[type],
      evidence_uri: 's3://evidence/run.json',
      ...(extra?.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra?.detail !== undefined ? { detail: extra.detail } : {}),
      ...(extra?.downForMs !== undefined ? { down_for_ms: extra.downForMs } : {}),
    });
  });

  it('names the rollback target and its source in the message', () => {
    const document = sampleEvidence({
      targets: [unhealthyTarget(A)],
      context: CHECKOUT_DEPLOY,
      rollback: rollbackNotAttempted('pending', undefined, { target_version: '1.4.0', target_source: 'known_good' }),
    });
    const alert = renderPlannedAlert(plannedAlert('GateFailed'), document, null);
    expect(alert.message.rollback).toMatchObject({
      outcome: 'pending',
      target_version: '1.4.0',
      target_source: 'known_good',
    });
    expect(alert.subject).toBe('[Rollgate] FAILED checkout/prod v1.4.2: 1/1 probes failing, rollback sent');
  });

  it.each([
    ['critical', ['MonitorDown', 'RollbackRequired', 'RollbackFailed', 'RollbackAwaitingApproval']],
    ['high', ['GateFailed', 'VersionMismatch', 'MonitorStillDown', 'StateUnavailable', 'EvidenceWriteFailed']],
    ['warning', ['RollbackSucceeded', 'ProberUnavailable']],
    ['info', ['MonitorRecovered']],
  ])('rates %s: %j', (severity, types) => {
    expect(
      Object.entries(ALERT_SEVERITY)
        .filter(([, rated]) => rated === severity)
        .map(([type]) => type)
        .sort(),
    ).toEqual([...types].sort());
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [59 * 60_000, '59m'],
    [3 * 3_600_000 + 5 * 60_000, '3h 05m'],
    [52 * 3_600_000, '2d 4h'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
