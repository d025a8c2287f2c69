// The evidence bucket: write-once records of every gate and check, KMS-encrypted, TLS-only, versioned and
// access-logged, expiring by prefix, and with Object Lock (the production setting) locked for a retention tied to that
// lifecycle. Both buckets outlive the stack (RETAIN): evidence is the point of Rollgate.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RollgateConfigError } from './rollgate-config-error.ts';

/**
 * `GOVERNANCE`: no one overwrites or deletes a locked version, except a principal granted
 * s3:BypassGovernanceRetention who asks to (a way back from a mistake). `COMPLIANCE`: no one at all, the account's
 * root included, until the retention ends; nor can the retention be shortened.
 */
export type EvidenceObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface EvidenceObjectLock {
  readonly mode: EvidenceObjectLockMode;
  /**
   * How long each object version stays locked after it is written. Never longer than `deploysExpiration`: a lock
   * outliving its record's expiration would keep it past the lifecycle. Longer than `checksExpiration`, a check's
   * record expires on time (a delete marker hides it) but its locked version stays, billed, until the retention ends.
   */
  readonly retention: Duration;
}

export interface EvidenceBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly checksExpiration: Duration;
  readonly deploysTransitionToGlacierAfter: Duration;
  readonly deploysExpiration: Duration;
  /** Object Lock on every evidence object version; undefined for none. */
  readonly objectLock?: EvidenceObjectLock;
}

/** Evidence is written once (IfNoneMatch "*"), so a noncurrent version only appears when the lifecycle expires an
 * object; it is then removed for good after this grace period. */
const NONCURRENT_VERSION_GRACE = Duration.days(7);

export class EvidenceBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const lock = props.objectLock;
    if (lock !== undefined) checkObjectLockRetention(lock.retention, props.deploysExpiration);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging cannot deliver to a bucket encrypted with a customer-managed KMS key.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      // Access records are kept as long as the longest-lived evidence they describe.
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: props.deploysExpiration }],
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...keyEncryptedBucketProps(props.encryptionKey),
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'evidence/',
      ...(lock !== undefined
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              lock.mode === 'COMPLIANCE'
                ? s3.ObjectLockRetention.compliance(lock.retention)
                : s3.ObjectLockRetention.governance(lock.retention),
          }
        : {}),
      // Evidence records are a few KB; under the S3 default (no transition below 128 KB) the Glacier rule would
      // never fire. This lets small objects reach Glacier Flexible Retrieval (but not the IA classes).
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS,
      lifecycleRules: [
        {
          id: 'ExpireChecks',
          prefix: 'checks/',
          expiration: props.checksExpiration,
          noncurrentVersionExpiration: NONCURRENT_VERSION_GRACE,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'ArchiveThenExpireDeploys',
          prefix: 'deploys/',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: props.deploysTransitionToGlacierAfter },
          ],
          expiration: props.deploysExpiration,
          noncurrentVersionExpiration: NONCURRENT_VERSION_GRACE,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }
}

/**
 * What every bucket encrypted with the Rollgate key shares (the evidence and the Athena results): KMS with a bucket
 * key, TLS 1.2 and up only, no public access, objects owned by the bucket, kept when the stack is deleted.
 */
export function keyEncryptedBucketProps(encryptionKey: kms.IKey): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * A retention the lifecycle can honour: whole days, and no longer than the longest-kept prefix (deploys/) is kept.
 * Throws RollgateConfigError naming objectLockRetention.
 */
export function checkObjectLockRetention(retention: Duration, deploysExpiration: Duration): void {
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw new RollgateConfigError(
      'objectLockRetention',
      retention.toHumanString(),
      'must be a whole number of days, at least 1',
    );
  }
  const expirationDays = deploysExpiration.toDays();
  if (days > expirationDays) {
    throw new RollgateConfigError(
      'objectLockRetention',
      retention.toHumanString(),
      `must not be longer than deploysExpiration (${expirationDays} days): a record locked past its expiration outlives the lifecycle that should remove it`,
    );
  }
}
