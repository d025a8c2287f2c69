// The deploy gate runs once per deploy event: Powertools Idempotency records on moto's DynamoDB, checked by what the
// world saw (probes on the loopback service, SendCommand calls, evidence objects, alerts on the subscribed queue).
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { motoClients, receiveSnsMessages, runInstances, scanTable, uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService, healthyService, sendJson } from '../../support/loopback-server.ts';
import {
  captureOutput,
  createHandlerWorld,
  lambdaContext,
  loadHandler,
  loopbackService,
  recordAwsCalls,
  registerServices,
  resetHandlerTest,
  serve,
  type HandlerWorld,
} from './handler-harness.ts';

const HANDLER = '../../../lambda/handlers/deploy-event.ts';

afterEach(resetHandlerTest);

/** Registers `service` with the loopback `url` as its target (probed once, within `timeoutMs`); its deploy's detail. */
function deployDetail(
  world: HandlerWorld,
  service: string,
  url: string,
  detail: Record<string, unknown> = {},
  timeoutMs = 2_000,
): Record<string, unknown> {
  registerServices(world, loopbackService(service, url, { probe: { retries: 0, timeoutMs } }));
  return { service, environment: 'prod', version: '1.4.2', previousVersion: '1.4.1', commit: 'abc1234', ...detail };
}

function deployEvent(detail: Record<string, unknown>, id: string = randomUUID()): Record<string, unknown> {
  return { version: '0', id, 'detail-type': 'Deployment Completed', source: 'rollgate.deploy', detail };
}

async function verdictKeysIn(bucket: string): Promise<string[]> {
  const { Contents: contents = [] } = await motoClients().s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return contents.map((object) => object.Key ?? '').filter((key) => !key.endsWith('.rollback.json'));
}

