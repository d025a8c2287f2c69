// The scheduled-check handler end to end, in-process: a monitor object as its schedule delivers it, real loopback
// services, and moto behind the handler's own SDK clients.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { motoClients, receiveSnsMessages, runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService, healthyService } from '../../support/loopback-server.ts';
import {
  captureOutput,
  createHandlerWorld,
  lambdaContext,
  loadHandler,
  loopbackService,
  readEvidence,
  recordAwsCalls,
  registerMonitors,
  registerServices,
  resetHandlerTest,
  serve,
} from './handler-harness.ts';
import { seedServiceState } from './state-table-world.ts';

const HANDLER = '../../../lambda/handlers/scheduled-check.ts';

afterEach(resetHandlerTest);

/** A loopback test service as a monitor target: the Lambda's address policy refuses loopback unless it is allowed. */
function loopbackTargets(url: string): { url: string; allowPrivate: boolean }[] {
  return [{ url, allowPrivate: true }];
}

describe('scheduled-check handler', () => {
  it('records a failing check under checks/, alerts MonitorDown at its failure threshold, and sends no rollback', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const monitor = uniqueName('mon');
    // Tagged hosts of the watched service exist, and still nothing may be sent to them.
    await runInstances(1, { 'rollgate:service': 'web', 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(500, { status: 'error' }));
    const calls = recordAwsCalls();
    const output = captureOutput();
    const requestId = 'f2b8f9d4-5a53-4f7e-9d7e-1b1c0c7a9e21';

    const response = await handler(
      {
        monitor,
        targets: loopbackTargets(server.url('/health')),
        service: 'web',
        environment: 'prod',
        retries: 0,
        failureThreshold: 1,
      },
      lambdaContext(requestId),
    );

    expect(response).toEqual({
      status: 'failed',
      status_reason: 'probe_failures',
      evidence: {
        bucket: world.bucket,
        key: expect.stringMatching(new RegExp(`^checks/${monitor}/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{9}Z\\.json$`)),
      },
      rollback: { attempted: false, command_id: null, outcome: 'not_configured' },
    });
    expect(await readEvidence(world.bucket, response.evidence!.key)).toMatchObject({
      kind: 'check',
      status: 'failed',
      context: { monitor, run_id: requestId },
      state: {
        store: 'available',
        written: true,
        monitor: { name: monitor, state: 'down', consecutive_failures: 1, transition: { from: 'unknown', to: 'down' } },
      },
    });
    const alerts = await receiveSnsMessages(world.queueUrl, { expected: 1 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `[Rollgate] DOWN check ${monitor}: 1/1 probes failing, no rollback`,
      attributes: {
        alert_type: 'MonitorDown',
        severity: 'critical',
        status: 'failed',
        service: 'web',
        environment: 'prod',
      },
    });
    expect(calls.sentCommands).toEqual([]);
    expect(output.records().find((record) => record.message === 'gate finished')).toMatchObject({
      correlation_id: requestId,
      monitor,
      rollgate_service: 'web',
    });
    expect(output.records().find((record) => '_aws' in record)).toMatchObject({ GateFailed: 1 });
  });

  it('records a passing check and raises no alert', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('2026.01.07'));

    const response = await handler(
      {
        monitor: uniqueName('mon'),
        targets: [{ url: server.url('/health'), name: 'home', allowPrivate: true }],
        expectedVersion: '2026.01.07',
      },
      lambdaContext(),
    );

    expect(response).toMatchObject({ status: 'passed', evidence: { bucket: world.bucket } });
    expect(await receiveSnsMessages(world.queueUrl, { expected: 0, maxWaitMs: 300 })).toEqual([]);
  });

  it('sends no rollback for a monitor going down on a service with no known-good version, and asks for one by hand', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('web');
    const instanceIds = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    const calls = recordAwsCalls();

    const response = await handler(
      {
        monitor: uniqueName('mon'),
        targets: loopbackTargets(server.url('/')),
        rollbackOnFailure: true,
        service,
        environment: 'prod',
        retries: 0,
        failureThreshold: 1,
      },
      lambdaContext(),
    );

    // A monitor's rollback goes to a known-good version, never an empty one: none is recorded, so nothing is sent.
    expect(response).toMatchObject({ status: 'failed', rollback: { attempted: false, outcome: 'withheld' } });
    expect(calls.sentCommands).toEqual([]);
    expect(instanceIds).toHaveLength(2);
    expect(calls.published.map((alert) => alert.type)).toEqual(['MonitorDown', 'RollbackRequired']);
    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'no_known_good_version' });
  });

  it('refuses a loopback target that does not set allowPrivate: the Lambda policy, no request sent', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.0.0'));

    const response = await handler(
      { monitor: uniqueName('mon'), urls: [server.url('/health')], retries: 0 },
      lambdaContext(),
    );

    expect(response).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    const evidence = await readEvidence(world.bucket, response.evidence!.key);
    expect(evidence.targets[0]?.attempts[0]).toMatchObject({
      error: 'address_refused',
      error_detail:
        '127.0.0.1 is a loopback address (this host); refused by the Lambda policy unless the target sets allowPrivate',
    });
    expect(server.hits.size).toBe(0);
  });

  it('runs a monitor of the registry by its name: the schedule sends nothing else', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('3.1.0'));
    const monitor = uniqueName('mon');
    registerMonitors(world, {
      name: monitor,
      targets: loopbackTargets(server.url('/health')),
      expectedVersion: '3.1.0',
    });

    const response = await handler({ monitor }, lambdaContext());

    expect(response).toMatchObject({ status: 'passed' });
    expect(await readEvidence(world.bucket, response.evidence!.key)).toMatchObject({
      context: { monitor },
      expected_version: '3.1.0',
    });
    expect(server.hits.get('/health')).toBe(1);
  });

  it("probes a registered service's targets for a monitor declared on it, and rolls back its hosts to the known-good version", async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('web');
    // The service finds its hosts by tags of its own: only those carrying both are rolled back.
    const hostTags = { app: service, stage: 'live' };
    const instanceIds = await runInstances(2, hostTags);
    await runInstances(1, { app: service, stage: 'canary' });
    const server = await serve(fixedService(503, { status: 'down' }));
    registerServices(world, loopbackService(service, server.url('/health'), { hosts: { tags: hostTags } }));
    const monitor = uniqueName('mon');
    registerMonitors(world, {
      name: monitor,
      service,
      environment: 'prod',
      rollbackOnFailure: true,
      failureThreshold: 1,
    });
    await seedServiceState(world, service, { deployed: '1.4.2', knownGood: ['1.4.2', '1.4.1'] });
    const calls = recordAwsCalls();

    const response = await handler({ monitor }, lambdaContext());

    expect(server.hits.get('/health')).toBe(1);
    expect(response).toMatchObject({ status: 'failed', rollback: { attempted: true, outcome: 'succeeded' } });
    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]).toMatchObject({
      DocumentName: world.documentName,
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['unknown'], TargetVersion: ['1.4.1'] },
    });
    expect(calls.sentCommands[0]?.InstanceIds?.sort()).toEqual([...instanceIds].sort());
    expect(response.evidence?.rollback_key).toBe(response.evidence?.key.replace(/\.json$/, '.rollback.json'));
    expect(calls.published.map((alert) => alert.type)).toEqual(['MonitorDown', 'RollbackSucceeded']);
  });

  it('refuses a monitor name the registry does not hold, probing nothing', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    captureOutput();

    await expect(handler({ monitor: 'nobody-registered-me' }, lambdaContext())).rejects.toThrow(
      'monitor: is not a monitor of the registry this function was deployed with (got "nobody-registered-me")',
    );
  });

  it('refuses a bad monitor input naming the field and value, and probes nothing', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.0.0'));
    captureOutput();

    await expect(
      handler(
        {
          monitor: uniqueName('mon'),
          targets: loopbackTargets(server.url('/')),
          rollbackOnFailure: true,
          service: 'web',
        },
        lambdaContext(),
      ),
    ).rejects.toThrow(
      'rollbackOnFailure: needs service and environment, which pick the instances to roll back (got true)',
    );

    expect(server.hits.size).toBe(0);
    const { Contents: objects = [] } = await motoClients().s3.send(new ListObjectsV2Command({ Bucket: world.bucket }));
    expect(objects).toEqual([]);
  });
});
