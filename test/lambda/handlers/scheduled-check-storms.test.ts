// No rollback storms on AWS parts: two check invocations racing for one service send one SSM command (the lock is a
// conditional write in moto's DynamoDB), a pause written by `rollgate pause --table` holds back alerts and rollbacks
// until `rollgate resume`, and a state table that cannot be read keeps the verdict and sends nothing.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { rollbackLockKey } from '../../../lambda/core/state/state-keys.ts';
import { runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService } from '../../support/loopback-server.ts';
import { motoAwsEnvironment } from '../../support/moto-global-setup.ts';
import { spawnRollgate } from '../../reliability/spawn-rollgate.ts';
import {
  createHandlerWorld,
  type Handler,
  type HandlerWorld,
  type HandlerWorldOptions,
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
import { readMonitorState, recordedRun, seedServiceState, stateStoreOf } from './state-table-world.ts';

const CHECK_HANDLER = '../../../lambda/handlers/scheduled-check.ts';

afterEach(resetHandlerTest);

/**
 * A service answering 503 with tagged hosts and (when the world has its state table) a known-good version to go back
 * to, and a world for its monitors.
 */
async function downService(options: HandlerWorldOptions = {}): Promise<{ world: HandlerWorld; service: string }> {
  const world = await createHandlerWorld(options);
  const service = uniqueName('web');
  const server = await serve(fixedService(503, { status: 'down', version: '1.4.2' }));
  registerServices(world, loopbackService(service, server.url('/health')));
  await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
  if (options.stateTableExists !== false) {
    await seedServiceState(world, service, { deployed: '1.4.2', knownGood: ['1.4.2', '1.4.1'] });
  }
  return { world, service };
}

/** A monitor of `service` that goes down, and rolls back, on its first failing run; and the check's handler. */
async function monitorGoingDownAtOnce(
  world: HandlerWorld,
  service: string,
): Promise<{ monitor: string; check: Handler }> {
  const monitor = uniqueName('mon');
  registerMonitors(world, {
    name: monitor,
    service,
    environment: 'prod',
    rollbackOnFailure: true,
    failureThreshold: 1,
  });
  return { monitor, check: await loadHandler(CHECK_HANDLER, world.env) };
}

/** `rollgate pause|resume` as a child process, on the world's state table in moto. */
async function rollgateOnTable(world: HandlerWorld, args: readonly string[]): Promise<void> {
  const run = await spawnRollgate([...args, '--table', world.stateTable], {
    env: motoAwsEnvironment(inject('motoEndpoint')),
  });
  expect(run.code, run.stderr).toBe(0);
}

describe('scheduled check: no storms', () => {
  it.each([
    { name: 'two monitors of the service', monitors: 2 },
    { name: 'one monitor invoked twice (a redelivered schedule)', monitors: 1 },
  ])('sends exactly one SSM command when $name go down at once', async ({ monitors }) => {
    const { world, service } = await downService();
    const names = Array.from({ length: monitors }, () => uniqueName('mon'));
    for (const name of names) {
      registerMonitors(world, { name, service, environment: 'prod', rollbackOnFailure: true, failureThreshold: 1 });
    }
    // Two containers of the function, each with its own clients: only the table is shared.
    const containers = [await loadHandler(CHECK_HANDLER, world.env), await loadHandler(CHECK_HANDLER, world.env)];
    const calls = recordAwsCalls();

    const runs = await Promise.all(
      containers.map((check, index) =>
        recordedRun(calls, () => check({ monitor: names[index % names.length] }, lambdaContext())),
      ),
    );

    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]?.Parameters?.TargetVersion).toEqual(['1.4.1']);
    const outcomes = runs.map((run) => run.response.rollback.outcome);
    const other = outcomes.filter((outcome) => outcome !== 'succeeded');
    expect(other).toHaveLength(1);
    // The other run found the lock taken, the cooldown begun, or (the same monitor) the monitor already down.
    expect(['withheld', 'not_needed']).toContain(other[0]);
    expect(calls.published.filter((alert) => alert.type === 'RollbackSucceeded')).toHaveLength(1);
    if (monitors === 1) {
      expect(calls.published.filter((alert) => alert.type === 'MonitorDown')).toHaveLength(1);
    }
    // The lock was given back (expired, not deleted): the next rollback is not held by it.
    const lock = (await stateStoreOf(world).read([rollbackLockKey(service, 'prod')])).entry(
      rollbackLockKey(service, 'prod'),
    );
    expect(lock?.status).toBe('expired');
  });

  it('holds back alerts and the rollback while `rollgate pause --table` holds, and goes down once resumed', async () => {
    const { world, service } = await downService();
    const { monitor, check } = await monitorGoingDownAtOnce(world, service);
    const scope = ['--service', service, '--environment', 'prod'];
    await rollgateOnTable(world, ['pause', ...scope, '--for', '1h', '--reason', 'database migration']);
    const calls = recordAwsCalls();

    const paused = await recordedRun(calls, () => check({ monitor }, lambdaContext()));

    expect(paused.alerts).toEqual([]);
    expect(calls.sentCommands).toEqual([]);
    expect(await readEvidence(world.bucket, paused.response.evidence!.key)).toMatchObject({
      status: 'failed',
      rollback: { outcome: 'withheld', reason: 'paused' },
      state: {
        pause: { reason: 'database migration' },
        monitor: { state: 'unknown', consecutive_failures: 0, counted: false },
      },
    });

    await rollgateOnTable(world, ['resume', ...scope]);
    const resumed = await recordedRun(calls, () => check({ monitor }, lambdaContext()));

    // The outage outlasted the pause: it alerts, and rolls back, now.
    expect(resumed.alerts).toEqual(['MonitorDown', 'RollbackSucceeded']);
    expect(calls.sentCommands).toHaveLength(1);
  });

  it('keeps the verdict when the state table cannot be read: StateUnavailable once, no rollback, the fault named', async () => {
    const { world, service } = await downService({ stateTableExists: false });
    const { monitor, check } = await monitorGoingDownAtOnce(world, service);
    const calls = recordAwsCalls();

    const run = await recordedRun(calls, () => check({ monitor }, lambdaContext()));

    expect(run.response).toMatchObject({ status: 'failed', status_reason: 'prober_unavailable' });
    expect(run.alerts).toEqual(['StateUnavailable']);
    expect(calls.sentCommands).toEqual([]);
    expect(run.response.faults).toEqual([
      expect.objectContaining({ port: 'state', error_name: 'ResourceNotFoundException' }),
    ]);
    expect(await readMonitorState(world, monitor).catch((error: Error) => error.name)).toBe('StateUnavailableError');
  });
});
