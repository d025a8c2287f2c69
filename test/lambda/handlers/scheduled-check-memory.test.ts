// The scheduled check remembering between invocations, on moto's DynamoDB: loopback services that flap, go down and
// recover, or drift to another version, judged run after run by the handler with its state table. Alerts go out on
// transitions only, and a rollback only on the transition to down, to the known-good version.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { receiveSnsMessages, runInstances, uniqueName } from '../../support/aws-fixtures.ts';
import {
  createHandlerWorld,
  deployEvent,
  type Handler,
  type HandlerWorld,
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
import {
  readMonitorState,
  readServiceState,
  recordedRun,
  seedServiceState,
  type ServiceBehaviour,
  switchableService,
} from './state-table-world.ts';

const CHECK_HANDLER = '../../../lambda/handlers/scheduled-check.ts';
const DEPLOY_HANDLER = '../../../lambda/handlers/deploy-event.ts';
const MINUTE = 60_000;

afterEach(async () => {
  vi.useRealTimers();
  await resetHandlerTest();
});

interface MonitoredService {
  readonly world: HandlerWorld;
  readonly check: Handler;
  readonly service: string;
  readonly monitor: string;
  readonly behaviour: ServiceBehaviour;
}

/** A registered service on a switchable loopback service, a monitor declared on it, and the check's handler. */
async function monitoredService(
  monitorFields: Record<string, unknown> = {},
  initial: ServiceBehaviour = { mode: 'up', version: '1.4.2' },
): Promise<MonitoredService> {
  const world = await createHandlerWorld();
  const behaviour = { ...initial };
  const server = await serve(switchableService(behaviour));
  const service = uniqueName('web');
  const monitor = uniqueName('mon');
  registerServices(world, loopbackService(service, server.url('/health')));
  registerMonitors(world, { name: monitor, service, environment: 'prod', ...monitorFields });
  return { world, check: await loadHandler(CHECK_HANDLER, world.env), service, monitor, behaviour };
}

describe('scheduled check with its state table', () => {
  it('alerts one MonitorDown after three failing runs in a row, none on the fourth, one MonitorRecovered after two healthy ones', async () => {
    const { world, check, monitor, behaviour } = await monitoredService();
    const calls = recordAwsCalls();
    // A flap (one failure between healthy runs) counts for nothing; then an outage, then a recovery.
    const script = ['up', 'up', 'down', 'up', 'down', 'down', 'down', 'down', 'up', 'up', 'up'] as const;

    const alertsByRun: string[][] = [];
    for (const mode of script) {
      behaviour.mode = mode;
      alertsByRun.push((await recordedRun(calls, () => check({ monitor }, lambdaContext()))).alerts);
    }

    expect(alertsByRun).toEqual([[], [], [], [], [], [], ['MonitorDown'], [], [], ['MonitorRecovered'], []]);
    const delivered = await receiveSnsMessages(world.queueUrl, { expected: 2 });
    expect(delivered.map((alert) => [alert.attributes.alert_type, alert.attributes.severity])).toEqual([
      ['MonitorDown', 'critical'],
      ['MonitorRecovered', 'info'],
    ]);
    expect(await readMonitorState(world, monitor)).toMatchObject({
      state: 'up',
      consecutiveFailures: 0,
      consecutiveSuccesses: 3,
      lastTransition: { from: 'down', to: 'up' },
    });
  });

  it("records the monitor's state after each run in that run's evidence", async () => {
    const { world, check, monitor } = await monitoredService({}, { mode: 'down', version: '1.4.2' });

    const states = [];
    for (let run = 0; run < 3; run += 1) {
      const response = await check({ monitor }, lambdaContext());
      const evidence = await readEvidence(world.bucket, response.evidence!.key);
      states.push(evidence.state?.monitor);
    }

    expect(states.map((state) => [state?.state, state?.consecutive_failures, state?.transition])).toEqual([
      ['unknown', 1, null],
      ['unknown', 2, null],
      ['down', 3, { from: 'unknown', to: 'down' }],
    ]);
  });

  it('reminds with MonitorStillDown every reminderMinutes while the service stays down', async () => {
    const { check, monitor } = await monitoredService({ reminderMinutes: 5 }, { mode: 'down', version: '1.4.2' });
    const calls = recordAwsCalls();
    // Only Date is faked: the runs' timers, sockets and AWS calls go on as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();

    const alertsByMinute: Array<[number, string[]]> = [];
    for (const minute of [0, 1, 2, 3, 7, 8, 12]) {
      vi.setSystemTime(start + minute * MINUTE);
      alertsByMinute.push([minute, (await recordedRun(calls, () => check({ monitor }, lambdaContext()))).alerts]);
    }

    // Down at minute 2: reminded 5 minutes later, and 5 minutes after that.
    expect(alertsByMinute).toEqual([
      [0, []],
      [1, []],
      [2, ['MonitorDown']],
      [3, []],
      [7, ['MonitorStillDown']],
      [8, []],
      [12, ['MonitorStillDown']],
    ]);
  });

  it('expects the version its deploy gate recorded, so a host back on the old one is VersionMismatch once it holds for three runs', async () => {
    const { world, check, service, monitor, behaviour } = await monitoredService();
    const deploy = await loadHandler(DEPLOY_HANDLER, world.env);
    const calls = recordAwsCalls();
    expect(await deploy(deployEvent(service, { version: '1.4.2' }), lambdaContext())).toMatchObject({
      status: 'passed',
    });

    behaviour.version = '1.4.1';
    const alertsByRun: string[][] = [];
    for (let run = 0; run < 4; run += 1) {
      alertsByRun.push((await recordedRun(calls, () => check({ monitor }, lambdaContext()))).alerts);
    }

    expect(alertsByRun).toEqual([[], [], ['VersionMismatch'], []]);
    const last = await check({ monitor }, lambdaContext());
    expect(await readEvidence(world.bucket, last.evidence!.key)).toMatchObject({
      expected_version: '1.4.2',
      notes: [expect.stringContaining(`expects 1.4.2, the version last deployed to ${service}/prod through Rollgate`)],
    });
  });

  it('rolls back once, on the transition to down, to the known-good version before the deployed one', async () => {
    const { world, check, service, monitor, behaviour } = await monitoredService({ rollbackOnFailure: true });
    const hosts = await runInstances(2, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await seedServiceState(world, service, { deployed: '1.4.2', knownGood: ['1.4.2', '1.4.1'] });
    behaviour.mode = 'down';
    const calls = recordAwsCalls();

    const runs = [];
    for (let run = 0; run < 5; run += 1) runs.push(await recordedRun(calls, () => check({ monitor }, lambdaContext())));

    expect(runs.map((run) => run.alerts)).toEqual([[], [], ['MonitorDown', 'RollbackSucceeded'], [], []]);
    expect(calls.sentCommands).toHaveLength(1);
    expect(calls.sentCommands[0]).toMatchObject({
      DocumentName: world.documentName,
      Parameters: { Service: [service], Environment: ['prod'], FailedVersion: ['unknown'], TargetVersion: ['1.4.1'] },
    });
    expect(calls.sentCommands[0]?.InstanceIds?.sort()).toEqual([...hosts].sort());
    // The rollback is remembered: 1.4.1 runs again, and 1.4.2, which failed where it ran, is no longer known-good.
    expect(await readServiceState(world, service)).toMatchObject({
      deployed: { version: '1.4.1' },
      knownGood: [{ version: '1.4.1' }],
      lastRollbackAt: expect.any(String),
    });
    const afterTransition = await readEvidence(world.bucket, runs[3]!.response.evidence!.key);
    expect(afterTransition.rollback).toMatchObject({ outcome: 'not_needed', reason: 'not_on_transition' });
  });

  it.each([
    { name: 'within the cooldown of the last rollback: held back, and asked for once', minutesAgo: 10, sent: 0 },
    { name: 'once the cooldown is over: sent', minutesAgo: 31, sent: 1 },
  ])('rolls back a monitor going down $name', async ({ minutesAgo, sent }) => {
    const { world, check, service, monitor, behaviour } = await monitoredService({
      rollbackOnFailure: true,
      failureThreshold: 1,
    });
    await runInstances(1, { 'rollgate:service': service, 'rollgate:environment': 'prod' });
    await seedServiceState(world, service, {
      deployed: '1.4.2',
      knownGood: ['1.4.2', '1.4.1'],
      lastRollbackAt: new Date(Date.now() - minutesAgo * MINUTE),
    });
    behaviour.mode = 'down';
    const calls = recordAwsCalls();

    const run = await recordedRun(calls, () => check({ monitor }, lambdaContext()));

    expect(calls.sentCommands).toHaveLength(sent);
    const evidence = await readEvidence(world.bucket, run.response.evidence!.key);
    if (sent === 0) {
      expect(run.alerts).toEqual(['MonitorDown', 'RollbackRequired']);
      expect(evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'cooldown' });
    } else {
      expect(run.alerts).toEqual(['MonitorDown', 'RollbackSucceeded']);
      expect(calls.sentCommands[0]?.Parameters?.TargetVersion).toEqual(['1.4.1']);
    }
  });
});
