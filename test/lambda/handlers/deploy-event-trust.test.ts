// What whoever can put a deploy event on the bus can no longer do, end to end in-process on moto with loopback
// services: choose where a secret goes, which hosts are rolled back, or how long the function runs. Each refusal is
// checked by what the world saw: requests at the attacker's URL, SendCommand calls, evidence objects.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  motoClients,
  putSecureParameter,
  receiveSnsMessages,
  runInstances,
  uniqueName,
} from '../../support/aws-fixtures.ts';
import { fixedService, healthyService } from '../../support/loopback-server.ts';
import {
  captureOutput,
  createHandlerWorld,
  deployEvent,
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

async function objectsIn(bucket: string): Promise<string[]> {
  const { Contents: contents = [] } = await motoClients().s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return contents.map((object) => object.Key ?? '');
}

describe('deploy-event handler: an event cannot choose where a secret goes', () => {
  it("refuses an attacker's event naming its own URL with the service's secret header: no request reaches it", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const parameter = `/rollgate/${service}/token`;
    await putSecureParameter(parameter, 'Bearer s3cr3t-registered-only');
    const real = await serve(healthyService('1.4.2'));
    const attacker = await serve(healthyService('1.4.2'));
    registerServices(world, {
      ...loopbackService(service, []),
      targets: [{ url: real.url('/health'), allowPrivate: true, headers: { authorization: { ssm: parameter } } }],
    });
    const output = captureOutput();
    const stolen = { url: attacker.url('/collect'), headers: { authorization: { ssm: parameter } } };

    await expect(handler(deployEvent(service, { targets: [stolen] }), lambdaContext())).rejects.toThrow(
      /^detail\.targets: is refused: .* takes no targets from events/,
    );

    expect(attacker.hits.size).toBe(0);
    expect(real.hits.size).toBe(0);
    expect(await objectsIn(world.bucket)).toEqual([]);
    expect(JSON.stringify(output.records())).not.toContain('s3cr3t-registered-only');
  });

  it('refuses headers on event targets even for a service that takes targets from events', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const attacker = await serve(healthyService('1.4.2'));
    registerServices(world, { service, environment: 'prod', eventTargets: 'allow' });
    captureOutput();

    await expect(
      handler(
        deployEvent(service, {
          targets: [{ url: attacker.url('/'), headers: { authorization: { ssm: '/rollgate/x' } } }],
        }),
        lambdaContext(),
      ),
    ).rejects.toThrow(
      'detail.targets[0].headers: is refused: headers (and the secrets in them) come only from the registered targets (value withheld)',
    );
    expect(attacker.hits.size).toBe(0);
  });

  it("adds an opted-in service's event targets to its registered ones, under the Lambda's address policy", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const registered = await serve(healthyService('1.4.2'));
    const fromEvent = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(service, registered.url('/health'), { eventTargets: 'allow' }));

    const response = await handler(deployEvent(service, { urls: [fromEvent.url('/preview')] }), lambdaContext());

    // The registered target is probed as always; the event's loopback URL has no allowPrivate, so it is refused.
    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence.targets.map((target) => target.url)).toEqual([
      registered.url('/health'),
      fromEvent.url('/preview'),
    ]);
    expect(evidence.targets[1]?.attempts[0]).toMatchObject({ error: 'address_refused' });
    expect(registered.hits.get('/health')).toBe(1);
    expect(fromEvent.hits.size).toBe(0);
  });
});

