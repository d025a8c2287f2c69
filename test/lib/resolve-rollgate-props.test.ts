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

describe("monitors and services, checked with the engine's own schema", () => {
  it.each<[string, Pick<RollgateProps, 'monitors' | 'services'>, string, RegExp]>([
    [
      'a name with a space',
      { monitors: [{ name: 'checkout prod', urls: [url] }] },
      'monitors[0].name',
      /must be 1-64 letters, digits, dots, dashes or underscores \(got "checkout prod"\)/,
    ],
    ['an empty name', { monitors: [{ name: '', urls: [url] }] }, 'monitors[0].name', /must be 1-64/],
    ['a name over 64 characters', { monitors: [{ name: 'm'.repeat(65), urls: [url] }] }, 'monitors[0].name', /1-64/],
    [
      'a duplicate name',
      {
        monitors: [
          { name: 'a', urls: [url] },
          { name: 'a', urls: [url] },
        ],
      },
      'monitors[1].name',
      /unique/,
    ],
    ['neither urls nor targets', { monitors: [{ name: 'empty' }] }, 'monitors[0].urls', /urls or targets/],
    ['empty urls', { monitors: [{ name: 'e', urls: [], targets: [{ url }] }] }, 'monitors[0].urls', /at least 1 item/],
    ['a non-http url', { monitors: [{ name: 'ftp', urls: ['ftp://example.com/'] }] }, 'monitors[0].urls[0]', /http/],
    [
      'a target without a valid url',
      { monitors: [{ name: 't', targets: [{ url: 'not a url' }] }] },
      'monitors[0].targets[0].url',
      /not a valid URL/,
    ],
    [
      'a misspelt expectation (statuss)',
      { monitors: [{ name: 't', targets: [{ url, expect: { statuss: [200] } as never }] }] },
      'monitors[0].targets[0].expect.statuss',
      /is not a known field/,
    ],
    [
      'a negative maxLatencyMs',
      { monitors: [{ name: 't', targets: [{ url, expect: { maxLatencyMs: -5 } }] }] },
      'monitors[0].targets[0].expect.maxLatencyMs',
      /must be more than 0 \(got -5\)/,
    ],
    [
      'a status no server sends (700)',
      { monitors: [{ name: 't', targets: [{ url, expect: { status: [700] } }] }] },
      'monitors[0].targets[0].expect.status[0]',
      /must be at most 599 \(got 700\)/,
    ],
    [
      'a header secret outside /rollgate/',
      { monitors: [{ name: 't', targets: [{ url, headers: { a: { ssm: '/other/x' } } }] }] },
      'monitors[0].targets[0].headers.a',
      /\/rollgate\//,
    ],
    [
      "a header from the function's own environment",
      { services: [{ service: 's', environment: 'prod', targets: [{ url, headers: { a: { env: 'TOKEN' } } }] }] },
      'services[0].targets[0].headers.a',
      /CLI only/,
    ],
    [
      'a service with a shell character',
      { monitors: [{ name: 's', urls: [url], service: 'a;b' }] },
      'monitors[0].service',
      /must be 1-64/,
    ],
    [
      'an expectedVersion with a space',
      { monitors: [{ name: 'v', urls: [url], expectedVersion: '1 .0' }] },
      'monitors[0].expectedVersion',
      /must be 1-128/,
    ],
    [
      'rollbackOnFailure without tags to target',
      { monitors: [{ name: 'r', urls: [url], rollbackOnFailure: true, service: 'x' }] },
      'monitors[0].rollbackOnFailure',
      /needs service and environment/,
    ],
    [
      'a failureThreshold out of range',
      { monitors: [{ name: 'f', urls: [url], failureThreshold: 0 }] },
      'monitors[0].failureThreshold',
      /at least 1/,
    ],
    [
      'a monitor on a service that is not registered',
      { monitors: [{ name: 'm', service: 'checkout', environment: 'prod' }] },
      'monitors[0].service',
      /not under services/,
    ],
    [
      'a misspelt service field',
      { services: [{ service: 's', environment: 'prod', targets: [{ url }], evenTargets: 'allow' } as never] },
      'services[0].evenTargets',
      /is not a known field/,
    ],
    [
      'a service without targets that refuses event targets',
      { services: [{ service: 's', environment: 'prod' }] },
      'services[0].targets',
      /needs at least one target/,
    ],
    [
      'a service registered twice',
      {
        services: [
          { service: 's', environment: 'prod', targets: [{ url }] },
          { service: 's', environment: 'prod', targets: [{ url }] },
        ],
      },
      'services[1].environment',
      /registers s\/prod again/,
    ],
    [
      'an unknown rollback mode',
      { services: [{ service: 's', environment: 'prod', targets: [{ url }], rollback: { mode: 'later' as never } }] },
      'services[0].rollback.mode',
      /must be one of "auto", "approve", "off"/,
    ],
    [
      'a budget past the deploy gate',
      {
        services: [
          { service: 's', environment: 'prod', targets: [{ url }], probe: { timeoutMs: 120_000, retries: 10 } },
        ],
      },
      'services[0] (s/prod)',
      /more than the deploy gate's 15 minutes/,
    ],
  ])('refuses %s, naming the field', (_case, props, field, message) => {
    const error = buildError(props);
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
    expect(error.message).toContain('a 600s rollback wait and 15s to record the outcome need');
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
