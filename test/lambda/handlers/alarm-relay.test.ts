// The alarm relay end to end, in-process against moto: a CloudWatch Alarm State Change event for a down alarm, turned
// into the relay's input by the very rule the construct synthesizes for that alarm, published to the alert topic
// with the attributes every alert carries (SNS -> SQS), so a subscriber's filter policy that takes only critical
// alerts takes the alarm too and leaves its recovery out. A change that says nothing is not published, a name the
// registry does not hold is refused, and a publish that fails throws for EventBridge to retry.
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryInput } from '../../../lambda/core/config/registry.ts';
import { AlertPublishError, ConfigError } from '../../../lambda/core/errors.ts';
import type { AlarmRelayResponse } from '../../../lambda/handlers/alarm-relay.ts';
import { motoClients, receiveSnsMessages, uniqueName } from '../../support/aws-fixtures.ts';
import {
  alarmStateChangeEvent,
  applyInputTransformer,
  type InputTransformer,
} from '../../support/eventbridge-input-transformer.ts';
import { removeOutdir, synthRollgateConstruct, type SynthesizedConstruct } from '../../support/synth-stack.ts';
import {
  createHandlerWorld,
  type HandlerWorld,
  lambdaContext,
  loadHandler,
  registerMonitors,
  registerServices,
  resetHandlerTest,
} from './handler-harness.ts';

