// The Rollgate construct with every prop set: brought topic, bus, document and key, object lock, custom lifecycle and
// retention, e-mail subscriptions and monitors (one with targets that rolls back).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistry } from '../../lambda/core/config/registry.ts';
import {
  actionsOf,
  BROUGHT_PAGER_TOPIC_ARN as PAGER_TOPIC_ARN,
  BROUGHT_TOPIC_ARN as TOPIC_ARN,
  fullRollgateProps,
  functionBundleDirectory,
  POWERTOOLS_LOGGER_SOURCE_MARKER,
  removeOutdir,
  resourcesOf,
  roleStatements,
  synthRollgateConstruct,
  type SynthesizedConstruct,
} from '../support/synth-stack.ts';

let synth: SynthesizedConstruct;
beforeAll(() => {
  synth = synthRollgateConstruct(fullRollgateProps);
});
afterAll(() => removeOutdir(synth));

const id = (construct: { node: { defaultChild?: unknown } }) =>
  synth.stack.getLogicalId(construct.node.defaultChild as never);

describe('brought resources', () => {
  it('creates no alert topic, document or key of its own, only the topic for alerts-not-delivered e-mails', () => {
    synth.template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(synth.rollgate.alertDeliveryAlarmTopic).toBeDefined();
    synth.template.resourceCountIs('AWS::SSM::Document', 0);
    synth.template.resourceCountIs('AWS::KMS::Key', 1);
  });

  it('subscribes each address to the brought topic with a dead-letter queue', () => {
    const subscriptions = Object.values(synth.template.findResources('AWS::SNS::Subscription')).filter(
      (subscription) => subscription.Properties.TopicArn === TOPIC_ARN,
    );
    expect(subscriptions.map((s) => s.Properties.Endpoint).sort()).toEqual([
      'oncall@example.com',
      'release@example.com',
    ]);
    for (const subscription of subscriptions) {
      expect(subscription.Properties).toMatchObject({
        Protocol: 'email',
        TopicArn: TOPIC_ARN,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [id(synth.rollgate.alertDeliveryDeadLetterQueue!), 'Arn'] },
        },
      });
    }
  });

  it('listens on the brought bus with the given pattern', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'deploys',
      EventPattern: { source: ['acme.ci'], 'detail-type': ['Deployment Completed'], detail: { environment: ['prod'] } },
    });
  });

  it('points the functions at the brought topic and document', () => {
    const variables =
      synth.template.toJSON().Resources[id(synth.rollgate.deployGateFunction)].Properties.Environment.Variables;
    expect(variables).toMatchObject({
      ROLLGATE_ALERT_TOPIC_ARN: TOPIC_ARN,
      ROLLGATE_ROLLBACK_DOCUMENT: 'Acme-Rollback',
      ROLLGATE_ROLLBACK_WAIT_SECONDS: '300',
      ROLLGATE_STATE_TABLE: { Ref: id(synth.rollgate.stateTable) },
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  });

  it('encrypts evidence with the brought key', () => {
    expect(synth.rollgate.key.node.id).toBe('BroughtKey');
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [id(synth.rollgate.key), 'Arn'] },
            },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
  });
});

describe('evidence', () => {
  it('locks objects in GOVERNANCE mode for the given retention', () => {
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 45 } },
      },
    });
  });

  it('applies the custom lifecycle days', () => {
    const bucket = Object.values(synth.template.findResources('AWS::S3::Bucket')).find(
      (resource) => resource.Properties.ObjectLockEnabled,
    )!;
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'checks/', ExpirationInDays: 14 }),
        expect.objectContaining({
          Prefix: 'deploys/',
          ExpirationInDays: 730,
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 60 }],
        }),
      ]),
    );
  });
});

