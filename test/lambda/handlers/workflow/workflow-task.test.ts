// The workflow task handler step by step, in-process, as the state machine would run it: against moto (S3 evidence,
// SNS alerts, SSM rollbacks, the DynamoDB state table) and a loopback service that warms up, breaks, heals when the
// rollback is sent or never does. Each path the state machine can take is driven to its end here.
import { ListCommandsCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbStateStore } from '../../../../lambda/adapters/aws/dynamodb-state-store.ts';
import { answerApproval, readApprovalItem } from '../../../../lambda/core/deploy/approval-item.ts';
import type { StepAnswer } from '../../../../lambda/core/deploy/deploy-progress.ts';
import { motoClients } from '../../../support/aws-fixtures.ts';
import { captureOutput, lambdaContext, recordAwsCalls, resetHandlerTest } from '../handler-harness.ts';
import { createWorkflowWorld, driveWorkflow, stepPath, type DrivenStep } from './workflow-task-world.ts';

afterEach(resetHandlerTest);

const healed = (step: DrivenStep) => step.step === 'send_rollback';
const alertTypes = (calls: ReturnType<typeof recordAwsCalls>) => calls.published.map((alert) => alert.type).sort();

function stateStore(table: string): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: motoClients().dynamodb, tableName: table });
}

describe('workflow-task handler', () => {
  it('passes a healthy deploy after its success threshold of rounds, alerting nothing', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    const calls = recordAwsCalls();
    captureOutput();

    const { steps, final } = await driveWorkflow(flow);

    expect(stepPath(steps)).toEqual(['start', 'probe_round', 'probe_round', 'decide', 'finish']);
    expect(final?.response).toMatchObject({ status: 'passed', rollback_outcome: 'not_needed', evidence_written: true });
    expect(final?.response.evidence.verdict).toMatch(
      new RegExp(`^s3://${flow.world.bucket}/deploys/${flow.service}/prod/`),
    );
    expect(calls.published).toEqual([]);
    expect(calls.sentCommands).toEqual([]);
  });

  it('passes a deploy that warms up late: failing rounds before the threshold do not fail it', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    captureOutput();
    let rounds = 0;

    const { steps, final } = await driveWorkflow(flow, {
      afterStep: (step) => {
        if (step.step === 'probe_round' && ++rounds === 1) flow.behave({ version: '1.4.2' });
      },
    });

    expect(stepPath(steps)).toEqual(['start', 'probe_round', 'probe_round', 'probe_round', 'decide', 'finish']);
    expect(final?.response.status).toBe('passed');
  });

  it('rolls a failed deploy back, verifies it recovered on the previous version, and stays failed', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    const calls = recordAwsCalls();
    captureOutput();

    const { steps, final } = await driveWorkflow(flow, {
      afterStep: (step) => healed(step) && flow.behave({ version: '1.4.1' }),
    });

    expect(stepPath(steps)).toEqual([
      'start',
      'probe_round',
      'probe_round',
      'decide',
      'send_rollback',
      'poll_rollback',
      'verify_round',
      'verify_round',
      'finish',
    ]);
    expect(final?.response).toMatchObject({ status: 'failed', rollback_outcome: 'recovered' });
    expect(calls.sentCommands).toEqual([
      expect.objectContaining({
        DocumentName: flow.world.documentName,
        Parameters: expect.objectContaining({ TargetVersion: ['1.4.1'] }),
      }),
    ]);
    expect(alertTypes(calls)).toEqual(['GateFailed', 'RollbackSucceeded']);
    const { Commands: commands = [] } = await motoClients().ssm.send(new ListCommandsCommand({}));
    expect(commands.filter((command) => command.DocumentName === flow.world.documentName)).toHaveLength(1);
  });

  it('escalates a rollback that did not heal the service: still_failing, RollbackFailed', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    const calls = recordAwsCalls();
    captureOutput();

    const { steps, final } = await driveWorkflow(flow);

    expect(stepPath(steps).slice(-3)).toEqual(['verify_round', 'verify_round', 'finish']);
    expect(final?.response).toMatchObject({ status: 'failed', rollback_outcome: 'still_failing' });
    expect(alertTypes(calls)).toEqual(['GateFailed', 'RollbackFailed']);
  });

  it('asks for approval in approve mode, stores the task token in the approval item, and rolls back once approved', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    const calls = recordAwsCalls();
    captureOutput();

    const { steps, final } = await driveWorkflow(flow, {
      approval: 'approved',
      afterStep: (step) => healed(step) && flow.behave({ version: '1.4.1' }),
    });

    expect(stepPath(steps).slice(3, 7)).toEqual(['decide', 'request_approval', 'await_approval', 'send_rollback']);
    const request = steps[4]!;
    expect(request.answer).toEqual({ approval: 'token_stored' });
    const scope = { service: flow.service, environment: 'prod' };
    const item = await readApprovalItem(stateStore(flow.world.stateTable), scope, flow.input.run_id);
    expect(item.approval?.taskToken).toBe(request.sent.task_token);
    expect(final).toMatchObject({ response: { status: 'failed', rollback_outcome: 'recovered' } });
    expect(alertTypes(calls)).toEqual(['GateFailed', 'RollbackAwaitingApproval', 'RollbackSucceeded']);
  });

  it('alerts RollbackRequired and sends nothing when nobody approves in time', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    const calls = recordAwsCalls();
    captureOutput();

    const { steps, final } = await driveWorkflow(flow, { approval: 'timed_out' });

    expect(stepPath(steps).slice(3)).toEqual(['decide', 'request_approval', 'await_approval', 'finish']);
    expect(final?.response).toMatchObject({ status: 'failed', rollback_outcome: 'timed_out' });
    expect(calls.sentCommands).toEqual([]);
    expect(alertTypes(calls)).toEqual(['GateFailed', 'RollbackAwaitingApproval', 'RollbackRequired']);
  });

  it('answers the approval task itself when rollgate approve got there before the token', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    captureOutput();
    const sent: unknown[] = [];
    const send = SFNClient.prototype.send;
    vi.spyOn(SFNClient.prototype, 'send').mockImplementation(function (this: SFNClient, ...args: unknown[]) {
      if (args[0] instanceof SendTaskSuccessCommand) sent.push(args[0].input);
      return (send as (...sendArgs: unknown[]) => Promise<unknown>).apply(this, args);
    } as never);
    const { steps } = await driveWorkflow(flow, { stopAfter: 'decide' });
    const { progress } = steps.at(-1)!.answer as StepAnswer;
    const store = stateStore(flow.world.stateTable);
    const scope = { service: flow.service, environment: 'prod' };
    const answered = await answerApproval(store, scope, {
      decision: 'approved',
      runId: progress.run_id,
      by: 'alice',
      now: new Date(),
    });

    const answer = await flow.handler(
      { step: 'request_approval', input: flow.input, progress, task_token: 'token-first' },
      lambdaContext(),
    );

    expect(answered.outcome).toBe('answered');
    expect(answer).toEqual({ approval: 'answered_already' });
    expect(sent).toEqual([{ taskToken: 'token-first', output: JSON.stringify({ decision: 'approved', by: 'alice' }) }]);
    expect((await readApprovalItem(store, scope, progress.run_id)).approval?.taskToken).toBe('token-first');
  });

  it("expects the event's expectedVersion when it names one, rather than its version", async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2+build7' } });
    captureOutput();
    const envelope = flow.input.event as { detail: Record<string, unknown> };
    const event = { ...envelope, detail: { ...envelope.detail, expectedVersion: '1.4.2+build7' } };

    const answer = (await flow.handler(
      { step: 'start', input: { ...flow.input, event } },
      lambdaContext(),
    )) as StepAnswer;

    expect(answer.progress.expected_version).toBe('1.4.2+build7');
  });

  it('keeps a secret header out of every answer the workflow would pass on and log, though the service echoes it', async () => {
    const service = `secret-${Date.now()}`;
    const secret = `Bearer sk-${service}-0123456789abcdef`;
    await motoClients().ssm.send(
      new PutParameterCommand({ Name: `/rollgate/${service}/token`, Value: secret, Type: 'SecureString' }),
    );
    const flow = await createWorkflowWorld({
      behaviour: { echoHeader: 'authorization' },
      headers: { authorization: { ssm: `/rollgate/${service}/token` } },
    });
    const calls = recordAwsCalls();
    const output = captureOutput();

    const { steps, final } = await driveWorkflow(flow);

    expect(final?.response.status).toBe('failed');
    const passedOn = JSON.stringify(steps.map((step) => step.answer));
    // The service did answer with it: the rounds record what it said, redacted.
    expect(passedOn).toContain('***');
    for (const form of [secret, 'sk-', encodeURIComponent(secret)]) expect(passedOn).not.toContain(form);
    expect(output.text()).not.toContain('sk-');
    expect(JSON.stringify(calls.published)).not.toContain('sk-');
  });

  it('refuses a payload without a known step, naming the field, before touching anything', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    const output = captureOutput();

    const refused = flow.handler({ step: 'sleep', input: flow.input }, lambdaContext());

    await expect(refused).rejects.toMatchObject({ name: 'ConfigError', field: 'step' });
    expect(output.records()).toEqual([
      expect.objectContaining({ message: 'invocation failed', error_name: 'ConfigError' }),
    ]);
  });

  it('holds every step to the registration: an event for an unknown service is refused at any step', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    captureOutput();
    const event = {
      ...(flow.input.event as Record<string, unknown>),
      detail: { service: 'unknown', environment: 'prod', version: '1' },
    };

    const refused = flow.handler(
      { step: 'probe_round', input: { event, run_id: flow.input.run_id }, progress: {} },
      lambdaContext(),
    );

    await expect(refused).rejects.toThrow(/detail\.service: is not a service this stack knows/);
  });
});
