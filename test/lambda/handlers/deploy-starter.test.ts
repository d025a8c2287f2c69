// The deploy starter in-process against moto's Step Functions (the run's shared moto_server, where executions are
// recorded but not run): one execution per deploy event, named from the deploy's identity, whatever EventBridge
// redelivers; a refused event starts nothing.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployExecutionName } from '../../../lambda/core/config/deploy-execution-name.ts';
import type { DeployStartResponse } from '../../../lambda/handlers/deploy-starter.ts';
import { uniqueName } from '../../support/aws-fixtures.ts';
import {
  captureOutput,
  createHandlerWorld,
  deployEvent,
  lambdaContext,
  loadHandler,
  loopbackService,
  registerServices,
  resetHandlerTest,
  type HandlerWorld,
} from './handler-harness.ts';

const HANDLER = '../../../lambda/handlers/deploy-starter.ts';
type Starter = (event: unknown, context?: ReturnType<typeof lambdaContext>) => Promise<DeployStartResponse>;

const sfn = new SFNClient({});
let stateMachineArn: string;

beforeAll(async () => {
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName('rollgate-deploy'),
      definition: JSON.stringify({ StartAt: 'Judge', States: { Judge: { Type: 'Pass', End: true } } }),
      roleArn: 'arn:aws:iam::123456789012:role/rollgate-deploy-workflow',
      type: 'STANDARD',
    }),
  );
  stateMachineArn = created.stateMachineArn!;
});
afterEach(resetHandlerTest);

async function starterFor(world: HandlerWorld, machine = stateMachineArn): Promise<Starter> {
  const env = { ...world.env, ROLLGATE_DEPLOY_WORKFLOW_ARN: machine };
  return (await loadHandler(HANDLER, env)) as unknown as Starter;
}

async function executions(): Promise<string[]> {
  const { executions: found = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  return found.map((execution) => execution.name ?? '');
}

async function registeredWorld(service: string): Promise<HandlerWorld> {
  const world = await createHandlerWorld();
  registerServices(world, loopbackService(service, 'http://127.0.0.1:9/health'));
  return world;
}

describe('deploy-starter handler', () => {
  it("starts the workflow under a name from the deploy's identity, with the event and its id as input", async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service));
    const event = deployEvent(service);
    const output = captureOutput();

    const response = await start(event, lambdaContext());

    const name = deployExecutionName({ service, environment: 'prod', version: '1.4.2', runId: event.id });
    expect(response).toEqual({
      status: 'started',
      execution_name: name,
      execution_arn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    });
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: response.execution_arn }));
    expect(JSON.parse(execution.input ?? '')).toEqual({
      event: { id: event.id, source: event.source, 'detail-type': event['detail-type'], detail: event.detail },
      run_id: event.id,
    });
    expect(output.records()).toEqual([
      expect.objectContaining({ message: 'deploy workflow started', execution_arn: response.execution_arn }),
    ]);
  });

  it('answers a redelivery of the event with the execution it already started, and starts no second', async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service));
    const event = deployEvent(service);
    const before = (await executions()).length;

    const first = await start(event, lambdaContext());
    const again = await start(structuredClone(event), lambdaContext());

    expect(again.execution_arn).toBe(first.execution_arn);
    expect((await executions()).length).toBe(before + 1);
  });

  it('answers already_started when the execution of that event has ended, and starts nothing', async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service));
    const event = deployEvent(service);
    const first = await start(event, lambdaContext());
    await sfn.send(new StopExecutionCommand({ executionArn: first.execution_arn }));
    const before = (await executions()).length;

    const again = await start(event, lambdaContext());

    expect(again).toEqual({ ...first, status: 'already_started' });
    expect((await executions()).length).toBe(before);
  });

  it('starts a second deploy of the same version as its own execution (another event id)', async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service));

    const first = await start(deployEvent(service), lambdaContext());
    const second = await start(deployEvent(service), lambdaContext());

    expect(second.status).toBe('started');
    expect(second.execution_arn).not.toBe(first.execution_arn);
  });

  it("names a direct invoke by its request id, so Lambda's retry of it finds the same execution", async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service));
    const detail = deployEvent(service).detail;
    const context = lambdaContext();

    const first = await start(detail, context);
    const retried = await start(detail, context);

    expect(first.execution_name).toBe(
      deployExecutionName({ service, environment: 'prod', version: '1.4.2', runId: context.awsRequestId }),
    );
    expect(retried.execution_arn).toBe(first.execution_arn);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: first.execution_arn }));
    expect(JSON.parse(execution.input ?? '')).toEqual({ event: detail, run_id: context.awsRequestId });
  });

  it('refuses an event for a service the stack does not know, naming the field, and starts nothing', async () => {
    const start = await starterFor(await registeredWorld(uniqueName('svc')));
    const before = (await executions()).length;
    const output = captureOutput();

    const refused = start(deployEvent(uniqueName('unknown')), lambdaContext());

    // The handler module is loaded afresh (its own ConfigError class), so the error is matched by name.
    await expect(refused).rejects.toMatchObject({ name: 'ConfigError', field: 'detail.service' });
    await expect(refused).rejects.toThrow(/detail\.service: is not a service this stack knows/);
    expect((await executions()).length).toBe(before);
    expect(output.records()).toEqual([
      expect.objectContaining({ message: 'invocation failed', error_name: 'ConfigError' }),
    ]);
  });

  it('fails with WorkflowStartError naming the state machine when Step Functions refuses the start', async () => {
    const service = uniqueName('svc');
    const missing = stateMachineArn.replace(/:stateMachine:.*$/, ':stateMachine:rollgate-missing');
    const start = await starterFor(await registeredWorld(service), missing);
    captureOutput();

    const refused = start(deployEvent(service), lambdaContext());

    await expect(refused).rejects.toMatchObject({ name: 'WorkflowStartError', errorName: 'StateMachineDoesNotExist' });
    await expect(refused).rejects.toThrow(/could not start the deploy workflow .*rollgate-missing/);
  });

  it('fails its first invocation naming ROLLGATE_DEPLOY_WORKFLOW_ARN when the stack did not set it', async () => {
    const service = uniqueName('svc');
    const start = await starterFor(await registeredWorld(service), '');
    captureOutput();

    await expect(start(deployEvent(service), lambdaContext())).rejects.toThrow(
      /ROLLGATE_DEPLOY_WORKFLOW_ARN: is not set/,
    );
  });
});
