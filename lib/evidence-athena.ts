// Ad-hoc questions over the evidence bucket: a Glue database with one table per prefix (deploys/ and checks/), each
// reading the records where the stores put them through partition projection on the key's names and day folders (no
// crawler, no partitions to add), and an Athena workgroup whose results go, encrypted with the Rollgate key, to a
// results bucket of their own, so the evidence bucket stays write-once and its Object Lock untouched.
import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EVIDENCE_COLUMNS } from './evidence-athena-columns.ts';
import { keyEncryptedBucketProps } from './evidence-bucket.ts';

/**
 * The evidence is pretty-printed JSON, one document per object. The Hive and OpenX JSON SerDes read one record per
 * line and fail on it; the Ion SerDe reads JSON (Ion is a superset) across lines.
 */
export const EVIDENCE_SERDE = {
  serializationLibrary: 'com.amazon.ionhiveserde.IonHiveSerDe',
  inputFormat: 'com.amazon.ionhiveserde.formats.IonInputFormat',
  outputFormat: 'com.amazon.ionhiveserde.formats.IonOutputFormat',
} as const;

/** The day folders of an evidence key (`2026/11/23`), as the date projection reads and writes them. */
const DAY_FORMAT = 'yyyy/MM/dd';
const RESULTS_PREFIX = 'results/';

export interface EvidenceAthenaProps {
  readonly evidenceBucket: s3.IBucket;
  /** Encrypts the query results; readers need it to decrypt the evidence too. */
  readonly encryptionKey: kms.IKey;
  /** The registered services: the projection lists their names and environments. */
  readonly services: readonly { readonly service: string; readonly environment: string }[];
  /** The registered monitors' names. */
  readonly monitors: readonly string[];
  /** How far back deploys/ is read: its expiration. */
  readonly deploysRetention: Duration;
  /** How far back checks/ is read: its expiration. */
  readonly checksRetention: Duration;
  /**
   * Where the results bucket logs its server access.
   * @default - no access logs (acknowledged: query results are copies of evidence, kept 7 days)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * How long query results are kept.
   * @default Duration.days(7)
   */
  readonly resultsExpiration?: Duration;
}

export class EvidenceAthena extends Construct {
  readonly databaseName: string;
  readonly database: glue.CfnDatabase;
  /** `deploys`: partitions service, environment, day. */
  readonly deploysTable: glue.CfnTable;
  /** `checks`: partitions monitor, day. */
  readonly checksTable: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly resultsBucket: s3.Bucket;
  private readonly props: EvidenceAthenaProps;

