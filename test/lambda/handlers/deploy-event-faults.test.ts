// The deploy gate when AWS fails under it, end to end in-process on moto: alerts that cannot be delivered leave a
// delivery record and a metric, a missing idempotency table still gets a recorded verdict but no automatic rollback, a
// stale instance id does not stop the rollback of the others, and the rollback wait ends in time to record its outcome.
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstanceInformationCommand, GetCommandInvocationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { receiveSnsMessages, runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService } from '../../support/loopback-server.ts';
import {
  awsServiceError,
  captureOutput,
  createHandlerWorld,
  deployEvent,
  interceptAwsCalls,
  lambdaContext,
  loadHandler,
  loopbackService,
  readEvidence,
  recordAwsCalls,
  registerServices,
  resetHandlerTest,
  serve,
} from './handler-harness.ts';

const HANDLER = '../../../lambda/handlers/deploy-event.ts';

afterEach(resetHandlerTest);

describe('deploy-event handler when AWS fails under it', () => {
  it('records undelivered alerts in a delivery record, counts AlertDeliveryFailed and says so, when the topic is gone', async () => {
    const world = await createHandlerWorld({ topicExists: false });
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const instanceIds = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const output = captureOutput();

    const response = await handler(deployEvent(service), lambdaContext());

    expect(response).toMatchObject({
      status: 'failed',
      rollback: { outcome: 'succeeded' },
      alerts_not_delivered: [
        { type: 'GateFailed', error: expect.stringContaining('NotFound') },
        { type: 'RollbackSucceeded', error: expect.stringContaining('NotFound') },
      ],
      faults: [expect.objectContaining({ port: 'alert', error_name: 'NotFoundException' }), expect.anything()],
    });
    const { key, rollback_key: rollbackKey, delivery_key: deliveryKey } = response.evidence!;
    expect(deliveryKey).toBe(key.replace(/\.json$/, '.delivery.json'));
    // Each record says which alerts its run raised, as far as it knew when it was written.
    expect((await readEvidence(world.bucket, key)).alerts).toEqual([
      expect.objectContaining({ type: 'GateFailed', delivered: null }),
    ]);
    expect((await readEvidence(world.bucket, rollbackKey!)).alerts).toEqual([
      expect.objectContaining({ type: 'GateFailed', delivered: false }),
      expect.objectContaining({ type: 'RollbackSucceeded', delivered: null }),
    ]);
    expect(await readEvidence(world.bucket, deliveryKey!)).toMatchObject({
      stage: 'delivery',
      links: { verdict: `s3://${world.bucket}/${key}`, rollback: `s3://${world.bucket}/${rollbackKey}` },
      rollback: { outcome: 'succeeded', hosts: [{ instance_id: instanceIds[0] }] },
      alerts: [
        { type: 'GateFailed', delivered: false, error: expect.stringContaining(world.topicArn) },
        { type: 'RollbackSucceeded', delivered: false, error: expect.stringContaining('NotFound') },
      ],
    });
    expect(output.records().find((record) => '_aws' in record)).toMatchObject({
      _aws: {
        CloudWatchMetrics: [{ Metrics: expect.arrayContaining([{ Name: 'AlertDeliveryFailed', Unit: 'Count' }]) }],
      },
      AlertDeliveryFailed: 2,
    });
  });

  it('still judges and records a deploy when the idempotency table is missing, but sends no rollback', async () => {
    const world = await createHandlerWorld({ idempotencyTableExists: false });
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();
    captureOutput();

    const response = await handler(deployEvent(service), lambdaContext());

    expect(server.hits.get('/health')).toBe(1);
    expect(calls.sentCommands).toEqual([]);
    expect(response).toMatchObject({
      status: 'failed',
      rollback: { attempted: false, command_id: null, outcome: 'withheld' },
      faults: [{ port: 'idempotency', error_name: 'ResourceNotFoundException', message: expect.any(String) }],
    });
    expect(await readEvidence(world.bucket, response.evidence!.key)).toMatchObject({
      status: 'failed',
      rollback: {
        outcome: 'withheld',
        detail: expect.stringContaining('idempotency store (ResourceNotFoundException)'),
      },
      faults: [{ port: 'idempotency', error_name: 'ResourceNotFoundException' }],
      alerts: [{ type: 'GateFailed' }, { type: 'RollbackRequired' }],
    });
    expect(calls.published.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackRequired']);
    const delivered = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(delivered.find((alert) => alert.attributes.alert_type === 'RollbackRequired')?.subject).toBe(
      `[Rollgate] ROLLBACK REQUIRED ${service}/prod v1.4.2: gate failed, automatic rollback withheld`,
    );
  });

  it('returns the gate it ran, with the fault, when the idempotency store fails only afterwards: nothing runs twice', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();
    // Saving the finished run's response is an UpdateItem; the in-progress record before it went through.
    interceptAwsCalls(DynamoDBClient, (command) =>
      command instanceof UpdateItemCommand
        ? { rejects: awsServiceError('ProvisionedThroughputExceededException', 'Rate of requests exceeds the limit') }
        : undefined,
    );
    captureOutput();

    const response = await handler(deployEvent(service), lambdaContext());

    expect(server.hits.get('/health')).toBe(1);
    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.published.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackSucceeded']);
    expect(response).toMatchObject({
      status: 'failed',
      rollback: { attempted: true, outcome: 'succeeded' },
      faults: [{ port: 'idempotency', error_name: 'ProvisionedThroughputExceededException' }],
    });
  });

  it('rolls back the host SSM manages and names the stale instance id beside it', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    // Both carry the service's tags; the second is gone from SSM (terminated, or its agent deregistered).
    const [good, stale] = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();
    // moto 5.2.5 has no DescribeInstanceInformation: answer it as SSM would, knowing only the live host.
    interceptAwsCalls(SSMClient, (command) =>
      command instanceof DescribeInstanceInformationCommand
        ? { resolves: { InstanceInformationList: [{ InstanceId: good, PingStatus: 'Online' }] } }
        : undefined,
    );
    captureOutput();

    const response = await handler(deployEvent(service, { rollback: { instanceIds: [good, stale] } }), lambdaContext());

    expect(calls.sentCommands.map((command) => command.InstanceIds)).toEqual([[good]]);
    expect(response).toMatchObject({ status: 'failed', rollback: { attempted: true, outcome: 'failed' } });
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({
      ok: false,
      outcome: 'failed',
      detail: `1 of 2 instance(s) did not succeed: ${stale} NotManaged`,
      hosts: [
        { instance_id: good, status: 'Success' },
        { instance_id: stale, status: 'NotManaged', detail: expect.stringContaining('SSM does not manage') },
      ],
    });
  });

  it("ends the rollback wait within the invocation's time and records it as wait_timed_out, never pending", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, { ...world.env, ROLLGATE_ROLLBACK_WAIT_SECONDS: '600' });
    const service = uniqueName('svc');
    const [host] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    // A probe short enough that it and the verdict's record fit the 16 s left below.
    registerServices(world, loopbackService(service, server.url('/health'), { probe: { retries: 0, timeoutMs: 500 } }));
    const calls = recordAwsCalls();
    // A rollback script that is still running: moto finishes every command at once.
    interceptAwsCalls(SSMClient, (command) =>
      command instanceof DescribeInstanceInformationCommand
        ? { resolves: { InstanceInformationList: [{ InstanceId: host, PingStatus: 'Online' }] } }
        : command instanceof GetCommandInvocationCommand
          ? { resolves: { Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1 } }
          : undefined,
    );
    captureOutput();

    // 16 s left of the invocation: the 600 s wait shrinks to the second before the 15 s kept to record.
    const response = await handler(deployEvent(service), lambdaContext(undefined, 16_000));

    expect(calls.sentCommands).toHaveLength(1);
    expect(response.rollback).toEqual({
      attempted: true,
      command_id: expect.any(String),
      outcome: 'wait_timed_out',
    });
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({
      outcome: 'wait_timed_out',
      command_id: response.rollback.command_id,
      detail: expect.stringContaining("to record the outcome within the function's remaining time"),
    });
  });
});
