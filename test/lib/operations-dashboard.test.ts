// The operations view on the synthesized template: a dashboard with the fleet rows and, per watched service and
// environment and per monitor on no service, the widgets an operator reads (verdicts, state, probe latency p50/p99,
// rollbacks, time to heal) on the dimensions the handlers publish; a down alarm for each of those (none for a service
// no monitor watches) that notifies only through the relay, whose rule matches that alarm alone and carries its alert
// attributes; and the relay function with only sns:Publish on the topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOutdir, synthRollgateConstruct, type SynthesizedConstruct } from '../support/synth-stack.ts';

let synth: SynthesizedConstruct;
type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;

beforeAll(() => {
  synth = synthRollgateConstruct(
    {
      services: [
        { service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] },
        { service: 'ledger', environment: 'prod', targets: [{ url: 'https://ledger.example.com/health' }] },
      ],
      monitors: [
        { name: 'checkout-health', service: 'checkout', environment: 'prod' },
        { name: 'checkout-home', urls: ['https://checkout.example.com/'], service: 'checkout', environment: 'prod' },
        { name: 'status-page', urls: ['https://status.example.com/'] },
      ],
    },
    { bundling: false },
  );
  resources = (synth.template.toJSON() as { Resources: Record<string, Resource> }).Resources;
});
afterAll(() => removeOutdir(synth));

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  synth.stack.getLogicalId(construct.node.defaultChild as never);
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

interface Widget {
  type: string;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; alarms?: unknown[] };
}

