// The state table in a stack of its own: the layout the DynamoDB adapter expects (from the shared design constants),
// on demand, recoverable, encrypted with the Rollgate key, kept when the stack goes; and grants that give a reader, a
// writer and a lister exactly the calls the adapter makes. cdk-nag finds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyNagChecks } from '../../lib/apply-nag-checks.ts';
import { createStateTable, grantStateAccess } from '../../lib/state-table.ts';
import {
  STATE_BY_KIND_INDEX,
  STATE_EXPIRES_AT_ATTRIBUTE,
  STATE_KEY_ATTRIBUTE,
  STATE_KIND_ATTRIBUTE,
} from '../../lambda/core/state/state-table-design.ts';
import { nagViolations } from '../support/synth-stack.ts';

const outdir = mkdtempSync(path.join(tmpdir(), 'rollgate-state-table-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

let stack: Stack;
let tableArn: unknown;
let keyArn: unknown;
let template: Template;
let violations: ReturnType<typeof nagViolations>;
beforeAll(() => {
  // Only the table and its grants are under test; the CloudFormation schema checks run on the full app (cfn-lint).
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  stack = new Stack(app, 'StateTableTest');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const table = createStateTable(stack, 'State', key);
  tableArn = stack.resolve(table.tableArn);
  keyArn = stack.resolve(key.keyArn);
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grantStateAccess(role('Reader'), { table, key, access: 'read' });
  grantStateAccess(role('Writer'), { table, key, access: 'read-write' });
  grantStateAccess(role('Lister'), { table, key, access: 'read', list: true });
  grantStateAccess(role('Narrow'), {
    table,
    key,
    access: 'read-write',
    readKinds: ['service', 'monitor', 'lock'],
    writeKinds: ['monitor'],
  });
  grantStateAccess(role('NoWrites'), { table, key, access: 'read-write', readKinds: ['pause'], writeKinds: [] });
  applyNagChecks(app);
  const assembly = app.synth();
  template = Template.fromStack(stack);
  violations = nagViolations(assembly);
});

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements granted to one role, by Sid, with their actions as a list. */
function statementsOf(roleId: string): Record<string, { actions: string[]; resource: unknown; condition?: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${roleId}`) }] },
  });
  const statements = Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
  return Object.fromEntries(
    statements.map((statement) => [
      statement.Sid,
      { actions: [statement.Action].flat(), resource: statement.Resource, condition: statement.Condition },
    ]),
  );
}

const VIA_DYNAMODB = {
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
};

describe('createStateTable', () => {
  it('lays the table out as the adapter expects: pk, and the byKind index over kind and pk with every attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: STATE_KEY_ATTRIBUTE, KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayEquals([
        { AttributeName: STATE_KEY_ATTRIBUTE, AttributeType: 'S' },
        { AttributeName: STATE_KIND_ATTRIBUTE, AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: STATE_BY_KIND_INDEX,
          KeySchema: [
            { AttributeName: STATE_KIND_ATTRIBUTE, KeyType: 'HASH' },
            { AttributeName: STATE_KEY_ATTRIBUTE, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: STATE_EXPIRES_AT_ATTRIBUTE, Enabled: true },
    });
  });

  it('is on demand, recoverable to a point in time, and encrypted with the Rollgate key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
  });

  it('survives the stack: retained on deletion and replacement, and protected from deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('draws no cdk-nag finding', () => {
    expect(violations).toEqual([]);
  });
});

describe('grantStateAccess', () => {
  it('lets a reader batch-get items and decrypt them through DynamoDB, and nothing else', () => {
    expect(statementsOf('Reader')).toEqual({
      ReadRollgateState: { actions: ['dynamodb:BatchGetItem'], resource: tableArn, condition: undefined },
      UseRollgateKeyForState: {
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resource: keyArn,
        condition: VIA_DYNAMODB,
      },
    });
  });

  it('lets a writer also put and delete items (what a transaction is authorised as) and encrypt them', () => {
    expect(statementsOf('Writer')).toEqual({
      ReadRollgateState: { actions: ['dynamodb:BatchGetItem'], resource: tableArn, condition: undefined },
      WriteRollgateState: {
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resource: tableArn,
        condition: undefined,
      },
      UseRollgateKeyForState: {
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resource: keyArn,
        condition: VIA_DYNAMODB,
      },
    });
  });

  it("holds reads and writes to the kinds of item given, by the items' keys (dynamodb:LeadingKeys)", () => {
    const statements = statementsOf('Narrow');
    expect(statements.ReadRollgateState?.condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['lock#*', 'monitor#*', 'service#*'] },
    });
    expect(statements.WriteRollgateState?.condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['monitor#*'] },
    });
  });

  it('grants no write at all for no kinds to write, and the key for reading only', () => {
    const statements = statementsOf('NoWrites');
    expect(Object.keys(statements).sort()).toEqual(['ReadRollgateState', 'UseRollgateKeyForState']);
    expect(statements.UseRollgateKeyForState?.actions).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  it('lets a lister query the byKind index only, not the table', () => {
    expect(statementsOf('Lister').ListRollgateState).toEqual({
      actions: ['dynamodb:Query'],
      resource: { 'Fn::Join': ['', [tableArn, `/index/${STATE_BY_KIND_INDEX}`]] },
      condition: undefined,
    });
  });
});
