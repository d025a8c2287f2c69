// The handlers' EMF metrics as CloudWatch would read them from the log: every run counted fleet-wide under
// service=rollgate (the blob the stack's alarms read, first) and again under its own registered dimension sets, a
// monitor's state as a gauge with its transitions, the deploy workflow's rollback outcome and time to heal; a name the
// registry does not hold never becomes a dimension.
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/aws-fixtures.ts';
import { fixedService, healthyService } from '../../support/loopback-server.ts';
import {
  captureOutput,
  createHandlerWorld,
  deployEvent,
  lambdaContext,
  loadHandler,
  loopbackService,
  registerMonitors,
  registerServices,
  resetHandlerTest,
  serve,
  type OutputRecorder,
} from './handler-harness.ts';
import { createWorkflowWorld, driveWorkflow } from './workflow/workflow-task-world.ts';

const SCHEDULED_CHECK = '../../../lambda/handlers/scheduled-check.ts';
const DEPLOY_EVENT = '../../../lambda/handlers/deploy-event.ts';

afterEach(resetHandlerTest);

type Blob = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
};

/** The EMF blobs written so far, in order. */
function emfBlobs(output: OutputRecorder): Blob[] {
  return output.records().filter((record): record is Blob => '_aws' in record);
}

const dimensionsOf = (blob: Blob) => blob._aws.CloudWatchMetrics[0]!.Dimensions;
const fleet = (blobs: Blob[]) => blobs.filter((blob) => blob.service === 'rollgate');
const scoped = (blobs: Blob[]) => blobs.filter((blob) => blob.service !== 'rollgate');

describe('handler metrics', () => {
  it('counts a monitor of a service fleet-wide, per monitor and per service, with its state and transitions', async () => {
    const world = await createHandlerWorld();
    const service = uniqueName('svc');
    const monitor = uniqueName('mon');
    let status = 500;
    const server = await serve((request, response) =>
      status === 200
        ? healthyService('1.4.2')(request, response)
        : fixedService(500, { status: 'error' })(request, response),
    );
    registerServices(world, loopbackService(service, server.url('/health')));
    registerMonitors(world, { name: monitor, service, environment: 'prod', failureThreshold: 1, successThreshold: 1 });
    const handler = await loadHandler(SCHEDULED_CHECK, world.env);
    const output = captureOutput();

    await handler({ monitor }, lambdaContext());
    const [fleetDown, ownDown, ...more] = emfBlobs(output);

    expect(more).toEqual([]);
    expect(dimensionsOf(fleetDown!)).toEqual([['service']]);
    expect(fleetDown).toMatchObject({ service: 'rollgate', GateFailed: 1, MonitorState: 1, MonitorDown: 1 });
    expect(ownDown!._aws.CloudWatchMetrics[0]!.Namespace).toBe('Rollgate');
    expect(dimensionsOf(ownDown!)).toEqual([['monitor'], ['service', 'environment']]);
    expect(ownDown).toMatchObject({
      monitor,
      service,
      environment: 'prod',
      GateFailed: 1,
      MonitorState: 1,
      MonitorDown: 1,
      ProbeLatency: expect.any(Number),
    });

    status = 200;
    await handler({ monitor }, lambdaContext());
    const ownUp = scoped(emfBlobs(output)).at(-1);

    expect(ownUp).toMatchObject({ monitor, service, GatePassed: 1, MonitorState: 0, MonitorRecovered: 1 });
    expect(ownUp).not.toHaveProperty('MonitorDown');
  });

  it('publishes no gauge while a monitor is unknown, and a monitor on no service only under [monitor]', async () => {
    const world = await createHandlerWorld();
    const monitor = uniqueName('mon');
    const server = await serve(healthyService('1.4.2'));
    registerMonitors(world, {
      name: monitor,
      targets: [{ url: server.url('/health'), allowPrivate: true }],
      retries: 0,
    });
    const handler = await loadHandler(SCHEDULED_CHECK, world.env);
    const output = captureOutput();

    await handler({ monitor }, lambdaContext());
    const [own] = scoped(emfBlobs(output));

    expect(dimensionsOf(own!)).toEqual([['monitor']]);
    expect(own).toMatchObject({ monitor, GatePassed: 1 });
    expect(own).not.toHaveProperty('MonitorState');
    expect(own).not.toHaveProperty('environment');
  });

  it('counts a monitor the registry does not hold (an old rule sending it whole) fleet-wide only, and says so', async () => {
    const world = await createHandlerWorld();
    const server = await serve(fixedService(500, { status: 'error' }));
    const handler = await loadHandler(SCHEDULED_CHECK, world.env);
    const output = captureOutput();
    const monitor = uniqueName('inline');

    await handler(
      {
        monitor,
        targets: [{ url: server.url('/health'), allowPrivate: true }],
        service: 'made-up',
        environment: 'prod',
        retries: 0,
      },
      lambdaContext(),
    );

    const blobs = emfBlobs(output);
    expect(blobs).toHaveLength(1);
    expect(fleet(blobs)[0]).toMatchObject({ GateFailed: 1 });
    expect(JSON.stringify(blobs)).not.toContain(monitor);
    expect(
      output
        .records()
        .find((record) => record.message === 'counted in the fleet-wide metrics only: not in the registry'),
    ).toMatchObject({
      unregistered: [`monitor ${monitor}`, 'service made-up/prod'],
    });
  });

  it('counts a one-shot deploy gate under its service and environment', async () => {
    const world = await createHandlerWorld();
    const service = uniqueName('svc');
    const server = await serve(healthyService('1.4.2'));
    registerServices(world, loopbackService(service, server.url('/health')));
    const handler = await loadHandler(DEPLOY_EVENT, world.env);
    const output = captureOutput();

    await handler(deployEvent(service), lambdaContext());
    const [fleetBlob, own] = emfBlobs(output);

    expect(fleetBlob).toMatchObject({ service: 'rollgate', GatePassed: 1 });
    expect(dimensionsOf(own!)).toEqual([['service', 'environment']]);
    expect(own).toMatchObject({ service, environment: 'prod', GatePassed: 1, ProbeLatency: expect.any(Number) });
    expect(own).not.toHaveProperty('monitor');
  });

  it('counts a workflow deploy step by step: latency per round, the verdict, the rollback, its recovery and the time to heal', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    const output = captureOutput();

    const { final } = await driveWorkflow(flow, {
      afterStep: (step) => step.step === 'send_rollback' && flow.behave({ version: '1.4.1' }),
    });

    expect(final?.response.rollback_outcome).toBe('recovered');
    const own = scoped(emfBlobs(output));
    for (const blob of own) {
      expect(dimensionsOf(blob)).toEqual([['service', 'environment']]);
      expect(blob).toMatchObject({ service: flow.service, environment: 'prod' });
    }
    const counted = (name: string) => own.filter((blob) => name in blob).length;
    // Two failing rounds and two verification rounds, one target each.
    expect(counted('ProbeLatency')).toBe(4);
    expect(counted('GateFailed')).toBe(1);
    expect(counted('RollbackSent')).toBe(1);
    const finished = own.at(-1)!;
    expect(finished).toMatchObject({ RollbackSucceeded: 1, RollbackRecovered: 1, TimeToHeal: expect.any(Number) });
    expect(finished.TimeToHeal as number).toBeGreaterThanOrEqual(0);
    expect(finished._aws.CloudWatchMetrics[0]!.Metrics).toContainEqual({ Name: 'TimeToHeal', Unit: 'Seconds' });
    expect(fleet(emfBlobs(output)).some((blob) => blob.GateFailed === 1)).toBe(true);
  });
});
