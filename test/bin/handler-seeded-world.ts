// A stack's bucket and state table in moto filled by the real Lambda handlers run in-process, for the CLI commands
// that read them (`rollgate status --table`, `rollgate evidence verify --bucket --table`): the scheduled check run
// against loopback services that are up or down, and the deploy workflow's task handler driven step by step.
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { motoClients, uniqueName } from '../support/aws-fixtures.ts';
import { healthyService, sendJson } from '../support/loopback-server.ts';
import { motoAwsEnvironment } from '../support/moto-global-setup.ts';
import { spawnRollgate } from '../reliability/spawn-rollgate.ts';
import {
  type Handler,
  lambdaContext,
  loadHandler,
  loopbackService,
  registerMonitors,
  registerServices,
  serve,
} from '../lambda/handlers/handler-harness.ts';
import {
  createWorkflowWorld,
  type WorkflowWorld,
  type WorkflowWorldOptions,
} from '../lambda/handlers/workflow/workflow-task-world.ts';

const CHECK_HANDLER = '../../../lambda/handlers/scheduled-check.ts';

export interface SeededWorld {
  readonly workflow: WorkflowWorld;
  /** A monitor on a healthy service, and one on a service answering 503. */
  readonly monitors: { readonly up: string; readonly down: string };
  /** Runs the scheduled check of `monitor` once, as its schedule would. */
  check(monitor: string): Promise<void>;
}

/**
 * The workflow's world (its service deployed by the workflow) with two more services, each watched by a monitor.
 * `versioned` turns versioning on for the bucket first, as the stack's bucket has it.
 */
export async function seededWorld(
  options: WorkflowWorldOptions & { readonly versioned?: boolean },
): Promise<SeededWorld> {
  const workflow = await createWorkflowWorld(options);
  const { world } = workflow;
  if (options.versioned === true) {
    await motoClients().s3.send(
      new PutBucketVersioningCommand({ Bucket: world.bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  const healthy = await serve(healthyService('3.1.0'));
  const broken = await serve((_request, response) => sendJson(response, 503, { status: 'down' }));
  const upService = uniqueName('api');
  const downService = uniqueName('web');
  registerServices(
    world,
    loopbackService(upService, healthy.url('/health')),
    loopbackService(downService, broken.url('/health')),
  );
  const monitors = { up: uniqueName('mon-up'), down: uniqueName('mon-down') };
  registerMonitors(
    world,
    { name: monitors.up, service: upService, environment: 'prod' },
    { name: monitors.down, service: downService, environment: 'prod' },
  );
  const handler: Handler = await loadHandler(CHECK_HANDLER, world.env);
  return {
    workflow,
    monitors,
    check: async (monitor) => {
      await handler({ monitor }, lambdaContext());
    },
  };
}

/** `rollgate …` as a child process in `dir`, with the AWS SDK pointed at moto. */
export function rollgateOnMoto(dir: string, args: readonly string[]) {
  return spawnRollgate(args, { cwd: dir, env: motoAwsEnvironment(inject('motoEndpoint')) });
}
