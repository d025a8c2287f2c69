import { describe, expect, it } from 'vitest';
import {
  evidenceWriteFailedAlert,
  fitSubject,
  MAX_SUBJECT_LENGTH,
  rollbackAlert,
  rollbackRequiredAlert,
  verdictAlert,
  type Alert,
} from '../../../../lambda/core/plan/alerts.ts';
import type { EvidenceContext } from '../../../../lambda/core/evidence/evidence.ts';
import type { RollbackResult } from '../../../../lambda/core/rollback/rollback-result.ts';
import {
  CHECKOUT_DEPLOY,
  healthyTarget,
  sampleEvidence,
  unhealthyTarget,
  unreachableTarget,
  wrongVersionTarget,
} from '../evidence/sample-evidence.ts';

const A = 'https://a.checkout.example/health';
const B = 'https://b.checkout.example/health';
const EVIDENCE = 's3://evidence/checkout/prod/run.json';

function expectSnsSubject(alert: Alert): void {
  expect(alert.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
  expect(alert.subject).toMatch(/^\[Rollgate\] [\x20-\x7e]*$/);
}

describe('verdictAlert', () => {
  it.each([
    {
      name: 'one target on the wrong version',
      targets: [wrongVersionTarget(A, '1.4.1', '1.4.2'), healthyTarget(B)],
      type: 'VersionMismatch',
      subject: '[Rollgate] VERSION MISMATCH checkout/prod v1.4.2: running 1.4.1, rollback sent',
    },
    {
      name: 'every target on the same wrong version',
      targets: [wrongVersionTarget(A, '1.4.1', '1.4.2'), wrongVersionTarget(B, '1.4.1', '1.4.2')],
      type: 'VersionMismatch',
      subject: '[Rollgate] VERSION MISMATCH checkout/prod v1.4.2: running 1.4.1, rollback sent',
    },
    {
      name: 'targets on two different wrong versions',
      targets: [wrongVersionTarget(A, '1.4.1', '1.4.2'), wrongVersionTarget(B, '1.3.0', '1.4.2')],
      type: 'VersionMismatch',
      subject: '[Rollgate] VERSION MISMATCH checkout/prod v1.4.2: running 1.4.1/1.3.0, rollback sent',
    },
    {
      name: 'a target reporting no version',
      targets: [wrongVersionTarget(A, undefined, '1.4.2')],
      type: 'VersionMismatch',
      subject: '[Rollgate] VERSION MISMATCH checkout/prod v1.4.2: running (none), rollback sent',
    },
    {
      name: 'a target failing on status',
      targets: [unhealthyTarget(A), healthyTarget(B)],
      type: 'GateFailed',
      subject: '[Rollgate] FAILED checkout/prod v1.4.2: 1/2 probes failing, rollback sent',
    },
    {
      name: 'a target failing on status and version',
      targets: [unhealthyTarget(A, { running: '1.4.1', expected: '1.4.2' })],
      type: 'GateFailed',
      subject: '[Rollgate] FAILED checkout/prod v1.4.2: 1/1 probes failing, rollback sent',
    },
    {
      name: 'one target on the wrong version and another unreachable',
      targets: [wrongVersionTarget(A, '1.4.1', '1.4.2'), unreachableTarget(B)],
      type: 'GateFailed',
      subject: '[Rollgate] FAILED checkout/prod v1.4.2: 2/2 probes failing, rollback sent',
    },
  ])('raises $type for $name', ({ targets, type, subject }) => {
    const document = sampleEvidence({ targets, context: CHECKOUT_DEPLOY, expectedVersion: '1.4.2' });
    const alert = verdictAlert(document, EVIDENCE, true);
    expect(alert.type).toBe(type);
    expect(alert.subject).toBe(subject);
    expectSnsSubject(alert);
    expect(alert.attributes).toEqual({
      alert_type: type,
      severity: 'high',
      status: 'failed',
      service: 'checkout',
      environment: 'prod',
    });
    expect(alert.message).toMatchObject({
      alert_type: type,
      status: 'failed',
      status_reason: 'probe_failures',
      kind: 'deploy',
      service: 'checkout',
      environment: 'prod',
      version: '1.4.2',
      previous_version: '1.4.1',
      evidence_uri: EVIDENCE,
      run_id: 'evt-123',
    });
    expect(alert.message.failing_targets.map((target) => target.url)).toEqual(
      targets.filter((target) => !target.ok).map((target) => target.url),
    );
  });

  it.each([
    { planned: true, words: 'rollback sent' },
    { planned: false, words: 'no rollback configured' },
  ])('says "$words" when a rollback planned is $planned', ({ planned, words }) => {
    const document = sampleEvidence({ targets: [unhealthyTarget(A)], context: CHECKOUT_DEPLOY });
    expect(verdictAlert(document, null, planned).subject.endsWith(words)).toBe(true);
  });

  it('raises GateFailed for a configuration that cannot be used', () => {
    const document = sampleEvidence({ configProblem: 'timeoutMs: too small (got -1)', context: CHECKOUT_DEPLOY });
    const alert = verdictAlert(document, null, false);
    expect(alert.type).toBe('GateFailed');
    expect(alert.subject).toBe(
      '[Rollgate] FAILED checkout/prod v1.4.2: configuration cannot be used, no rollback configured',
    );
    expect(alert.message.summary).toBe('configuration cannot be used: timeoutMs: too small (got -1)');
  });

  it.each([
    {
      name: 'a scheduled check',
      context: { kind: 'check', monitor: 'checkout-api' },
      subject: '[Rollgate] FAILED check checkout-api: 1/1 probes failing, no rollback configured',
      attributes: { service: 'checkout-api', environment: 'unknown' },
    },
    {
      name: 'a scheduled check that names its service and environment',
      context: { kind: 'check', monitor: 'checkout-prod', service: 'checkout', environment: 'prod' },
      subject: '[Rollgate] FAILED check checkout-prod: 1/1 probes failing, no rollback configured',
      attributes: { service: 'checkout', environment: 'prod' },
    },
    {
      name: 'a CLI gate with an expected version',
      context: { kind: 'gate' },
      expectedVersion: '2026.01.07-rc1',
      subject: '[Rollgate] FAILED gate v2026.01.07-rc1: 1/1 probes failing, no rollback configured',
      attributes: { service: 'unknown', environment: 'unknown' },
    },
    {
      name: 'a CLI gate with no version',
      context: { kind: 'gate' },
      subject: '[Rollgate] FAILED gate: 1/1 probes failing, no rollback configured',
      attributes: { service: 'unknown', environment: 'unknown' },
    },
  ] satisfies Array<{
    name: string;
    context: EvidenceContext;
    expectedVersion?: string;
    subject: string;
    attributes: object;
  }>)('scopes the subject of $name', ({ context, expectedVersion, subject, attributes }) => {
    const document = sampleEvidence({
      targets: [unhealthyTarget(A)],
      context,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    });
    const alert = verdictAlert(document, null, false);
    expect(alert.subject).toBe(subject);
    expect(alert.attributes).toMatchObject(attributes);
  });

  it('keeps a subject for a long service name within 99 printable characters', () => {
    const context: EvidenceContext = {
      kind: 'deploy',
      deploy: { service: `checkout-${'x'.repeat(120)}-é`, environment: 'prod-eu-west-1', version: '1.4.2' },
    };
    const alert = verdictAlert(sampleEvidence({ targets: [unhealthyTarget(A)], context }), null, true);
    expectSnsSubject(alert);
    expect(alert.subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(alert.subject.endsWith('...')).toBe(true);
  });
});

describe('rollback alerts', () => {
  const rollback = (outcome: RollbackResult['outcome'], ok: boolean): RollbackResult => ({
    attempted: true,
    ok,
    outcome,
    exit_code: ok ? 0 : 1,
    duration_ms: 1200,
    output_tail: '',
    ...(ok ? {} : { detail: 'exited with 1' }),
    command_id: 'cmd-1',
  });

  it.each([
    {
      outcome: 'succeeded',
      ok: true,
      type: 'RollbackSucceeded',
      subject: '[Rollgate] ROLLBACK SUCCEEDED checkout/prod v1.4.2 to v1.4.1',
    },
    {
      outcome: 'failed',
      ok: false,
      type: 'RollbackFailed',
      subject: '[Rollgate] ROLLBACK FAILED checkout/prod v1.4.2: failed',
    },
    {
      outcome: 'timed_out',
      ok: false,
      type: 'RollbackFailed',
      subject: '[Rollgate] ROLLBACK FAILED checkout/prod v1.4.2: timed_out',
    },
    {
      outcome: 'send_failed',
      ok: false,
      type: 'RollbackFailed',
      subject: '[Rollgate] ROLLBACK FAILED checkout/prod v1.4.2: send_failed',
    },
  ] satisfies Array<{ outcome: RollbackResult['outcome']; ok: boolean; type: string; subject: string }>)(
    'raises $type for a rollback that $outcome',
    ({ outcome, ok, type, subject }) => {
      const document = sampleEvidence({
        targets: [unhealthyTarget(A)],
        context: CHECKOUT_DEPLOY,
        rollback: rollback(outcome, ok),
      });
      const alert = rollbackAlert(document, EVIDENCE);
      expect(alert.type).toBe(type);
      expect(alert.subject).toBe(subject);
      expectSnsSubject(alert);
      expect(alert.attributes).toEqual({
        alert_type: type,
        severity: ok ? 'warning' : 'critical',
        status: 'failed',
        service: 'checkout',
        environment: 'prod',
      });
      expect(alert.message.rollback).toEqual({
        attempted: true,
        outcome,
        ok,
        command_id: 'cmd-1',
        ...(ok ? {} : { detail: 'exited with 1' }),
      });
    },
  );

  it('omits the target version when the deploy names no previous version', () => {
    const context: EvidenceContext = {
      kind: 'deploy',
      deploy: { service: 'checkout', environment: 'prod', version: '1.4.2' },
    };
    const document = sampleEvidence({ targets: [unhealthyTarget(A)], context, rollback: rollback('succeeded', true) });
    expect(rollbackAlert(document, EVIDENCE).subject).toBe('[Rollgate] ROLLBACK SUCCEEDED checkout/prod v1.4.2');
  });

  it('raises RollbackRequired naming the deploy', () => {
    const alert = rollbackRequiredAlert(
      sampleEvidence({ targets: [unhealthyTarget(A)], context: CHECKOUT_DEPLOY }),
      EVIDENCE,
    );
    expect(alert.type).toBe('RollbackRequired');
    expect(alert.subject).toBe('[Rollgate] ROLLBACK REQUIRED checkout/prod v1.4.2: gate failed, no automatic rollback');
    expect(alert.attributes.alert_type).toBe('RollbackRequired');
  });
});

describe('evidenceWriteFailedAlert', () => {
  it.each([
    { status: 'passed', targets: [healthyTarget(A)] },
    { status: 'failed', targets: [unhealthyTarget(A)] },
    { status: 'skipped', targets: [] },
  ])('carries the problem and the $status verdict itself', ({ status, targets }) => {
    const document = sampleEvidence({ targets, context: CHECKOUT_DEPLOY });
    const alert = evidenceWriteFailedAlert(document, 'AccessDenied: s3:PutObject on evidence/run.json');
    expect(alert.type).toBe('EvidenceWriteFailed');
    expect(alert.subject).toBe(`[Rollgate] EVIDENCE NOT WRITTEN checkout/prod v1.4.2: gate ${status}`);
    expect(alert.message.evidence_error).toBe('AccessDenied: s3:PutObject on evidence/run.json');
    expect(alert.message.evidence_uri).toBeNull();
    expect(alert.message.status).toBe(status);
    expect(alert.message.failing_targets).toHaveLength(targets.filter((target) => !target.ok).length);
    expect(alert.attributes).toEqual({
      alert_type: 'EvidenceWriteFailed',
      severity: 'high',
      status,
      service: 'checkout',
      environment: 'prod',
    });
  });
});

describe('fitSubject', () => {
  it.each([
    { name: 'a short ASCII subject', raw: '[Rollgate] FAILED x', out: '[Rollgate] FAILED x' },
    { name: 'exactly 99 characters', raw: 'a'.repeat(99), out: 'a'.repeat(99) },
    { name: '100 characters', raw: 'a'.repeat(100), out: `${'a'.repeat(96)}...` },
    { name: 'a line break', raw: 'FAILED\nsecond line\r\n', out: 'FAILED?second line??' },
    { name: 'a tab and a NUL', raw: 'a\tb\0c', out: 'a?b?c' },
    { name: 'accents and emoji', raw: 'café 🚀 ok', out: 'caf? ?? ok' },
  ])('fits $name into printable ASCII within 99 characters', ({ raw, out }) => {
    const subject = fitSubject(raw);
    expect(subject).toBe(out);
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^[\x20-\x7e]*$/);
  });
});
