// The handlers' settings from the environment: defaults, and a clear error naming each variable that cannot be used.
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from '../../../lambda/core/errors.ts';
import { parseDeployGateSettings, parseRuntimeSettings } from '../../../lambda/handlers/runtime-settings.ts';
import { captureError } from '../../support/capture-error.ts';

const ENV = {
  ROLLGATE_EVIDENCE_BUCKET: 'rollgate-evidence-123456789012',
  ROLLGATE_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:rollgate-alerts',
  ROLLGATE_ROLLBACK_DOCUMENT: 'Rollgate-RollbackDocument-1A2B3C',
  ROLLGATE_ROLLBACK_WAIT_SECONDS: '300',
  ROLLGATE_STATE_TABLE: 'Rollgate-StateTable-1A2B3C',
};

describe('parseRuntimeSettings', () => {
  it('reads the five variables the stack sets', () => {
    expect(parseRuntimeSettings(ENV)).toEqual({
      evidenceBucket: 'rollgate-evidence-123456789012',
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:rollgate-alerts',
      rollbackDocument: 'Rollgate-RollbackDocument-1A2B3C',
      rollbackWaitSeconds: 300,
      stateTable: 'Rollgate-StateTable-1A2B3C',
    });
  });

  it.each([undefined, ''])('waits 600 seconds when the wait is %j', (wait) => {
    expect(parseRuntimeSettings({ ...ENV, ROLLGATE_ROLLBACK_WAIT_SECONDS: wait }).rollbackWaitSeconds).toBe(600);
  });

  it.each([['arn:aws:ssm:eu-west-1:123456789012:document/RollgateRollback'], ['AWS-RunShellScript']])(
    'accepts the rollback document %s',
    (document) => {
      expect(parseRuntimeSettings({ ...ENV, ROLLGATE_ROLLBACK_DOCUMENT: document }).rollbackDocument).toBe(document);
    },
  );

  it.each<[string, Record<string, string | undefined>, string]>([
    ['a missing bucket', { ROLLGATE_EVIDENCE_BUCKET: undefined }, 'ROLLGATE_EVIDENCE_BUCKET: is not set (got nothing)'],
    ['an empty topic', { ROLLGATE_ALERT_TOPIC_ARN: '' }, 'ROLLGATE_ALERT_TOPIC_ARN: is empty (got "")'],
    [
      'a missing document',
      { ROLLGATE_ROLLBACK_DOCUMENT: undefined },
      'ROLLGATE_ROLLBACK_DOCUMENT: is not set (got nothing)',
    ],
    ['a missing state table', { ROLLGATE_STATE_TABLE: undefined }, 'ROLLGATE_STATE_TABLE: is not set (got nothing)'],
    [
      'a state table that is not a table name',
      { ROLLGATE_STATE_TABLE: 'state table' },
      'ROLLGATE_STATE_TABLE: must be a DynamoDB table name (got "state table")',
    ],
    [
      'a bucket with capitals',
      { ROLLGATE_EVIDENCE_BUCKET: 'Evidence' },
      'ROLLGATE_EVIDENCE_BUCKET: must be an S3 bucket name (got "Evidence")',
    ],
    [
      'a queue ARN as the topic',
      { ROLLGATE_ALERT_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      'ROLLGATE_ALERT_TOPIC_ARN: must be an SNS topic ARN',
    ],
    [
      'a wait of zero',
      { ROLLGATE_ROLLBACK_WAIT_SECONDS: '0' },
      'ROLLGATE_ROLLBACK_WAIT_SECONDS: must be at least 1 second (got 0)',
    ],
    [
      "a wait past Lambda's 15 minutes",
      { ROLLGATE_ROLLBACK_WAIT_SECONDS: '901' },
      'ROLLGATE_ROLLBACK_WAIT_SECONDS: must be at most 900 seconds (got 901)',
    ],
    [
      'a wait in words',
      { ROLLGATE_ROLLBACK_WAIT_SECONDS: 'ten' },
      'ROLLGATE_ROLLBACK_WAIT_SECONDS: must be a whole number of seconds (got "ten")',
    ],
    [
      'a fractional wait',
      { ROLLGATE_ROLLBACK_WAIT_SECONDS: '1.5' },
      'ROLLGATE_ROLLBACK_WAIT_SECONDS: must be a whole number of seconds (got "1.5")',
    ],
  ])('refuses %s, naming the variable', (_name, overrides, message) => {
    const error = captureError(() => parseRuntimeSettings({ ...ENV, ...overrides }));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(message)).toBe(true);
  });

  it('names every unusable variable at once', () => {
    const error = captureError(() => parseRuntimeSettings({}));

    expect(error).toBeInstanceOf(ConfigErrors);
    expect((error as ConfigErrors).errors.map((e) => e.field)).toEqual([
      'ROLLGATE_EVIDENCE_BUCKET',
      'ROLLGATE_ALERT_TOPIC_ARN',
      'ROLLGATE_ROLLBACK_DOCUMENT',
      'ROLLGATE_STATE_TABLE',
    ]);
  });
});

describe('parseDeployGateSettings', () => {
  const DEPLOY_GATE_ENV = { ...ENV, ROLLGATE_IDEMPOTENCY_TABLE: 'Rollgate-IdempotencyTable-1A2B3C' };

  it('reads the shared variables and the idempotency table', () => {
    expect(parseDeployGateSettings(DEPLOY_GATE_ENV)).toEqual({
      ...parseRuntimeSettings(ENV),
      idempotencyTable: 'Rollgate-IdempotencyTable-1A2B3C',
    });
  });

  it.each<[string, string | undefined, string]>([
    ['missing', undefined, 'ROLLGATE_IDEMPOTENCY_TABLE: is not set (got nothing)'],
    ['empty', '', 'ROLLGATE_IDEMPOTENCY_TABLE: is empty (got "")'],
    [
      'not a table name',
      'rollgate table',
      'ROLLGATE_IDEMPOTENCY_TABLE: must be a DynamoDB table name (got "rollgate table")',
    ],
  ])('refuses a table that is %s', (_name, table, message) => {
    expect(() => parseDeployGateSettings({ ...DEPLOY_GATE_ENV, ROLLGATE_IDEMPOTENCY_TABLE: table })).toThrow(message);
  });

  it('reports a bad table together with the shared variables', () => {
    const error = (() => {
      try {
        parseDeployGateSettings({
          ...DEPLOY_GATE_ENV,
          ROLLGATE_EVIDENCE_BUCKET: undefined,
          ROLLGATE_IDEMPOTENCY_TABLE: undefined,
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigErrors);
    expect((error as ConfigErrors).errors.map((e) => e.field).sort()).toEqual([
      'ROLLGATE_EVIDENCE_BUCKET',
      'ROLLGATE_IDEMPOTENCY_TABLE',
    ]);
  });

  it('is not needed by the scheduled check', () => {
    expect(() => parseRuntimeSettings(ENV)).not.toThrow();
  });
});