describe('deploy-event handler: an event cannot choose which hosts are touched', () => {
  it("refuses an instance of service B named by service A's event: nothing is sent to it", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const serviceA = uniqueName('svc-a');
    const serviceB = uniqueName('svc-b');
    await runInstances(1, { 'rollgate:service': serviceA, 'rollgate:environment': 'prod' });
    const [hostOfB] = await runInstances(1, { 'rollgate:service': serviceB, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(serviceA, server.url('/health')));
    const calls = recordAwsCalls();

    const response = await handler(deployEvent(serviceA, { rollback: { instanceIds: [hostOfB] } }), lambdaContext());

    expect(calls.sentCommands).toEqual([]);
    expect(response).toMatchObject({ status: 'failed', rollback: { attempted: true, outcome: 'send_failed' } });
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback).toMatchObject({
      detail: expect.stringContaining(
        `none of the 1 instance(s) named carries the service's tags rollgate:service=${serviceA}`,
      ),
      hosts: [{ instance_id: hostOfB, status: 'NotTheServicesHost' }],
    });
  });

  it("rolls back the named hosts that are the service's and names the one that is not", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const [own] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const [staging] = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'staging' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();

    const response = await handler(
      deployEvent(service, { rollback: { instanceIds: [own, staging] } }),
      lambdaContext(),
    );

    expect(calls.sentCommands.map((command) => command.InstanceIds)).toEqual([[own]]);
    const record = await readEvidence(world.bucket, response.evidence!.rollback_key!);
    expect(record.rollback.hosts).toEqual([
      expect.objectContaining({ instance_id: own, status: 'Success' }),
      expect.objectContaining({ instance_id: staging, status: 'NotTheServicesHost' }),
    ]);
  });

  it('refuses tags to roll back by: the registration says how its hosts are found', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health')));
    const calls = recordAwsCalls();
    captureOutput();

    await expect(
      handler(deployEvent(service, { rollback: { tags: { 'rollgate:service': 'payments' } } }), lambdaContext()),
    ).rejects.toThrow(/^detail\.rollback\.tags: is refused/);
    expect(server.hits.size).toBe(0);
    expect(calls.sentCommands).toEqual([]);
  });

  it('sends no rollback for a service whose rollback is off, and asks for one by hand', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health'), { rollback: { mode: 'off' } }));
    const calls = recordAwsCalls();

    const response = await handler(deployEvent(service), lambdaContext());

    expect(response.rollback).toEqual({ attempted: false, command_id: null, outcome: 'not_configured' });
    expect(calls.sentCommands).toEqual([]);
    expect(calls.published.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackRequired']);
  });
});

describe('deploy-event handler: an event cannot choose how long the function runs, or which service it is', () => {
  it("cuts an event's timeouts and retries to the registered budget", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const server = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(service, server.url('/health')));
    const output = captureOutput();

    const response = await handler(
      deployEvent(service, { timeoutMs: 120_000, retries: 10, backoffMs: 30_000 }),
      lambdaContext(),
    );

    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence.settings).toMatchObject({ timeout_ms: 2_000, retries: 0 });
    expect(
      output.records().filter((record) => record.message === 'deploy event setting not used as sent'),
    ).toHaveLength(3);
  });

  it('refuses a service the stack does not know, naming detail.service: nothing probed, nothing written', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(uniqueName('svc'), server.url('/health')));
    const output = captureOutput();

    await expect(
      handler(deployEvent('unregistered', { urls: [server.url('/health')] }), lambdaContext()),
    ).rejects.toThrow('detail.service: is not a service this stack knows');

    expect(server.hits.size).toBe(0);
    expect(await objectsIn(world.bucket)).toEqual([]);
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 300 })).toEqual([]);
    expect(output.records().find((record) => record.message === 'invocation failed')).toMatchObject({
      error_name: 'ConfigError',
    });
  });

  it('refuses a run whose probes cannot fit the time the invocation has left, before probing', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const server = await serve(healthyService('1.4.2'));
    registerServices(
      world,
      loopbackService(service, server.url('/health'), { probe: { timeoutMs: 60_000, retries: 2 } }),
    );
    captureOutput();

    await expect(handler(deployEvent(service), lambdaContext(undefined, 120_000))).rejects.toThrow(
      /^function timeout: is too short for .*\/prod: its probes can take up to 181s/,
    );
    expect(server.hits.size).toBe(0);
  });
});
