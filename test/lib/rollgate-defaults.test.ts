// The Rollgate construct with no props at all: every resource it creates and every default it applies.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  INSTALLED_POWERTOOLS_VERSION,
  removeOutdir,
  resourcesOf,
  roleStatements,
  synthRollgateConstruct,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';

let synth: SynthesizedConstruct;
beforeAll(() => {
  synth = synthRollgateConstruct();
});
afterAll(() => removeOutdir(synth));

const id = (construct: { node: { defaultChild?: unknown } }) =>
  synth.stack.getLogicalId(construct.node.defaultChild as never);
const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

function bucketIds() {
  const buckets = synth.template.findResources('AWS::S3::Bucket');
  const evidence = Object.keys(buckets).find((key) => key.includes('EvidenceBucket'))!;
  const logs = Object.keys(buckets).find((key) => key.includes('AccessLogs'))!;
  return { evidence, logs };
}

describe('evidence bucket', () => {
  it('is encrypted with the construct key (aws:kms, bucket key on)', () => {
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(id(synth.rollgate.key)) },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
  });

  it('blocks all public access, is versioned and logs access to the separate logs bucket', () => {
    const { logs } = bucketIds();
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'evidence/' },
    });
  });

  it('denies every request that does not use TLS', () => {
    const { evidence } = bucketIds();
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: evidence },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires checks/ after 30 days and moves deploys/ to Glacier after 90, expiring after 365', () => {
    const { evidence } = bucketIds();
    const bucket = synth.template.toJSON().Resources[evidence];
    expect(bucket.Properties.LifecycleConfiguration.TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class');
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'checks/', Status: 'Enabled', ExpirationInDays: 30 }),
        expect.objectContaining({
          Prefix: 'deploys/',
          Status: 'Enabled',
          ExpirationInDays: 365,
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
        }),
      ]),
    );
    expect(rules.map((rule) => rule.Prefix).sort()).toEqual(['checks/', 'deploys/']);
  });

  it('has no Object Lock unless asked', () => {
    const { evidence } = bucketIds();
    expect(synth.template.toJSON().Resources[evidence].Properties.ObjectLockEnabled).toBeUndefined();
  });

  it('keeps both buckets when the stack is deleted', () => {
    const { evidence, logs } = bucketIds();
    const resources = synth.template.toJSON().Resources;
    expect(resources[evidence].DeletionPolicy).toBe('Retain');
    expect(resources[logs].DeletionPolicy).toBe('Retain');
  });

  it('sends access logs to an S3-managed, TLS-only, non-public bucket', () => {
    const { logs } = bucketIds();
    const logsBucket = synth.template.toJSON().Resources[logs];
    expect(
      logsBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(logsBucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('key', () => {
  it('rotates and lets CloudWatch alarms use it for the encrypted topic', () => {
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});

describe('alert topic', () => {
  it('is encrypted with the construct key and TLS-only', () => {
    const topicId = id(synth.rollgate.alertTopic);
    synth.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: getAtt(id(synth.rollgate.key)) });
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('has no subscriptions without alertEmails', () => {
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('rollback document', () => {
  it('is a schema 2.2 Command document running the default script', () => {
    const document = Object.values(synth.template.findResources('AWS::SSM::Document'))[0]!;
    expect(document.Properties.DocumentType).toBe('Command');
    expect(document.Properties.Content.schemaVersion).toBe('2.2');
    const [step] = document.Properties.Content.mainSteps;
    expect(step.action).toBe('aws:runShellScript');
    expect(step.inputs.runCommand).toContain("script='/opt/rollgate/rollback.sh'");
    expect(step.inputs.timeoutSeconds).toBe('600');
  });
});

describe('idempotency table', () => {
  it('holds Powertools records: key id, TTL on expiration, on demand, point-in-time recovery, the construct key', () => {
    const table = synth.template.toJSON().Resources[id(synth.rollgate.idempotencyTable)];
    expect(table).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      // A cache of handled events, not evidence: it goes with the stack.
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(id(synth.rollgate.key)) },
      },
    });
    // Beside it, the state table.
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });
});

describe('state table', () => {
  it('is the state table design: pk, the byKind index, TTL on expiresAt, on demand, recoverable, the construct key, kept', () => {
    const table = synth.template.toJSON().Resources[id(synth.rollgate.stateTable)];
    expect(table).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'byKind' })],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(id(synth.rollgate.key)) },
        DeletionProtectionEnabled: true,
      },
    });
  });
});