describe('functions', () => {
  it('uses the given memory, check timeout and log retention', () => {
    const resources = synth.template.toJSON().Resources;
    expect(resources[id(synth.rollgate.deployGateFunction)].Properties).toMatchObject({
      MemorySize: 512,
      Timeout: 900,
    });
    expect(resources[id(synth.rollgate.scheduledCheckFunction)].Properties).toMatchObject({
      MemorySize: 512,
      Timeout: 360,
    });
    for (const group of Object.values(synth.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });

  it.each([
    ['deploy gate', () => synth.rollgate.deployGateFunction],
    ['scheduled check', () => synth.rollgate.scheduledCheckFunction],
  ])(
    'bundles Powertools into the %s, with no layer but the registry and no layer parameter, when told to',
    (_name, fn) => {
      expect(synth.template.toJSON().Resources[id(fn())].Properties.Layers).toEqual([
        { Ref: id(synth.rollgate.registryLayer as never) },
      ]);
      expect(JSON.stringify(synth.template.toJSON().Parameters ?? {})).not.toContain('/aws/service/powertools/');
      const source = readFileSync(
        path.join(functionBundleDirectory(synth.assembly, synth.stack, fn()), 'index.js'),
        'utf8',
      );
      expect(source).toContain(POWERTOOLS_LOGGER_SOURCE_MARKER);
      expect(source).not.toContain('require("@aws-lambda-powertools/');
    },
  );

  it('never retries a check when a monitor can roll back', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(synth.rollgate.scheduledCheckFunction) },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('IAM', () => {
  it.each([
    ['deploy gate', () => synth.rollgate.deployGateFunction],
    ['scheduled check', () => synth.rollgate.scheduledCheckFunction],
  ])('lets the %s send only the named document, and only to tagged instances', (_name, fn) => {
    const statements = roleStatements(synth, fn());
    const sendCommand = statements.filter((statement) => actionsOf(statement).includes('ssm:SendCommand'));
    for (const statement of sendCommand) expect(resourcesOf(statement)).not.toContain('*');
    const document = sendCommand.find((statement) => statement.Sid === 'SendRollbackDocument')!;
    expect(JSON.stringify(document.Resource)).toContain(':document/Acme-Rollback');
  });

  it("conditions the deploy gate's SendCommand on the registered services' tag values, not on a tag's presence", () => {
    const conditions = roleStatements(synth, synth.rollgate.deployGateFunction)
      .filter((statement) => String(statement.Sid).startsWith('SendRollbackToServiceHosts'))
      .map((statement) => statement.Condition);
    // checkout in two environments is one condition; orders by its own tags; ledger (rollback off) is not there.
    expect(conditions).toEqual([
      {
        StringEquals: {
          'ssm:resourceTag/rollgate:service': 'checkout',
          'ssm:resourceTag/rollgate:environment': ['prod', 'staging'],
        },
      },
      { StringEquals: { 'ssm:resourceTag/app': 'orders', 'ssm:resourceTag/stage': 'live' } },
    ]);
    expect(JSON.stringify(conditions)).not.toContain('ledger');
  });

  it("conditions the scheduled check's SendCommand on the rolling-back monitor's service", () => {
    const conditions = roleStatements(synth, synth.rollgate.scheduledCheckFunction)
      .filter((statement) => String(statement.Sid).startsWith('SendRollbackToServiceHosts'))
      .map((statement) => statement.Condition);
    expect(conditions).toEqual([
      {
        StringEquals: {
          'ssm:resourceTag/rollgate:service': 'payments',
          'ssm:resourceTag/rollgate:environment': 'prod',
        },
      },
    ]);
  });

  it.each([
    ['deploy gate', () => synth.rollgate.deployGateFunction, ['chain#*', 'lock#*', 'service#*']],
    ['scheduled check', () => synth.rollgate.scheduledCheckFunction, ['chain#*', 'lock#*', 'monitor#*', 'service#*']],
  ])('lets the %s, which rolls back, also take the rollback lock and record the rollback: %j', (_name, fn, kinds) => {
    const write = roleStatements(synth, fn()).find((statement) => statement.Sid === 'WriteRollgateState');
    expect(write?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': kinds } });
  });

  it('publishes only to the brought topic and uses only the brought key', () => {
    const statements = roleStatements(synth, synth.rollgate.deployGateFunction);
    expect(statements.find((statement) => actionsOf(statement).includes('sns:Publish'))!.Resource).toBe(TOPIC_ARN);
    expect(statements.find((statement) => actionsOf(statement).includes('kms:Decrypt'))!.Resource).toEqual({
      'Fn::GetAtt': [id(synth.rollgate.key), 'Arn'],
    });
  });

  it('grants no s3:DeleteObject anywhere', () => {
    const all = [synth.rollgate.deployGateFunction, synth.rollgate.scheduledCheckFunction]
      .flatMap((fn) => roleStatements(synth, fn))
      .flatMap(actionsOf);
    expect(all.filter((action) => action.startsWith('s3:'))).toEqual(['s3:PutObject', 's3:PutObject']);
  });
});

describe('monitors', () => {
  const monitorRules = () =>
    Object.values(synth.template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.ScheduleExpression !== undefined,
    );

  it('gives each monitor a schedule rule (default every 5 minutes) targeting the scheduled check', () => {
    const schedules = monitorRules()
      .map((rule) => rule.Properties.ScheduleExpression)
      .sort();
    expect(schedules).toEqual(['rate(1 minute)', 'rate(5 minutes)']);
    for (const rule of monitorRules()) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [id(synth.rollgate.scheduledCheckFunction), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(synth.rollgate.scheduledCheckDeadLetterQueue), 'Arn'] } },
        }),
      ]);
    }
  });

  it('sends each monitor its name only: the check finds the rest in its registry', () => {
    const inputs = monitorRules().map((rule) => JSON.parse(rule.Properties.Targets[0].Input));
    expect(inputs).toEqual(expect.arrayContaining([{ monitor: 'checkout-prod' }, { monitor: 'payments.prod' }]));
  });
});

