// Unusable props fail when the construct is built (at synth), with a RollgateConfigError naming the field and value.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { Rollgate, type RollgateProps } from '../../lib/rollgate.ts';
import { RollgateConfigError } from '../../lib/rollgate-config-error.ts';
import { resolveRollgateProps } from '../../lib/resolve-rollgate-props.ts';

// Nothing is synthesized here; the App only needs an outdir so it does not make a temp dir of its own per test.
const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-props-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function buildError(props: RollgateProps | ((stack: Stack) => RollgateProps)): RollgateConfigError {
  const stack = new Stack(new App({ outdir }), 'PropsTest');
  try {
    new Rollgate(stack, 'Rollgate', typeof props === 'function' ? props(stack) : props);
  } catch (error) {
    if (error instanceof RollgateConfigError) return error;
    throw error;
  }
  throw new Error('expected the construct to refuse these props');
}

const url = 'https://checkout.example.com/health';

describe('monitors', () => {
  it.each<[string, RollgateProps['monitors'], string, RegExp]>([
    [
      'a name with a space',
      [{ name: 'checkout prod', urls: [url] }],
      'monitors[0] ("checkout prod").name',
      /must match \^\[A-Za-z0-9\._-\]\{1,64\}\$ \(got "checkout prod"\)/,
    ],
    ['an empty name', [{ name: '', urls: [url] }], 'monitors[0] ("").name', /must match/],
    [
      'a name over 64 characters',
      [{ name: 'm'.repeat(65), urls: [url] }],
      `monitors[0] ("${'m'.repeat(65)}").name`,
      /must match/,
    ],
    [
      'a duplicate name',
      [
        { name: 'a', urls: [url] },
        { name: 'a', urls: [url] },
      ],
      'monitors[1] ("a").name',
      /unique/,
    ],
    [
      'neither urls nor targets',
      [{ name: 'empty' }],
      'monitors[0] ("empty").urls',
      /at least one entry in urls or targets/,
    ],
    [
      'empty urls and targets',
      [{ name: 'empty', urls: [], targets: [] }],
      'monitors[0] ("empty").urls',
      /urls or targets/,
    ],
    [
      'an empty urls list beside targets',
      [{ name: 'e', urls: [], targets: [{ url }] }],
      'monitors[0] ("e").urls',
      /must not be empty when given/,
    ],
    ['a non-http url', [{ name: 'ftp', urls: ['ftp://example.com/'] }], 'monitors[0] ("ftp").urls[0]', /http/],
    [
      'a target without a valid url',
      [{ name: 't', targets: [{ url: 'not a url' }] }],
      'monitors[0] ("t").targets[0].url',
      /http/,
    ],
    [
      'a header secret outside /rollgate/',
      [{ name: 't', targets: [{ url, headers: { a: { ssm: '/other/x' } } }] }],
      'monitors[0] ("t").targets[0].headers.a',
      /\/rollgate\//,
    ],
    [
      'a service with a shell character',
      [{ name: 's', urls: [url], service: 'a;b' }],
      'monitors[0] ("s").service',
      /must match/,
    ],
    [
      'an expectedVersion with a space',
      [{ name: 'v', urls: [url], expectedVersion: '1 .0' }],
      'monitors[0] ("v").expectedVersion',
      /must match/,
    ],
    [
      'rollbackOnFailure without tags to target',
      [{ name: 'r', urls: [url], rollbackOnFailure: true, service: 'x' }],
      'monitors[0] ("r").rollbackOnFailure',
      /needs service and environment/,
    ],
  ])('refuses %s, naming the monitor and field', (_case, monitors, field, message) => {
    const error = buildError({ monitors });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('other props', () => {
  it.each<[string, RollgateProps | ((stack: Stack) => RollgateProps), string]>([
    [
      'lifecycle props with a brought bucket',
      (stack) => ({ evidenceBucket: s3.Bucket.fromBucketName(stack, 'B', 'evidence'), objectLock: true }),
      'objectLock',
    ],
    [
      'a rollback script with a brought document',
      { rollbackDocumentName: 'Mine', rollbackScript: '/x.sh' },
      'rollbackScript',
    ],
    ['a relative rollback script', { rollbackScript: 'rollback.sh' }, 'rollbackScript'],
    ['a rollback script needing quotes', { rollbackScript: "/opt/it's.sh" }, 'rollbackScript'],
    ['a rollback wait that leaves no time to probe', { rollbackWait: Duration.minutes(14) }, 'rollbackWait'],
    ['expiry before the Glacier transition', { deploysExpiration: Duration.days(30) }, 'deploysExpiration'],
    ['a part-day lifecycle', { checksExpiration: Duration.hours(36) }, 'checksExpiration'],
    ['too little memory', { memorySize: 64 }, 'memorySize'],
    ["a check timeout beyond Lambda's limit", { checkTimeout: Duration.minutes(20) }, 'checkTimeout'],
    ['a malformed e-mail', { alertEmails: ['oncall'] }, 'alertEmails[0]'],
    ['a document name with spaces', { rollbackDocumentName: 'my doc' }, 'rollbackDocumentName'],
    ['a document name with a slash (not an ARN)', { rollbackDocumentName: 'team/rollback' }, 'rollbackDocumentName'],
  ])('refuses %s', (_case, props, field) => {
    expect(buildError(props).field).toBe(field);
  });
});

describe('defaults', () => {
  it('fills every documented default when given nothing', () => {
    const resolved = resolveRollgateProps();
    expect({
      checks: resolved.checksExpiration.toDays(),
      glacier: resolved.deploysTransitionToGlacierAfter.toDays(),
      deploys: resolved.deploysExpiration.toDays(),
      objectLock: resolved.objectLock,
      lockDays: resolved.objectLockRetention.toDays(),
      script: resolved.rollbackScript,
      wait: resolved.rollbackWait.toSeconds(),
      memory: resolved.memorySize,
      checkTimeout: resolved.checkTimeout.toSeconds(),
      retention: resolved.logRetention,
      logLevel: resolved.logLevel,
      powertools: resolved.powertools,
      pattern: resolved.deployEventPattern,
      monitors: resolved.monitors,
      emails: resolved.alertEmails,
    }).toEqual({
      checks: 30,
      glacier: 90,
      deploys: 365,
      objectLock: false,
      lockDays: 30,
      script: '/opt/rollgate/rollback.sh',
      wait: 600,
      memory: 256,
      checkTimeout: 120,
      retention: 90,
      logLevel: 'INFO',
      powertools: 'layer',
      pattern: { source: ['rollgate.deploy'], detailType: ['Deployment Completed'] },
      monitors: [],
      emails: [],
    });
  });

  it('schedules a monitor every 5 minutes and without rollback unless told', () => {
    const [monitor] = resolveRollgateProps({ monitors: [{ name: 'm', urls: [url] }] }).monitors;
    expect(monitor!.schedule.expressionString).toBe('rate(5 minutes)');
    expect(monitor!.rollbackOnFailure).toBe(false);
  });
});

describe('the scheduled check timeout', () => {
  const rollingBack = { name: 'payments', urls: [url], rollbackOnFailure: true, service: 'pay', environment: 'prod' };

  it('is sized to the whole minutes a rolling-back monitor needs when none is given', () => {
    // 10 s to start, 16 s of probes, the 600 s default wait and 15 s to record: 641 s, so 11 minutes.
    expect(resolveRollgateProps({ monitors: [rollingBack] }).checkTimeout.toMinutes()).toBe(11);
    expect(
      resolveRollgateProps({ monitors: [rollingBack], rollbackWait: Duration.minutes(1) }).checkTimeout.toSeconds(),
    ).toBe(120);
  });

  it('keeps a given timeout that fits', () => {
    const resolved = resolveRollgateProps({ monitors: [rollingBack], checkTimeout: Duration.minutes(12) });
    expect(resolved.checkTimeout.toMinutes()).toBe(12);
  });

  it('refuses a given timeout shorter than the probes, the rollback wait and the time to record, naming the monitor', () => {
    const error = buildError({
      monitors: [{ name: 'web', urls: [url] }, rollingBack],
      checkTimeout: Duration.minutes(2),
    });
    expect(error.field).toBe('checkTimeout');
    expect(error.message).toContain('monitors[1] ("payments")');
    expect(error.message).toContain('the 600s rollbackWait of its rollbackOnFailure');
    expect(error.message).toContain('need 641s');
  });

  it("refuses a monitor whose probes and rollback wait cannot fit Lambda's 15 minutes", () => {
    const urls = Array.from({ length: 3_000 }, (_, index) => `https://checkout.example.com/${index}`);
    const error = buildError({ monitors: [{ ...rollingBack, urls }], rollbackWait: Duration.minutes(13) });
    expect(error.field).toBe('monitors[0] ("payments")');
    expect(error.message).toContain("more than Lambda's 15 minutes");
  });

  it('refuses a malformed address for the alerts-not-delivered e-mails', () => {
    expect(buildError({ alertDeliveryAlarmEmails: ['platform'] }).field).toBe('alertDeliveryAlarmEmails[0]');
  });
});
