// The IAM statements of the Rollgate functions, written out one by one rather than taken from broad grant helpers,
// together with the cdk-nag acknowledgements for the few wildcards AWS leaves no narrower choice for.
import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { HostTags } from '../lambda/core/config/host-tags-schema.ts';
import { SECRET_PARAMETER_PREFIX } from '../lambda/core/config/stack-contract.ts';
import { rollbackTagConditions } from './rollback-tag-conditions.ts';
import type { RollgateFunction } from './rollgate-function.ts';

/** Where each function may write evidence: `deploys/` for the deploy gate, `checks/` for scheduled checks. */
export type EvidencePrefix = 'deploys/' | 'checks/';

export interface RollgateGrantProps {
  readonly evidenceBucket: s3.IBucket;
  readonly evidencePrefix: EvidencePrefix;
  readonly alertTopic: sns.ITopic;
  readonly key: kms.IKey;
  /** The rollback document; the function may send it only when `rollbackHostTags` names some hosts. */
  readonly rollbackDocumentArn: string;
  /**
   * The tags of the hosts this function may roll back, one set per service: it may send the document only to instances
   * carrying every tag of one set, with those values. Empty for a function that never rolls back: then no
   * ssm:SendCommand at all.
   */
  readonly rollbackHostTags: readonly HostTags[];
  /** The deploy gate's idempotency records (encrypted with `key`); undefined for a function without them. */
  readonly idempotencyTable?: dynamodb.ITable;
}

/** Grants a Rollgate function exactly what its handler calls, and acknowledges the unavoidable wildcards. */
export function grantRollgateAccess(target: RollgateFunction, props: RollgateGrantProps): void {
  const stack = Stack.of(target);
  const evidenceObjects = props.evidenceBucket.arnForObjects(`${props.evidencePrefix}*`);
  const parameters = `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${SECRET_PARAMETER_PREFIX}*`;

  target.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'WriteEvidence',
      actions: ['s3:PutObject'],
      resources: [evidenceObjects],
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PublishAlerts',
      actions: ['sns:Publish'],
      resources: [props.alertTopic.topicArn],
    }),
  );
  target.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadHeaderSecrets',
      actions: ['ssm:GetParameter'],
      resources: [parameters],
    }),
  );
  // The key is used only through the services that encrypt with it: S3 (evidence), SNS (alerts), SSM (SecureString).
  target.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'UseRollgateKeyThroughServices',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': ['s3', 'sns', 'ssm'].map((service) => `${service}.${stack.region}.amazonaws.com`),
        },
      },
    }),
  );

  if (props.idempotencyTable) {
    // What Powertools' DynamoDBPersistenceLayer calls, on the one table: no Scan, Query or batch access.
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'KeepIdempotencyRecords',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.idempotencyTable.tableArn],
      }),
    );
    // DynamoDB encrypts and decrypts the table's keys with the caller's permission on the key, and describes it.
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseRollgateKeyThroughDynamoDB',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
      }),
    );
  }

  const findings: Array<{ resource: string; reason: string }> = [
    {
      resource: evidenceObjects,
      reason:
        `Evidence keys are generated per event (${props.evidencePrefix}<name>/<date>/<timestamp>...), so writing ` +
        `needs a wildcard; it is limited to s3:PutObject under ${props.evidencePrefix} (no read, no delete).`,
    },
    {
      resource: parameters,
      reason:
        'Monitor targets name their header secrets at run time; ssm:GetParameter is limited to the /rollgate/ ' +
        'parameter path.',
    },
  ];

  const conditions = rollbackTagConditions(props.rollbackHostTags);
  if (conditions.length > 0) {
    const instances = `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:instance/*`;
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendRollbackDocument',
        actions: ['ssm:SendCommand'],
        resources: [props.rollbackDocumentArn],
      }),
    );
    // One statement per condition set: IAM ANDs the keys of one condition, so sets cannot share a statement.
    conditions.forEach((condition, index) => {
      target.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `SendRollbackToServiceHosts${index}`,
          actions: ['ssm:SendCommand'],
          resources: [instances],
          conditions: {
            StringEquals: Object.fromEntries(
              Object.entries(condition).map(([key, values]) => [
                `ssm:resourceTag/${key}`,
                values.length === 1 ? values[0] : [...values],
              ]),
            ),
          },
        }),
      );
    });
    // Tag targets are resolved to running instance ids before sending, so the evidence names every host.
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FindTaggedInstances',
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
      }),
    );
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FollowRollbackCommand',
        actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations'],
        resources: ['*'],
      }),
    );
    // Only instances SSM manages and sees online are sent the rollback: one stale id would fail the whole command.
    target.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FindManagedInstances',
        actions: ['ssm:DescribeInstanceInformation'],
        resources: ['*'],
      }),
    );
    findings.push(
      {
        resource: instances,
        reason:
          'The hosts to roll back are found at run time by their tags (or named by a deploy event and checked to carry ' +
          'them); ssm:SendCommand on instances is limited by ssm:resourceTag conditions to the tag values of the ' +
          'registered services, so no other host can be sent the document.',
      },
      {
        resource: '*',
        reason:
          'ec2:DescribeInstances, ssm:DescribeInstanceInformation, ssm:GetCommandInvocation and ' +
          'ssm:ListCommandInvocations do not support resource-level permissions; those four read-only actions are ' +
          'the only ones granted on Resource *.',
      },
    );
  }

  const policy = target.role.node.findChild('DefaultPolicy');
  for (const { resource, reason } of findings) {
    const id = `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(resource))}]`;
    Validations.of(policy).acknowledge({ id, reason });
  }
}

/**
 * Renders a resolved resource the way cdk-nag names it in an IAM5 finding (`<Logical.Arn>`, `<AWS::Region>`...), so
 * each acknowledgement covers exactly one resource of one statement and nothing else.
 */
export function nagResourceName(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = resolved as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(nagResourceName).join(delimiter);
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [logicalId, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagResourceName(logicalId)}.${nagResourceName(attribute)}>`;
  }
  if (node.Ref !== undefined) return `<${nagResourceName(node.Ref)}>`;
  return JSON.stringify(resolved);
}