describe('registry layer', () => {
  it('holds the services and monitors, validated and with their defaults, for both functions', () => {
    const layer = synth.template.toJSON().Resources[id(synth.rollgate.registryLayer as never)];
    // An asset's staging folder in the assembly is named after its hash, which is the S3 key without `.zip`.
    const folder = `asset.${String(layer.Properties.Content.S3Key).replace(/\.zip$/, '')}`;
    const file = path.join(synth.assembly.directory, folder, 'rollgate', 'registry.json');
    const registry = parseRegistry(JSON.parse(readFileSync(file, 'utf8')));
    expect(registry.services.map((service) => `${service.service}/${service.environment}`)).toEqual([
      'checkout/prod',
      'checkout/staging',
      'orders/prod',
      'ledger/prod',
    ]);
    expect(registry.monitors.find((monitor) => monitor.name === 'payments.prod')).toMatchObject({
      rollbackOnFailure: true,
      failureThreshold: 3,
      targets: [{ headers: { authorization: { ssm: '/rollgate/payments/token' } } }],
    });
    for (const fn of [synth.rollgate.deployGateFunction, synth.rollgate.scheduledCheckFunction]) {
      expect(synth.template.toJSON().Resources[id(fn)].Properties.Environment.Variables).toMatchObject({
        ROLLGATE_REGISTRY_FILE: '/opt/rollgate/registry.json',
      });
    }
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'));
  const deliveryAlarmIds = () =>
    [synth.rollgate.alertDeliveryFailedAlarm, ...synth.rollgate.alarms.slice(-1)].map((alarm) => id(alarm));

  it('also watches the alert-delivery dead-letter queue, and notifies the brought topic', () => {
    // The 10 of the gate and the checks, the workflow's: 3 per function (task, starter) and its broken executions, the
    // alarm relay's 3, and a down alarm per watched service, which notifies through the relay (no action of its own).
    const downAlarmIds = [...synth.rollgate.operationsDashboard.downAlarms.values()].map(id);
    expect(downAlarmIds.length).toBeGreaterThan(0);
    expect(alarms()).toHaveLength(20 + downAlarmIds.length);
    expect(
      alarms().filter((alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'),
    ).toHaveLength(7);
    const resources = synth.template.findResources('AWS::CloudWatch::Alarm');
    for (const [logicalId, alarm] of Object.entries(resources)) {
      if (downAlarmIds.includes(logicalId)) expect(alarm.Properties.AlarmActions).toBeUndefined();
      else if (!deliveryAlarmIds().includes(logicalId)) expect(alarm.Properties.AlarmActions).toEqual([TOPIC_ARN]);
    }
  });

  it('tells the brought pager topic and its own e-mail topic, not only the alert topic, when alerts are not delivered', () => {
    const resources = synth.template.findResources('AWS::CloudWatch::Alarm');
    const emailTopic = { Ref: id(synth.rollgate.alertDeliveryAlarmTopic as never) };
    expect(resources[id(synth.rollgate.alertDeliveryFailedAlarm)]?.Properties).toMatchObject({
      MetricName: 'AlertDeliveryFailed',
      AlarmActions: [TOPIC_ARN, PAGER_TOPIC_ARN, emailTopic],
    });
    const [subscription] = Object.values(synth.template.findResources('AWS::SNS::Subscription')).filter(
      (candidate) => candidate.Properties.Endpoint === 'platform@example.com',
    );
    expect(subscription?.Properties).toMatchObject({ Protocol: 'email', TopicArn: emailTopic });
    // Not under the Rollgate key, so a key that broke alert delivery does not silence this topic too.
    const [topic] = Object.values(synth.template.findResources('AWS::SNS::Topic'));
    expect(topic?.Properties.KmsMasterKeyId).toBeUndefined();
  });
});

describe('outputs', () => {
  it('shows the custom pattern and a put-events example for the brought bus', () => {
    const outputs = Object.entries(synth.template.toJSON().Outputs as Record<string, { Value: string }>);
    const value = (name: string) => outputs.find(([key]) => key.includes(name))![1].Value;
    expect(JSON.parse(value('DeployEventPattern'))).toEqual({
      source: ['acme.ci'],
      'detail-type': ['Deployment Completed'],
      detail: { environment: ['prod'] },
    });
    expect(value('ExamplePutEventsCommand')).toContain('"EventBusName":"deploys","Source":"acme.ci"');
  });
});
