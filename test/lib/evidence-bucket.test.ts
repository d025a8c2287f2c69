// Object Lock on the evidence bucket, the production setting: GOVERNANCE unless COMPLIANCE is asked for, a retention
// tied to the lifecycle (by default the checks' expiration, never longer than the deploys'), and the props refused at
// synth when they cannot work together.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { EvidenceBucket, type EvidenceObjectLock } from '../../lib/evidence-bucket.ts';
import { resolveRollgateProps } from '../../lib/resolve-rollgate-props.ts';
import { RollgateConfigError } from '../../lib/rollgate-config-error.ts';
import type { RollgateProps } from '../../lib/rollgate-props.ts';

const LIFECYCLE = {
  checksExpiration: Duration.days(30),
  deploysTransitionToGlacierAfter: Duration.days(90),
  deploysExpiration: Duration.days(365),
};

/** The evidence bucket's template properties, built the way the construct builds it from resolved props. */
function bucketProperties(props: RollgateProps): Record<string, unknown> {
  const resolved = resolveRollgateProps(props);
  const stack = new Stack(new App(), 'EvidenceBucketTest');
  const lock: EvidenceObjectLock | undefined = resolved.objectLock
    ? { mode: resolved.objectLockMode, retention: resolved.objectLockRetention }
    : undefined;
  new EvidenceBucket(stack, 'Evidence', {
    encryptionKey: new kms.Key(stack, 'Key'),
    checksExpiration: resolved.checksExpiration,
    deploysTransitionToGlacierAfter: resolved.deploysTransitionToGlacierAfter,
    deploysExpiration: resolved.deploysExpiration,
    ...(lock !== undefined ? { objectLock: lock } : {}),
  });
  const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
  const evidence = Object.values(buckets).find(
    (bucket) =>
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm === 'aws:kms',
  );
  return evidence!.Properties as Record<string, unknown>;
}

function refusal(props: RollgateProps): RollgateConfigError {
  try {
    bucketProperties(props);
  } catch (error) {
    if (error instanceof RollgateConfigError) return error;
    throw error;
  }
  throw new Error('expected the props to be refused');
}

describe('evidence bucket Object Lock', () => {
  it('is off unless asked for', () => {
    expect(bucketProperties({})).not.toHaveProperty('ObjectLockEnabled');
  });

  it.each([
    ['GOVERNANCE for the checks’ expiration by default', { objectLock: true }, 'GOVERNANCE', 30],
    [
      'the retention following a shorter checks expiration',
      { objectLock: true, checksExpiration: Duration.days(14) },
      'GOVERNANCE',
      14,
    ],
    ['COMPLIANCE when asked for', { objectLock: true, objectLockMode: 'COMPLIANCE' }, 'COMPLIANCE', 30],
    [
      'a retention between the two expirations',
      { objectLock: true, objectLockRetention: Duration.days(180) },
      'GOVERNANCE',
      180,
    ],
    [
      'a retention as long as the deploys are kept',
      { objectLock: true, objectLockRetention: Duration.days(365) },
      'GOVERNANCE',
      365,
    ],
  ] satisfies [string, RollgateProps, string, number][])('locks every version: %s', (_case, props, mode, days) => {
    expect(bucketProperties(props)).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: days } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('keeps the lifecycle that removes expired versions once their lock ends', () => {
    const properties = bucketProperties({ objectLock: true, objectLockRetention: Duration.days(180) }) as {
      LifecycleConfiguration: { Rules: Record<string, unknown>[] };
    };
    expect(properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: 'checks/',
          ExpirationInDays: 30,
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        }),
        expect.objectContaining({
          Prefix: 'deploys/',
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        }),
      ]),
    );
  });

  it.each([
    [
      'a retention longer than the deploys are kept',
      { objectLock: true, objectLockRetention: Duration.days(400) },
      'objectLockRetention',
      /must not be longer than deploysExpiration \(365 days\)/,
    ],
    [
      'a part-day retention',
      { objectLock: true, objectLockRetention: Duration.hours(36) },
      'objectLockRetention',
      /whole number of days/,
    ],
    [
      'a mode without the lock',
      { objectLockMode: 'COMPLIANCE' },
      'objectLockMode',
      /applies only with objectLock: true/,
    ],
    [
      'a mode that is not one',
      { objectLock: true, objectLockMode: 'STRICT' as never },
      'objectLockMode',
      /must be 'GOVERNANCE' or 'COMPLIANCE'/,
    ],
  ] satisfies [string, RollgateProps, string, RegExp][])(
    'refuses %s at synth, naming the prop',
    (_case, props, field, message) => {
      const error = refusal(props);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
    },
  );

  it('refuses a lock mode for a bucket Rollgate does not create', () => {
    const stack = new Stack(new App(), 'Brought');
    const props = {
      evidenceBucket: s3.Bucket.fromBucketName(stack, 'B', 'evidence'),
      objectLockMode: 'GOVERNANCE' as const,
    };
    expect(() => resolveRollgateProps(props)).toThrow(/^objectLockMode: applies only to the bucket Rollgate creates/);
  });

  it('holds the construct itself to a retention the lifecycle can honour', () => {
    const stack = new Stack(new App(), 'Direct');
    expect(
      () =>
        new EvidenceBucket(stack, 'Evidence', {
          encryptionKey: new kms.Key(stack, 'Key'),
          ...LIFECYCLE,
          objectLock: { mode: 'GOVERNANCE', retention: Duration.days(366) },
        }),
    ).toThrow(RollgateConfigError);
  });
});