  constructor(scope: Construct, id: string, props: EvidenceAthenaProps) {
    super(scope, id);
    this.props = props;
    // Glue names are lower case letters, digits and underscores, unique in the account's catalog.
    this.databaseName = Names.uniqueResourceName(this, { maxLength: 64, separator: '_' })
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    const catalogId = Stack.of(this).account;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: this.databaseName,
        description: 'Rollgate evidence: one row per record (verdict, rollback, delivery) under deploys/ and checks/',
      },
    });

    const bucket = props.evidenceBucket.bucketName;
    const environments = [...new Set(props.services.map((service) => service.environment))];
    this.deploysTable = this.table('DeploysTable', 'deploys', {
      partitions: ['service', 'environment', 'day'],
      location: `s3://${bucket}/deploys/`,
      template: `s3://${bucket}/deploys/\${service}/\${environment}/\${day}/`,
      projection: {
        ...nameProjection(
          'service',
          props.services.map((service) => service.service),
        ),
        ...nameProjection('environment', environments),
        ...dayProjection(props.deploysRetention),
      },
    });
    this.checksTable = this.table('ChecksTable', 'checks', {
      partitions: ['monitor', 'day'],
      location: `s3://${bucket}/checks/`,
      template: `s3://${bucket}/checks/\${monitor}/\${day}/`,
      projection: { ...nameProjection('monitor', props.monitors), ...dayProjection(props.checksRetention) },
    });

    this.resultsBucket = new s3.Bucket(this, 'Results', {
      ...keyEncryptedBucketProps(props.encryptionKey),
      ...(props.accessLogsBucket !== undefined
        ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 'athena-results/' }
        : {}),
      lifecycleRules: [{ id: 'ExpireQueryResults', expiration: props.resultsExpiration ?? Duration.days(7) }],
    });
    if (props.accessLogsBucket === undefined) {
      Validations.of(this.resultsBucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'The evidence bucket was brought by the app, so Rollgate has no access-log bucket to send to; this bucket ' +
          'holds only query results (copies of evidence), expired after days, and Athena logs each query itself.',
      });
    }

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.databaseName.replace(/_/g, '-'),
      description: 'Rollgate: ad-hoc queries over the evidence (docs/operators.md)',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Every query of the workgroup writes where it says, encrypted, whatever a client asks.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // A query that would scan more than 10 GB of evidence is a mistake (records are a few KiB).
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });
  }

  /**
   * Lets `grantee` run queries in the workgroup: read the tables and the evidence they cover, and write and read the
   * results, with the key for both. Nothing else in the bucket or the catalog.
   */
  grantQuery(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name })],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/*` }),
      ],
    });
    this.props.evidenceBucket.grantRead(grantee, 'deploys/*');
    this.props.evidenceBucket.grantRead(grantee, 'checks/*');
    this.resultsBucket.grantRead(grantee, `${RESULTS_PREFIX}*`);
    this.resultsBucket.grantPut(grantee, `${RESULTS_PREFIX}*`);
    this.props.encryptionKey.grantEncryptDecrypt(grantee);
  }

  private table(
    id: string,
    name: string,
    spec: { partitions: string[]; location: string; template: string; projection: Record<string, string> },
  ): glue.CfnTable {
    const table = new glue.CfnTable(this, id, {
      catalogId: this.database.catalogId,
      databaseName: this.databaseName,
      tableInput: {
        name,
        description: `Rollgate evidence under ${name}/: one row per record`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: spec.partitions.map((partition) => ({ name: partition, type: 'string' })),
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          ...spec.projection,
          'storage.location.template': spec.template,
        },
        storageDescriptor: {
          location: spec.location,
          inputFormat: EVIDENCE_SERDE.inputFormat,
          outputFormat: EVIDENCE_SERDE.outputFormat,
          serdeInfo: {
            serializationLibrary: EVIDENCE_SERDE.serializationLibrary,
            // Keys are matched to columns whatever their case (windowSeconds), and a value too big for its column
            // fails the query rather than reading as something else.
            parameters: { 'ion.path_extractor.case_sensitive': 'false', 'ion.fail_on_overflow': 'true' },
          },
          columns: EVIDENCE_COLUMNS.map((column) => ({ ...column })),
        },
      },
    });
    table.node.addDependency(this.database);
    return table;
  }
}

/**
 * A name partition: the registered names when there are some; injected otherwise (a query then names the value in
 * its WHERE clause), since a projection cannot list nothing.
 */
function nameProjection(partition: string, values: readonly string[]): Record<string, string> {
  const unique = [...new Set(values)].sort();
  return unique.length > 0
    ? { [`projection.${partition}.type`]: 'enum', [`projection.${partition}.values`]: unique.join(',') }
    : { [`projection.${partition}.type`]: 'injected' };
}

/** The day folders, from the oldest a record can still be (its retention) to today. */
function dayProjection(retention: Duration): Record<string, string> {
  return {
    'projection.day.type': 'date',
    'projection.day.format': DAY_FORMAT,
    'projection.day.range': `NOW-${Math.ceil(retention.toDays({ integral: false }))}DAYS,NOW`,
    'projection.day.interval': '1',
    'projection.day.interval.unit': 'DAYS',
  };
}
