// Evidence keys: where each kind of run lands, and which names are refused before they become key parts.
import { describe, expect, it } from 'vitest';
import {
  checkEvidencePrefix,
  deployEvidencePrefix,
  evidenceKey,
  keyTime,
} from '../../../lambda/adapters/evidence-key.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import type { EvidenceContext, EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { EvidenceStage } from '../../../lambda/core/gate/ports.ts';
import { sampleEvidence } from '../core/evidence/sample-evidence.ts';
import { captureError } from '../../support/capture-error.ts';

const STARTED = '2026-11-23T14:33:49.123Z';

function documentOf(context: EvidenceContext, startedAt = STARTED): EvidenceDocument {
  return { ...sampleEvidence({ context }), started_at: startedAt };
}

function deployContext(deploy: Partial<NonNullable<EvidenceContext['deploy']>>, runId?: string): EvidenceContext {
  return {
    kind: 'deploy',
    deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', ...deploy },
    ...(runId !== undefined ? { run_id: runId } : {}),
  };
}

describe('evidenceKey', () => {
  it.each<[string, EvidenceContext, EvidenceStage, string, string]>([
    [
      'a deploy verdict under its service, environment and day',
      deployContext({ event_id: 'evt-1' }),
      'verdict',
      STARTED,
      'deploys/checkout/prod/2026/11/23/20261123T143349123Z-evt-1.json',
    ],
    [
      'the rollback record beside its verdict record',
      deployContext({ event_id: 'evt-1' }),
      'rollback',
      STARTED,
      'deploys/checkout/prod/2026/11/23/20261123T143349123Z-evt-1.rollback.json',
    ],
    [
      'the delivery record beside its verdict record',
      deployContext({ event_id: 'evt-1' }),
      'delivery',
      STARTED,
      'deploys/checkout/prod/2026/11/23/20261123T143349123Z-evt-1.delivery.json',
    ],
    [
      'the run id when the deploy record has no event id',
      deployContext({}, '5f0c2a51-3b55-4a53-9d32-7ad4c2b0c111'),
      'verdict',
      STARTED,
      'deploys/checkout/prod/2026/11/23/20261123T143349123Z-5f0c2a51-3b55-4a53-9d32-7ad4c2b0c111.json',
    ],
    [
      'a scheduled check under its monitor and day',
      { kind: 'check', monitor: 'homepage', run_id: 'req-1' },
      'verdict',
      STARTED,
      'checks/homepage/2026/11/23/20261123T143349123Z.json',
    ],
    [
      "a check's rollback record",
      { kind: 'check', monitor: 'homepage' },
      'rollback',
      STARTED,
      'checks/homepage/2026/11/23/20261123T143349123Z.rollback.json',
    ],
    [
      'the UTC day, whatever offset the start time was written with',
      { kind: 'check', monitor: 'homepage' },
      'verdict',
      '2026-12-31T23:30:00.000-01:00',
      'checks/homepage/2027/01/01/20270101T003000000Z.json',
    ],
    [
      'names with dots, dashes and underscores as they are',
      deployContext({ service: 'api.v2_checkout-eu', environment: 'prod-eu-1', event_id: 'a.b_c-d' }),
      'verdict',
      STARTED,
      'deploys/api.v2_checkout-eu/prod-eu-1/2026/11/23/20261123T143349123Z-a.b_c-d.json',
    ],
  ])('puts %s', (_name, context, stage, startedAt, expected) => {
    expect(evidenceKey(documentOf(context, startedAt), stage)).toBe(expected);
  });

  it('keeps keys of one service in time order when sorted as text', () => {
    const times = ['2026-11-23T09:59:59.999Z', '2026-11-23T10:00:00.000Z', '2026-11-24T00:00:00.001Z'];
    const keys = times.map((time) => evidenceKey(documentOf({ kind: 'check', monitor: 'homepage' }, time), 'verdict'));

    expect([...keys].sort()).toEqual(keys);
  });

  it.each<[string, EvidenceContext, string, unknown]>([
    ['a slash in the service', deployContext({ service: 'check/out', event_id: 'e1' }), 'service', 'check/out'],
    ['a path step as the environment', deployContext({ environment: '..', event_id: 'e1' }), 'environment', '..'],
    ['a 65-character service', deployContext({ service: 's'.repeat(65), event_id: 'e1' }), 'service', 's'.repeat(65)],
    ['an empty environment', deployContext({ environment: '', event_id: 'e1' }), 'environment', ''],
    ['a space in the event id', deployContext({ event_id: 'evt 1' }), 'event_id', 'evt 1'],
    ['a 129-character event id', deployContext({ event_id: 'e'.repeat(129) }), 'event_id', 'e'.repeat(129)],
    ['a deploy with no event or run id', deployContext({}), 'event_id', undefined],
    ['a check with no monitor', { kind: 'check' }, 'monitor', undefined],
    ['a monitor with a colon', { kind: 'check', monitor: 'home:page' }, 'monitor', 'home:page'],
    ['a deploy run without its deploy record', { kind: 'deploy', run_id: 'e1' }, 'context.deploy', undefined],
    ['a local gate run', { kind: 'gate' }, 'kind', 'gate'],
  ])('refuses %s with a ConfigError naming the field and value', (_name, context, field, value) => {
    const error = captureError(() => evidenceKey(documentOf(context), 'verdict'));

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ field, value });
  });

  it('accepts a 128-character event id', () => {
    const key = evidenceKey(documentOf(deployContext({ event_id: 'e'.repeat(128) })), 'verdict');

    expect(key).toMatch(/-e{128}\.json$/);
  });
});