describe('functions', () => {
  const idempotencyTableVariable = () => ({ ROLLGATE_IDEMPOTENCY_TABLE: { Ref: id(synth.rollgate.idempotencyTable) } });
  it.each([
    ['deploy gate', () => synth.rollgate.deployGateFunction, 900, idempotencyTableVariable],
    ['scheduled check', () => synth.rollgate.scheduledCheckFunction, 120, () => ({})],
  ])(
    'runs the %s on nodejs22.x, arm64, 256 MB, with its timeout, DLQ and the handler environment',
    (_name, fn, timeout, own) => {
      const resource = synth.template.toJSON().Resources[id(fn())];
      expect(resource.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: timeout,
        Handler: 'index.handler',
        DeadLetterConfig: { TargetArn: expect.anything() },
        LoggingConfig: { LogGroup: { Ref: expect.stringContaining('Logs') } },
      });
      expect(resource.Properties.Environment.Variables).toEqual({
        ROLLGATE_EVIDENCE_BUCKET: { Ref: bucketIds().evidence },
        ROLLGATE_ALERT_TOPIC_ARN: { Ref: id(synth.rollgate.alertTopic) },
        ROLLGATE_ROLLBACK_DOCUMENT: { Ref: expect.stringContaining('RollbackDocument') },
        ROLLGATE_ROLLBACK_WAIT_SECONDS: '600',
        ROLLGATE_REGISTRY_FILE: '/opt/rollgate/registry.json',
        ROLLGATE_STATE_TABLE: { Ref: id(synth.rollgate.stateTable) },
        POWERTOOLS_SERVICE_NAME: 'rollgate',
        POWERTOOLS_METRICS_NAMESPACE: 'Rollgate',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...own(),
      });
    },
  );

  it('loads Powertools from its public layer, pinned to the installed version through its SSM parameter', () => {
    const parameters = Object.entries(
      synth.template.toJSON().Parameters as Record<string, { Type: string; Default: string }>,
    ).filter(([, parameter]) => parameter.Default.startsWith('/aws/service/powertools/'));
    expect(parameters.map(([, parameter]) => parameter.Default)).toEqual([
      `/aws/service/powertools/typescript/generic/all/${INSTALLED_POWERTOOLS_VERSION}`,
    ]);
    const [[layerParameter]] = parameters as [[string, unknown]];
    for (const fn of [synth.rollgate.deployGateFunction, synth.rollgate.scheduledCheckFunction]) {
      expect(synth.template.toJSON().Resources[id(fn)].Properties.Layers).toEqual([
        { Ref: layerParameter },
        { Ref: id(synth.rollgate.registryLayer as never) },
      ]);
    }
  });

  it('never retries the deploy gate, and retries a check once when no monitor can roll back', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(synth.rollgate.deployGateFunction) },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(synth.rollgate.scheduledCheckFunction) },
      MaximumRetryAttempts: 1,
    });
  });

  it('writes to explicit log groups kept for three months', () => {
    const groups = Object.values(synth.template.findResources('AWS::Logs::LogGroup'));
    // The deploy gate, the scheduled check, the workflow's task function and starter, the alarm relay, and the state
    // machine.
    expect(groups).toHaveLength(6);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('gives every dead-letter queue SSE and a TLS-only policy', () => {
    const queues = synth.template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(5);
    for (const [queueId, queue] of Object.entries(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('IAM', () => {
  const statementsOf = (fn: () => Parameters<typeof roleStatements>[1]) => roleStatements(synth, fn());

  it('grants the deploy gate exactly what its handler calls: with no service registered, no rollback at all', () => {
    const actions = statementsOf(() => synth.rollgate.deployGateFunction)
      .flatMap(actionsOf)
      .sort();
    expect(actions).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:Decrypt',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:GenerateDataKey',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:PutObject',
      'sns:Publish',
      'sqs:SendMessage',
      'ssm:GetParameter',
    ]);
  });

  it('keeps idempotency records in the one table, with item calls only, and the key only through DynamoDB', () => {
    const statements = roleStatements(synth, synth.rollgate.deployGateFunction);
    const records = statements.find((statement) => statement.Sid === 'KeepIdempotencyRecords')!;
    expect(records).toMatchObject({
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: getAtt(id(synth.rollgate.idempotencyTable)),
    });
    expect(statements.find((statement) => statement.Sid === 'UseRollgateKeyThroughDynamoDB')).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: getAtt(id(synth.rollgate.key)),
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    });
    const scheduled = roleStatements(synth, synth.rollgate.scheduledCheckFunction);
    expect(scheduled.some((statement) => statement.Sid === 'KeepIdempotencyRecords')).toBe(false);
  });

  const stateStatements = (fn: () => Parameters<typeof roleStatements>[1]) =>
    Object.fromEntries(
      statementsOf(fn)
        .filter((statement) => statement.Sid?.includes('RollgateState'))
        .map((statement) => [statement.Sid, statement]),
    );

  it("lets the deploy gate read its service's items and write only its versions and its evidence chains' heads: no rollback, so no lock", () => {
    const table = getAtt(id(synth.rollgate.stateTable));
    expect(stateStatements(() => synth.rollgate.deployGateFunction)).toEqual({
      ReadRollgateState: {
        Sid: 'ReadRollgateState',
        Effect: 'Allow',
        Action: 'dynamodb:BatchGetItem',
        Resource: table,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['chain#*', 'lock#*', 'pause#*', 'service#*'] },
        },
      },
      WriteRollgateState: {
        Sid: 'WriteRollgateState',
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        Resource: table,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['chain#*', 'service#*'] } },
      },
    });
  });

  it('lets the scheduled check write only its monitors and their evidence chains when none rolls back: never a pause, a lock or a version', () => {
    const statements = stateStatements(() => synth.rollgate.scheduledCheckFunction);
    expect(statements.ReadRollgateState?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['chain#*', 'lock#*', 'monitor#*', 'pause#*', 'service#*'] },
    });
    expect(statements.WriteRollgateState?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['chain#*', 'monitor#*'] },
    });
  });

  it('uses the key for the state table only through DynamoDB', () => {
    for (const fn of [synth.rollgate.deployGateFunction, synth.rollgate.scheduledCheckFunction]) {
      expect(roleStatements(synth, fn).find((statement) => statement.Sid === 'UseRollgateKeyForState')).toMatchObject({
        Resource: getAtt(id(synth.rollgate.key)),
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      });
    }
  });

  it('gives the scheduled check no ssm:SendCommand when no monitor rolls back', () => {
    const actions = statementsOf(() => synth.rollgate.scheduledCheckFunction).flatMap(actionsOf);
    expect(actions).not.toContain('ssm:SendCommand');
    expect(actions).not.toContain('ssm:GetCommandInvocation');
    expect(actions).not.toContain('ec2:DescribeInstances');
  });

  it('keeps Resource "*" to the read-only actions that have no resource-level permissions', () => {
    for (const fn of [synth.rollgate.deployGateFunction, synth.rollgate.scheduledCheckFunction]) {
      const wildcards = roleStatements(synth, fn).filter((statement) => resourcesOf(statement).includes('*'));
      for (const action of wildcards.flatMap(actionsOf)) {
        expect([
          'ec2:DescribeInstances',
          'ssm:DescribeInstanceInformation',
          'ssm:GetCommandInvocation',
          'ssm:ListCommandInvocations',
        ]).toContain(action);
      }
    }
  });

  it.each([
    ['deploy gate', () => synth.rollgate.deployGateFunction, '/deploys/*'],
    ['scheduled check', () => synth.rollgate.scheduledCheckFunction, '/checks/*'],
  ])('lets the %s put evidence only under its prefix, and never delete or read it', (_name, fn, suffix) => {
    const statements = roleStatements(synth, fn());
    const s3Actions = statements.flatMap(actionsOf).filter((action) => action.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:PutObject']);
    const put = statements.find((statement) => actionsOf(statement).includes('s3:PutObject'))!;
    expect(put.Resource).toEqual({ 'Fn::Join': ['', [getAtt(bucketIds().evidence), suffix]] });
  });

  it('reads parameters only under /rollgate/ and uses only the construct key, through S3, SNS and SSM', () => {
    const statements = roleStatements(synth, synth.rollgate.deployGateFunction);
    const parameters = statements.find((statement) => actionsOf(statement).includes('ssm:GetParameter'))!;
    expect(JSON.stringify(parameters.Resource)).toMatch(/:parameter\/rollgate\/\*"\]\]\}$/);
    const key = statements.find((statement) => statement.Sid === 'UseRollgateKeyThroughServices')!;
    expect(key.Resource).toEqual(getAtt(id(synth.rollgate.key)));
    expect(JSON.stringify(key.Condition)).toMatch(/s3\..*sns\..*ssm\./);
  });

  it('attaches no managed policy (no AWSLambdaBasicExecutionRole)', () => {
    for (const role of Object.values(synth.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('triggers', () => {
  it('starts the deploy workflow for rollgate.deploy "Deployment Completed" events on the default bus', () => {
    const rules = synth.template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules)).toHaveLength(1);
    const rule = Object.values(rules)[0]!;
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.EventPattern).toEqual({
      source: ['rollgate.deploy'],
      'detail-type': ['Deployment Completed'],
    });
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: getAtt(id(synth.rollgate.deployWorkflow.starterFunction.function)),
        DeadLetterConfig: { Arn: getAtt(id(synth.rollgate.deployWorkflow.starterFunction.deadLetterQueue)) },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      }),
    ]);
  });
});

