// The evidence bucket: write-once records of every gate and check, KMS-encrypted, TLS-only, versioned and
// access-logged, expiring by prefix. Both buckets outlive the stack (RETAIN): evidence is the point of Rollgate.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface EvidenceBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly checksExpiration: Duration;
  readonly deploysTransitionToGlacierAfter: Duration;
  readonly deploysExpiration: Duration;
  /** Default GOVERNANCE retention, or undefined for no Object Lock. */
  readonly objectLockRetention?: Duration;
}

/** Evidence is written once (IfNoneMatch "*"), so a noncurrent version only appears when the lifecycle expires an
 * object; it is then removed for good after this grace period. */
const NONCURRENT_VERSION_GRACE = Duration.days(7);

export class EvidenceBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);

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
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'evidence/',
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.objectLockRetention
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: s3.ObjectLockRetention.governance(props.objectLockRetention),
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