describe('keyTime', () => {
  it.each([
    ['2026-11-23T14:33:49.123Z', '2026/11/23', '20261123T143349123Z'],
    ['2026-01-01T00:00:00.000Z', '2026/01/01', '20260101T000000000Z'],
    ['2026-02-28T23:59:59.999Z', '2026/02/28', '20260228T235959999Z'],
  ])('turns %s into day %s and stamp %s', (iso, day, stamp) => {
    expect(keyTime(iso)).toEqual({ day, stamp });
  });

  it('refuses a start time that is not a date-time, naming started_at', () => {
    expect(() => keyTime('yesterday')).toThrow(/^started_at: is not a date-time \(got "yesterday"\)$/);
  });
});

describe('deployEvidencePrefix and checkEvidencePrefix', () => {
  it.each<[string, string]>([
    [deployEvidencePrefix({ service: 'checkout', environment: 'prod' }), 'deploys/checkout/prod/'],
    [
      deployEvidencePrefix({ service: 'checkout', environment: 'prod', day: '2026-11-23' }),
      'deploys/checkout/prod/2026/11/23/',
    ],
    [checkEvidencePrefix('payments-prod'), 'checks/payments-prod/'],
  ])('lists the folder evidenceKey writes to: %s', (prefix, expected) => {
    expect(prefix).toBe(expected);
  });

  it('is a prefix of the key evidenceKey gives the same run', () => {
    const key = evidenceKey(documentOf(deployContext({ event_id: 'evt-1' })), 'verdict');
    expect(
      key.startsWith(deployEvidencePrefix({ service: 'checkout', environment: 'prod', day: STARTED.slice(0, 10) })),
    ).toBe(true);
  });

  it.each<[string, () => string, string, unknown]>([
    [
      'a slash in the service',
      () => deployEvidencePrefix({ service: 'a/b', environment: 'prod' }, LABELS),
      '--service',
      'a/b',
    ],
    [
      'an environment of dots',
      () => deployEvidencePrefix({ service: 'a', environment: '..' }, LABELS),
      '--environment',
      '..',
    ],
    [
      'a day not on the calendar',
      () => deployEvidencePrefix({ service: 'a', environment: 'b', day: '2026-02-30' }, LABELS),
      '--date',
      '2026-02-30',
    ],
    [
      'a day in another format',
      () => deployEvidencePrefix({ service: 'a', environment: 'b', day: '2026/11/23' }, LABELS),
      '--date',
      '2026/11/23',
    ],
    [
      'a month that does not exist',
      () => deployEvidencePrefix({ service: 'a', environment: 'b', day: '2026-13-01' }, LABELS),
      '--date',
      '2026-13-01',
    ],
    ['a space in the monitor', () => checkEvidencePrefix('a b', LABELS), '--monitor', 'a b'],
  ])('refuses %s under the label it was given', (_label, build, field, value) => {
    const error = captureError(build);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ field, value });
  });
});

const LABELS = { service: '--service', environment: '--environment', day: '--date', monitor: '--monitor' };