describe('deploy-event handler, once per deploy event', () => {
  it('answers a duplicate EventBridge event with the first response: one probe, one command, one record, one set of alerts', async () => {
    const world = await createHandlerWorld();
    const service = uniqueName('svc');
    const instanceIds = await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    const server = await serve(fixedService(503, { status: 'down' }));
    const calls = recordAwsCalls();
    const output = captureOutput();
    const event = deployEvent(deployDetail(world, service, server.url('/health'), { rollback: { instanceIds } }));

    const first = await (await loadHandler(HANDLER, world.env))(event, lambdaContext());
    // The duplicate lands on another container: what stops it is the record in DynamoDB, not memory.
    const second = await (await loadHandler(HANDLER, world.env))(event, lambdaContext());

    expect(first).toMatchObject({ status: 'failed', rollback: { attempted: true, outcome: 'succeeded' } });
    expect(second).toEqual(first);
    expect(server.hits.get('/health')).toBe(1);
    expect(calls.sentCommands).toHaveLength(1);
    expect(await verdictKeysIn(world.bucket)).toEqual([first.evidence!.key]);
    expect(calls.published.map((alert) => alert.type)).toEqual(['GateFailed', 'RollbackSucceeded']);
    expect(await receiveSnsMessages(world.queueUrl, { expected: 2 })).toHaveLength(2);
    expect(await scanTable(world.idempotencyTable)).toEqual([
      expect.objectContaining({ status: { S: 'COMPLETED' }, expiration: { N: expect.any(String) } }),
    ]);
    expect(output.records().filter((record) => record.message === 'gate finished')).toHaveLength(1);
    expect(
      output.records().find((record) => String(record.message).startsWith('duplicate deploy event')),
    ).toMatchObject({
      level: 'INFO',
      status: 'failed',
    });
  });

  it("keeps the record a day, so a duplicate within EventBridge's retry window still finds it", async () => {
    const world = await createHandlerWorld();
    const server = await serve(healthyService('1.4.2'));
    const handler = await loadHandler(HANDLER, world.env);
    const before = Math.floor(Date.now() / 1000);

    await handler(deployEvent(deployDetail(world, uniqueName('svc'), server.url('/health'))), lambdaContext());

    const [record] = await scanTable(world.idempotencyTable);
    const expiration = Number((record!.expiration as { N: string }).N);
    expect(expiration - before).toBeGreaterThanOrEqual(24 * 60 * 60);
    expect(expiration - before).toBeLessThanOrEqual(24 * 60 * 60 + 60);
  });

  it('runs the gate for each of two events with different ids, even for the same deploy', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const service = uniqueName('svc');
    const server = await serve(healthyService('1.4.2'));
    const detail = deployDetail(world, service, server.url('/health'));

    const first = await handler(deployEvent(detail), lambdaContext());
    const second = await handler(deployEvent(detail), lambdaContext());

    expect(second.evidence!.key).not.toBe(first.evidence!.key);
    expect(server.hits.get('/health')).toBe(2);
    expect((await verdictKeysIn(world.bucket)).sort()).toEqual([first.evidence!.key, second.evidence!.key].sort());
    expect(await scanTable(world.idempotencyTable)).toHaveLength(2);
  });

  it('treats direct invokes of the same service, environment, version and commit as one deploy', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.4.2'));
    const detail = deployDetail(world, uniqueName('svc'), server.url('/health'));

    const first = await handler(detail, lambdaContext());
    const second = await handler(detail, lambdaContext());
    const otherCommit = await handler({ ...detail, commit: 'def5678' }, lambdaContext());

    expect(second).toEqual(first);
    expect(otherCommit.evidence!.key).not.toBe(first.evidence!.key);
    expect(server.hits.get('/health')).toBe(2);
  });

  it('writes no record for a bad event, so fixing and resending it runs the gate', async () => {
    const world = await createHandlerWorld();
    const handler = await loadHandler(HANDLER, world.env);
    const server = await serve(healthyService('1.4.2'));
    const id = randomUUID();
    const detail = deployDetail(world, uniqueName('svc'), server.url('/health'));

    await expect(handler(deployEvent({ ...detail, environment: 'prod; reboot' }, id), lambdaContext())).rejects.toThrow(
      /^detail\.environment: /,
    );
    expect(await scanTable(world.idempotencyTable)).toEqual([]);

    const response = await handler(deployEvent(detail, id), lambdaContext());
    expect(response.status).toBe('passed');
    expect(server.hits.get('/health')).toBe(1);
  });

  it('fails a duplicate that arrives while the first gate runs, starting no second gate', async () => {
    const world = await createHandlerWorld();
    let answerProbe: () => void = () => undefined;
    const probeAnswered = new Promise<void>((resolve) => {
      answerProbe = resolve;
    });
    let probeArrived: () => void = () => undefined;
    const firstProbe = new Promise<void>((resolve) => {
      probeArrived = resolve;
    });
    const server = await serve(async (_request, response) => {
      probeArrived();
      await probeAnswered;
      sendJson(response, 200, { status: 'ok', version: '1.4.2' });
    });
    const output = captureOutput();
    const event = deployEvent(deployDetail(world, uniqueName('svc'), server.url('/health'), {}, 10_000));
    const firstContainer = await loadHandler(HANDLER, world.env);
    const secondContainer = await loadHandler(HANDLER, world.env);

    const first = firstContainer(event, lambdaContext());
    await firstProbe;
    const duplicate = secondContainer(event, lambdaContext());

    await expect(duplicate).rejects.toMatchObject({
      name: 'DeployGateInProgressError',
      message: expect.stringContaining('no second gate was started'),
    });
    answerProbe();
    expect(await first).toMatchObject({ status: 'passed' });
    expect(server.hits.get('/health')).toBe(1);
    expect(output.records().find((record) => record.message === 'invocation failed')).toMatchObject({
      level: 'ERROR',
      error_name: 'DeployGateInProgressError',
    });
    // Once the first has finished, a redrive of the duplicate gets its response.
    expect(await secondContainer(event, lambdaContext())).toEqual(await first);
  });
});
