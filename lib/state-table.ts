// The state table: what Rollgate remembers between runs (monitor states, deployed and known-good versions, rollback
// locks, pauses, evidence chain heads), laid out by core/state/state-table-design.ts, which the DynamoDB adapter reads
// too. A record, unlike the idempotency cache: RETAIN, deletion protection and point-in-time recovery, so neither a
// stack deletion nor a stray delete-table loses which versions were known good.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { stateKeyPrefix, type StateKind } from '../lambda/core/state/state-keys.ts';
import {
  STATE_BY_KIND_INDEX,
  STATE_EXPIRES_AT_ATTRIBUTE,
  STATE_KEY_ATTRIBUTE,
  STATE_KIND_ATTRIBUTE,
} from '../lambda/core/state/state-table-design.ts';

export function createStateTable(scope: Construct, id: string, encryptionKey: kms.IKey): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    partitionKey: { name: STATE_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
    // Expired locks and pauses read as absent at once; DynamoDB removes them later, within days.
    timeToLiveAttribute: STATE_EXPIRES_AT_ATTRIBUTE,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  table.addGlobalSecondaryIndex({
    indexName: STATE_BY_KIND_INDEX,
    partitionKey: { name: STATE_KIND_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
    sortKey: { name: STATE_KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
    // `rollgate status` reads whole items from the index; a state item is a few hundred bytes.
    projectionType: dynamodb.ProjectionType.ALL,
  });
  return table;
}

export interface StateAccessProps {
  readonly table: dynamodb.ITable;
  /** The key the table is encrypted with. */
  readonly key: kms.IKey;
  /** `read` for a function that only consults state; `read-write` for one that records runs, takes locks. */
  readonly access: 'read' | 'read-write';
  /**
   * List every item of a kind through the byKind index (`rollgate status`); the handlers read by key and do not.
   * @default false
   */
  readonly list?: boolean;
  /**
   * The kinds of item it may read: a `dynamodb:LeadingKeys` condition on `<kind>#*`, so a function reads only the
   * items its runs use. @default every kind
   */
  readonly readKinds?: readonly StateKind[];
  /**
   * The kinds of item it may write (with `read-write`): a function can then change only the items it owns, never, say,
   * lift a pause or rewrite another function's records. @default every kind
   */
  readonly writeKinds?: readonly StateKind[];
}

/**
 * Grants exactly what the DynamoDB state adapter calls: BatchGetItem to read; PutItem and DeleteItem to write (a
 * TransactWriteItems is authorised as its puts and deletes, each item's key checked); Query on the byKind index to
 * list. No Scan, no UpdateItem, no GetItem, nothing on other tables or indexes; with `readKinds` and `writeKinds`,
 * nothing on items of other kinds.
 */
export function grantStateAccess(grantee: iam.IGrantable, props: StateAccessProps): void {
  const stack = Stack.of(props.table);
  const write = props.access === 'read-write' && props.writeKinds?.length !== 0;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadRollgateState',
      actions: ['dynamodb:BatchGetItem'],
      resources: [props.table.tableArn],
      ...keyConditions(props.readKinds),
    }),
  ];
  if (write) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteRollgateState',
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
        ...keyConditions(props.writeKinds),
      }),
    );
  }
  if (props.list === true) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ListRollgateState',
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${STATE_BY_KIND_INDEX}`],
      }),
    );
  }
  // DynamoDB decrypts (and, to write, encrypts) the table's data with the caller's permission on the key.
  statements.push(
    new iam.PolicyStatement({
      sid: 'UseRollgateKeyForState',
      actions: write
        ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
        : ['kms:Decrypt', 'kms:DescribeKey'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
    }),
  );
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
}

/** Every key a request names (each of a BatchGetItem's, each of a transaction's) must be of one of the kinds. */
function keyConditions(kinds: readonly StateKind[] | undefined): Pick<iam.PolicyStatementProps, 'conditions'> {
  if (kinds === undefined) return {};
  return {
    conditions: {
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': [...new Set(kinds)].sort().map((kind) => `${stateKeyPrefix(kind)}*`),
      },
    },
  };
}