const HANDLER = '../../../lambda/handlers/alarm-relay.ts';
const ALARM_NAME = 'RollgateTest-RollgateOperationsDowncheckoutprod-1A2B3C';
const ALARM_ARN = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${ALARM_NAME}`;

const REGISTRY = {
  services: [{ service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] }],
  monitors: [
    { name: 'checkout-health', service: 'checkout', environment: 'prod' },
    { name: 'status-page', urls: ['https://status.example.com/'] },
  ],
} satisfies RegistryInput;

type RelayHandler = (event: unknown, context?: ReturnType<typeof lambdaContext>) => Promise<AlarmRelayResponse>;

let synth: SynthesizedConstruct;
/** The synthesized rule's input transformer for each down alarm, by its key in downAlarms. */
const transformers = new Map<string, InputTransformer>();

beforeAll(() => {
  synth = synthRollgateConstruct({ services: REGISTRY.services, monitors: REGISTRY.monitors }, { bundling: false });
  const template = synth.template.toJSON() as { Resources: Record<string, { Type: string; Properties: never }> };
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    synth.stack.getLogicalId(construct.node.defaultChild as never);
  for (const [key, alarm] of synth.rollgate.operationsDashboard.downAlarms) {
    const rule = Object.values(template.Resources).find(
      (resource) =>
        resource.Type === 'AWS::Events::Rule' &&
        (JSON.stringify((resource.Properties as { EventPattern?: unknown }).EventPattern) ?? '').includes(
          logicalId(alarm),
        ),
    );
    const target = (rule?.Properties as { Targets?: Array<{ InputTransformer: InputTransformer }> } | undefined)
      ?.Targets?.[0];
    if (target === undefined) throw new Error(`no relay rule for the down alarm ${key}`);
    transformers.set(key, target.InputTransformer);
  }
});
afterAll(() => removeOutdir(synth));
afterEach(resetHandlerTest);

async function relayWorld(): Promise<{ world: HandlerWorld; handler: RelayHandler }> {
  const world = await createHandlerWorld();
  registerServices(world, ...REGISTRY.services);
  registerMonitors(world, ...REGISTRY.monitors);
  const handler = (await loadHandler(HANDLER, world.env)) as unknown as RelayHandler;
  return { world, handler: (event) => handler(event, lambdaContext()) };
}

/** What the rule for `key`'s down alarm delivers to the relay when the alarm goes `from` -> `to`. */
function ruleInput(key: string, from: string, to: string): unknown {
  return applyInputTransformer(transformers.get(key)!, alarmStateChangeEvent(ALARM_ARN, ALARM_NAME, { from, to }));
}

/** A queue subscribed to the topic with a filter policy on the message attributes. */
async function filteredQueue(topicArn: string, filterPolicy: Record<string, unknown>): Promise<string> {
  const { sns, sqs } = motoClients();
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('rollgate-filtered') }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl!, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn!,
      Attributes: { FilterPolicyScope: 'MessageAttributes', FilterPolicy: JSON.stringify(filterPolicy) },
    }),
  );
  return queueUrl!;
}

describe('alarm-relay handler', () => {
  it('publishes a service going down as AlarmStateChanged with the attributes of an alert, critical', async () => {
    const { world, handler } = await relayWorld();

    const response = await handler(ruleInput('checkout/prod', 'OK', 'ALARM'));

    expect(response).toEqual({
      relayed: true,
      alert_type: 'AlarmStateChanged',
      severity: 'critical',
      status: 'failed',
    });
    const [published, ...more] = await receiveSnsMessages(world.queueUrl, { expected: 1 });
    expect(more).toEqual([]);
    expect(published?.attributes).toEqual({
      alert_type: 'AlarmStateChanged',
      severity: 'critical',
      status: 'failed',
      service: 'checkout',
      environment: 'prod',
    });
    expect(published?.subject).toBe(`[Rollgate] ALARM checkout/prod: ${ALARM_NAME}`);
    expect(JSON.parse(published!.message)).toMatchObject({
      alert_type: 'AlarmStateChanged',
      monitor: null,
      alarm: { name: ALARM_NAME, arn: ALARM_ARN, state: 'ALARM', previous_state: 'OK' },
      summary: `checkout/prod is down: alarm ${ALARM_NAME} is in ALARM`,
    });
  });

  it('names a monitor on no service as alerts do: itself, in environment unknown', async () => {
    const { world, handler } = await relayWorld();

    await handler(ruleInput('monitor:status-page', 'INSUFFICIENT_DATA', 'ALARM'));

    const [published] = await receiveSnsMessages(world.queueUrl, { expected: 1 });
    expect(published?.attributes).toMatchObject({ service: 'status-page', environment: 'unknown' });
    expect(JSON.parse(published!.message)).toMatchObject({ monitor: 'status-page' });
  });

  it('lets a filter policy on severity take the alarm and leave its recovery (info) out', async () => {
    const { world, handler } = await relayWorld();
    const pager = await filteredQueue(world.topicArn, { severity: ['critical'] });

    await handler(ruleInput('checkout/prod', 'OK', 'ALARM'));
    await handler(ruleInput('checkout/prod', 'ALARM', 'OK'));

    const everything = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(everything.map((message) => [message.attributes.severity, message.attributes.status])).toEqual([
      ['critical', 'failed'],
      ['info', 'passed'],
    ]);
    const paged = await receiveSnsMessages(pager, { expected: 2, maxWaitMs: 2_000 });
    expect(paged.map((message) => message.attributes.severity)).toEqual(['critical']);
  });

  it.each([
    ['a new alarm getting its first data, OK', 'INSUFFICIENT_DATA', 'OK', 'not_from_alarm'],
    ['a metric with no data any more', 'ALARM', 'INSUFFICIENT_DATA', 'not_from_alarm'],
  ] as const)('publishes nothing for %s', async (_case, from, to, reason) => {
    const { world, handler } = await relayWorld();

    expect(await handler(ruleInput('checkout/prod', from, to))).toEqual({ relayed: false, reason });
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 1_000 })).toEqual([]);
  });

  it('refuses an input naming a service the registry does not hold, publishing nothing', async () => {
    const { world, handler } = await relayWorld();
    const input = ruleInput('checkout/prod', 'OK', 'ALARM') as { notify: Record<string, string> };

    const refused = handler({ ...input, notify: { ...input.notify, service: 'made-up' } });

    // The handler's module is loaded afresh (a cold start), so its error classes are its own: matched by name.
    await expect(refused).rejects.toMatchObject({ name: ConfigError.name, field: 'input.notify.service' });
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 1_000 })).toEqual([]);
  });

  it('throws when the topic cannot be published to, so EventBridge retries and keeps the event', async () => {
    const world = await createHandlerWorld({ topicExists: false });
    registerServices(world, ...REGISTRY.services);
    registerMonitors(world, ...REGISTRY.monitors);
    const handler = (await loadHandler(HANDLER, world.env)) as unknown as RelayHandler;

    await expect(handler(ruleInput('checkout/prod', 'OK', 'ALARM'))).rejects.toMatchObject({
      name: AlertPublishError.name,
    });
  });
});