/** The dashboard body as CloudWatch gets it, tokens (Refs, GetAtts) written as `<ref>`. */
function dashboardWidgets(): Widget[] {
  const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const titled = (title: string) => dashboardWidgets().find((widget) => widget.properties.title === title);
/** A widget's metrics as `name dimension=value... stat`, e.g. `GatePassed service=checkout environment=prod Sum`. */
function metricsOf(widget: Widget | undefined): string[] {
  return (widget?.properties.metrics ?? []).map((row) => {
    const options = (typeof row.at(-1) === 'object' ? row.at(-1) : {}) as { stat?: string };
    const [namespace, name, ...pairs] = row.filter((part) => typeof part === 'string') as string[];
    const dimensions = [];
    for (let index = 0; index + 1 < pairs.length; index += 2) dimensions.push(`${pairs[index]}=${pairs[index + 1]}`);
    // A graph's default statistic is Average, which CDK leaves out.
    const stat = options.stat ?? 'Average';
    return [namespace === 'Rollgate' ? name : `${namespace}/${name}`, ...dimensions, stat].join(' ');
  });
}

describe('the operations dashboard', () => {
  it('has a row per watched service and environment with its verdicts, state, latency, rollbacks and time to heal', () => {
    // Dimensions as CloudWatch lists them: by name.
    const scope = 'environment=prod service=checkout';
    expect(metricsOf(titled('checkout / prod: verdicts'))).toEqual([
      `GatePassed ${scope} Sum`,
      `GateFailed ${scope} Sum`,
      `GateSkipped ${scope} Sum`,
    ]);
    expect(metricsOf(titled('checkout / prod: state'))).toEqual([
      `MonitorState ${scope} Maximum`,
      `MonitorDown ${scope} Sum`,
      `MonitorRecovered ${scope} Sum`,
    ]);
    expect(metricsOf(titled('checkout / prod: probe latency (ms)'))).toEqual([
      `ProbeLatency ${scope} p50`,
      `ProbeLatency ${scope} p99`,
    ]);
    expect(metricsOf(titled('checkout / prod: rollbacks'))).toEqual([
      `RollbackSent ${scope} Sum`,
      `RollbackRecovered ${scope} Sum`,
      `RollbackStillFailing ${scope} Sum`,
      `RollbackFailed ${scope} Sum`,
    ]);
    expect(metricsOf(titled('checkout / prod: time to heal'))).toEqual([
      `TimeToHeal ${scope} Maximum`,
      `TimeToHeal ${scope} Average`,
    ]);
    const headings = dashboardWidgets().flatMap((widget) => widget.properties.markdown ?? []);
    expect(headings).toContain('### checkout / prod (monitors: checkout-health, checkout-home)');
    expect(headings).toContain('### ledger / prod (no monitor watches it)');
    expect(headings).toContain('### monitor status-page');
  });

  it('has a row per monitor on no service, on its own dimension', () => {
    expect(metricsOf(titled('status-page: state'))[0]).toBe('MonitorState monitor=status-page Maximum');
    expect(metricsOf(titled('status-page: probe latency (ms)'))).toEqual([
      'ProbeLatency monitor=status-page p50',
      'ProbeLatency monitor=status-page p99',
    ]);
  });

  it('has the fleet rows: verdicts and alert delivery under service=rollgate, dead letters, failed executions, alarms', () => {
    expect(metricsOf(titled('Verdicts (all services and monitors)'))).toContain('GateFailed service=rollgate Sum');
    expect(metricsOf(titled('Alert delivery failures'))).toEqual(['AlertDeliveryFailed service=rollgate Sum']);
    expect(metricsOf(titled('Dead-letter queues (messages)'))).toHaveLength(5);
    expect(metricsOf(titled('Deploy workflow executions not succeeded'))).toEqual([
      'AWS/States/ExecutionsFailed StateMachineArn=<ref> Sum',
      'AWS/States/ExecutionsTimedOut StateMachineArn=<ref> Sum',
      'AWS/States/ExecutionsAborted StateMachineArn=<ref> Sum',
    ]);
    const alarms = titled('Rollgate alarms')?.properties.alarms ?? [];
    expect(alarms).toHaveLength(synth.rollgate.alarms.length + 2);
  });
});

describe('the down alarms', () => {
  it('are one per watched service and environment and one per monitor on no service, none for an unwatched one', () => {
    expect([...synth.rollgate.operationsDashboard.downAlarms.keys()]).toEqual(['checkout/prod', 'monitor:status-page']);
  });

  it.each([
    [
      'checkout/prod',
      [
        { Name: 'environment', Value: 'prod' },
        { Name: 'service', Value: 'checkout' },
      ],
    ],
    ['monitor:status-page', [{ Name: 'monitor', Value: 'status-page' }]],
  ])(
    '%s: MonitorState Maximum >= 1 each minute, keeping its state between sparse runs, with no action of its own',
    (key, dimensions) => {
      const alarm = synth.rollgate.operationsDashboard.downAlarms.get(key)!;
      const properties = resources[logicalId(alarm)]!.Properties;
      expect(properties).toMatchObject({
        Namespace: 'Rollgate',
        MetricName: 'MonitorState',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      });
      expect((properties.Dimensions as Array<{ Name: string }>).sort((a, b) => a.Name.localeCompare(b.Name))).toEqual(
        dimensions,
      );
      expect(properties.AlarmActions).toBeUndefined();
    },
  );

  it.each([
    ['checkout/prod', { severity: 'critical', service: 'checkout', environment: 'prod' }],
    [
      'monitor:status-page',
      { severity: 'critical', service: 'status-page', environment: 'unknown', monitor: 'status-page' },
    ],
  ])('%s: notifies through a rule of its own, matching its state changes only, with its attributes', (key, notify) => {
    const alarm = synth.rollgate.operationsDashboard.downAlarms.get(key)!;
    const rules = ofType('AWS::Events::Rule').filter(([, rule]) =>
      (JSON.stringify(rule.Properties.EventPattern) ?? '').includes(logicalId(alarm)),
    );
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [{ 'Fn::GetAtt': [logicalId(alarm), 'Arn'] }],
    });
    const [target] = rule.Properties.Targets as Array<{
      Arn: unknown;
      InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
      DeadLetterConfig: unknown;
    }>;
    expect(target?.Arn).toEqual({ 'Fn::GetAtt': [logicalId(synth.rollgate.alarmRelay.function.function), 'Arn'] });
    expect(target?.InputTransformer.InputPathsMap).toEqual({
      detail: '$.detail',
      time: '$.time',
      resources: '$.resources',
    });
    expect(target?.InputTransformer.InputTemplate).toContain(`"notify":${JSON.stringify(notify)}`);
    expect(target?.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [logicalId(synth.rollgate.alarmRelay.function.deadLetterQueue), 'Arn'] },
    });
  });
});

describe('the alarm relay', () => {
  it('may publish to the alert topic and use the key through SNS, nothing else beyond its own logs', () => {
    const policies = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes(logicalId(synth.rollgate.alarmRelay.function.role)),
    );
    const statements = policies.flatMap(
      ([, policy]) =>
        (policy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Sid?: string }> }).Statement,
    );
    const actions = statements.flatMap((statement) => statement.Action).sort();
    expect(actions).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
  });

  it('is told the topic and the registry file, and none of the stores it never touches', () => {
    const fn = resources[logicalId(synth.rollgate.alarmRelay.function.function)]!;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'ROLLGATE_ALERT_TOPIC_ARN',
      'ROLLGATE_REGISTRY_FILE',
    ]);
  });
});