describe('alarms', () => {
  it('watches errors, throttles and DLQ depth of every function, broken workflow executions, failed gates and undelivered alerts', () => {
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'));
    const perFunction = (metric: string) => Array.from({ length: 5 }, () => metric);
    expect(alarms.map((alarm) => alarm.Properties.MetricName ?? alarm.Properties.Metrics[0].Expression).sort()).toEqual(
      [
        'AlertDeliveryFailed',
        ...perFunction('ApproximateNumberOfMessagesVisible'),
        ...perFunction('Errors'),
        'GateFailed',
        ...perFunction('Throttles'),
        'failed + timedOut + aborted',
      ],
    );
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        AlarmActions: [{ Ref: id(synth.rollgate.alertTopic) }],
      });
    }
  });

  it('alarms on AlertDeliveryFailed >= 1 summed over 5 minutes, to the alert topic alone when no other is given', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Rollgate',
      MetricName: 'AlertDeliveryFailed',
      Dimensions: [{ Name: 'service', Value: 'rollgate' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: id(synth.rollgate.alertTopic) }],
    });
    expect(synth.rollgate.alarms).toContain(synth.rollgate.alertDeliveryFailedAlarm);
    expect(synth.rollgate.alertDeliveryAlarmTopic).toBeUndefined();
  });

  it('alarms on GateFailed >= 1 summed over 5 minutes for service=rollgate', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Rollgate',
      MetricName: 'GateFailed',
      Dimensions: [{ Name: 'service', Value: 'rollgate' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('outputs', () => {
  it('names the bucket, topic, functions, document and state table, and shows the deploy pattern and a put-events example', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const byName = (name: string) => Object.entries(outputs).find(([key]) => key.includes(name))?.[1].Value;
    expect(byName('EvidenceBucketName')).toEqual({ Ref: bucketIds().evidence });
    expect(byName('AlertTopicArn')).toEqual({ Ref: id(synth.rollgate.alertTopic) });
    expect(byName('DeployGateFunctionName')).toEqual({ Ref: id(synth.rollgate.deployGateFunction) });
    expect(byName('ScheduledCheckFunctionName')).toEqual({ Ref: id(synth.rollgate.scheduledCheckFunction) });
    expect(byName('RollbackDocumentName')).toEqual({ Ref: expect.stringContaining('RollbackDocument') });
    expect(byName('StateTableName')).toEqual({ Ref: id(synth.rollgate.stateTable) });
    expect(JSON.parse(byName('DeployEventPattern') as string)).toEqual({
      source: ['rollgate.deploy'],
      'detail-type': ['Deployment Completed'],
    });
    const command = byName('ExamplePutEventsCommand') as string;
    const entries = JSON.parse(command.match(/^aws events put-events --entries '(.*)'$/)![1]!);
    expect(entries).toEqual([
      expect.objectContaining({
        EventBusName: 'default',
        Source: 'rollgate.deploy',
        DetailType: 'Deployment Completed',
      }),
    ]);
    expect(JSON.parse(entries[0].Detail)).toMatchObject({ service: 'checkout', previousVersion: '1.4.1' });
  });
});
