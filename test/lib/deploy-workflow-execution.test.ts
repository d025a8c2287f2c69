// The deploy workflow's real definition executed by moto's Step Functions interpreter, on a moto_server of this file's
// own: each path is first driven in-process through the real task handler (against the run's shared moto and a
// loopback service), then its answers are queued as the Lambda results moto hands the tasks, and the execution must
// take the same path, wait where the answers said, answer the approval through its task token, end in the state that
// tells the verdict, and output the finish's answer. Duplicate starts are refused by name.
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeployExecution } from '../../lambda/adapters/aws/sfn-deploy-execution.ts';
import {
  APPROVAL_REJECTED_ERROR,
  WORKFLOW_STATE,
  type WorkflowStep,
} from '../../lambda/core/config/deploy-workflow-contract.ts';
import { deployExecutionName } from '../../lambda/core/config/deploy-execution-name.ts';
import type { StepAnswer } from '../../lambda/core/deploy/deploy-progress.ts';
import { captureOutput, resetHandlerTest } from '../lambda/handlers/handler-harness.ts';
import {
  createWorkflowWorld,
  type DrivenFlow,
  type DrivenStep,
  driveWorkflow,
  type WorkflowWorld,
} from '../lambda/handlers/workflow/workflow-task-world.ts';
import {
  approvalTaskToken,
  awaitExecutionEnd,
  startStepFunctionsMoto,
  statePath,
  type StepFunctionsMoto,
} from '../support/step-functions-moto.ts';

const TASK_STATE: Readonly<Record<WorkflowStep, string>> = {
  start: WORKFLOW_STATE.start,
  probe_round: WORKFLOW_STATE.probe_round,
  decide: WORKFLOW_STATE.decide,
  request_approval: WORKFLOW_STATE.requestApproval,
  await_approval: WORKFLOW_STATE.applyApproval,
  send_rollback: WORKFLOW_STATE.send_rollback,
  poll_rollback: WORKFLOW_STATE.poll_rollback,
  verify_round: WORKFLOW_STATE.verify_round,
  finish: WORKFLOW_STATE.finish,
};
const TASK_STATES = new Set(Object.values(TASK_STATE));

let moto: StepFunctionsMoto;
beforeAll(async () => {
  moto = await startStepFunctionsMoto();
});
afterAll(async () => moto?.stop());
afterEach(resetHandlerTest);

type ApprovalAnswer = 'approve' | 'reject' | 'let time out';

/** Queues the flow's answers, starts its execution on moto, answers the approval as told, and waits for the end. */
async function replay(flow: WorkflowWorld, driven: DrivenFlow, approval?: ApprovalAnswer) {
  const answers = driven.steps.map((step) => tinyApprovalTimeout(step, approval));
  await moto.queueTaskResults(answers);
  const name = deployExecutionName({
    service: flow.service,
    environment: 'prod',
    version: '1.4.2',
    runId: flow.input.run_id,
  });
  const start = await moto.sfn.send(
    new StartExecutionCommand({ stateMachineArn: moto.stateMachineArn, name, input: JSON.stringify(flow.input) }),
  );
  let answered = false;
  return awaitExecutionEnd(moto.sfn, start.executionArn!, async (events) => {
    const token = approvalTaskToken(events);
    if (token === undefined || answered || approval === 'let time out') return;
    answered = true;
    if (approval === 'reject') {
      const rejection = { taskToken: token, error: APPROVAL_REJECTED_ERROR, cause: 'rejected by alice' };
      await moto.sfn.send(new SendTaskFailureCommand(rejection));
      return;
    }
    const output = JSON.stringify({ decision: 'approved', by: 'alice' });
    await moto.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output }));
  });
}

/** The definition takes the approval's timeout from the decide step's answer: a second, for a test that lets it lapse. */
function tinyApprovalTimeout(step: DrivenStep, approval: ApprovalAnswer | undefined): unknown {
  const answer = step.answer as StepAnswer;
  if (approval !== 'let time out' || answer.approval_timeout_seconds === undefined) return step.answer;
  return { ...answer, approval_timeout_seconds: 1 };
}

function tasksEntered(events: readonly HistoryEvent[]): string[] {
  return statePath(events).filter((name) => TASK_STATES.has(name));
}

/**
 * The payload each task of a state was sent, in order (what the task function received): a LambdaFunctionScheduled
 * event's input for a task on the function's ARN, a TaskScheduled event's Payload for the task-token one.
 */
function payloadsOf(events: readonly HistoryEvent[], state: string): Array<Record<string, unknown>> {
  let current: string | undefined;
  const payloads: Array<Record<string, unknown>> = [];
  for (const event of events) {
    if (event.stateEnteredEventDetails?.name !== undefined) current = event.stateEnteredEventDetails.name;
    if (current !== state) continue;
    const lambdaInput = event.lambdaFunctionScheduledEventDetails?.input;
    const taskParameters = event.taskScheduledEventDetails?.parameters;
    if (lambdaInput !== undefined) payloads.push(JSON.parse(lambdaInput) as Record<string, unknown>);
    if (taskParameters !== undefined) {
      payloads.push((JSON.parse(taskParameters) as { Payload: Record<string, unknown> }).Payload);
    }
  }
  return payloads;
}

/** Every answer that asked for a wait was followed by the Wait state of its kind. */
function waitsTaken(events: readonly HistoryEvent[]): string[] {
  return statePath(events).filter((name) => name === WORKFLOW_STATE.waitUntil || name === WORKFLOW_STATE.waitSeconds);
}

function waitsAsked(driven: DrivenFlow): string[] {
  return driven.steps.flatMap((step) => {
    const answer = step.answer as StepAnswer;
    if (answer.wait_until !== undefined) return [WORKFLOW_STATE.waitUntil];
    if (answer.wait_seconds !== undefined) return [WORKFLOW_STATE.waitSeconds];
    return [];
  });
}

describe('the deploy workflow on moto', () => {
  it('passes a healthy deploy: every round a task, every wait a Wait, ending at DeployPassed with the verdict', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    captureOutput();
    const driven = await driveWorkflow(flow);

    const { execution, events } = await replay(flow, driven);

    expect(execution.status).toBe('SUCCEEDED');
    expect(tasksEntered(events)).toEqual(driven.steps.map((step) => TASK_STATE[step.step]));
    expect(waitsTaken(events)).toEqual(waitsAsked(driven));
    expect(statePath(events).at(-1)).toBe(WORKFLOW_STATE.passed);
    expect(JSON.parse(execution.output ?? '')).toEqual(driven.final);
    // Every task got the execution's input: each step holds the event to its registration again.
    for (const payload of payloadsOf(events, WORKFLOW_STATE.probe_round)) expect(payload.input).toEqual(flow.input);
  });

  it('passes a deploy that warms up late, after more rounds', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    captureOutput();
    let rounds = 0;
    const driven = await driveWorkflow(flow, {
      afterStep: (step) => {
        if (step.step === 'probe_round' && ++rounds === 1) flow.behave({ version: '1.4.2' });
      },
    });

    const { execution, events } = await replay(flow, driven);

    expect(tasksEntered(events).filter((name) => name === WORKFLOW_STATE.probe_round)).toHaveLength(3);
    expect(statePath(events).at(-1)).toBe(WORKFLOW_STATE.passed);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('fails a deploy, rolls back, polls, verifies it recovered, and ends at DeployFailed: a verdict, not a failure', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    captureOutput();
    const driven = await driveWorkflow(flow, {
      afterStep: (step) => step.step === 'send_rollback' && flow.behave({ version: '1.4.1' }),
    });

    const { execution, events } = await replay(flow, driven);

    expect(execution.status).toBe('SUCCEEDED');
    expect(tasksEntered(events)).toEqual(driven.steps.map((step) => TASK_STATE[step.step]));
    expect(waitsTaken(events)).toEqual(waitsAsked(driven));
    expect(statePath(events).at(-1)).toBe(WORKFLOW_STATE.failed);
    expect(JSON.parse(execution.output ?? '')).toMatchObject({
      response: { status: 'failed', rollback_outcome: 'recovered' },
    });
  });

  it('fails a deploy whose rollback did not heal it: still_failing, at DeployFailed', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 } });
    captureOutput();
    const driven = await driveWorkflow(flow);

    const { execution, events } = await replay(flow, driven);

    expect(tasksEntered(events)).toEqual(driven.steps.map((step) => TASK_STATE[step.step]));
    expect(JSON.parse(execution.output ?? '')).toMatchObject({
      response: { status: 'failed', rollback_outcome: 'still_failing' },
    });
  });

  it('waits on the task token for approval, and goes on to the rollback once rollgate approve answers it', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    captureOutput();
    const driven = await driveWorkflow(flow, {
      approval: 'approved',
      afterStep: (step) => step.step === 'send_rollback' && flow.behave({ version: '1.4.1' }),
    });

    const { execution, events } = await replay(flow, driven, 'approve');

    expect(tasksEntered(events)).toEqual(driven.steps.map((step) => TASK_STATE[step.step]));
    expect(payloadsOf(events, WORKFLOW_STATE.applyApproval)[0]?.approval).toEqual({
      decision: 'approved',
      by: 'alice',
    });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({
      response: { status: 'failed', rollback_outcome: 'recovered' },
    });
  });

  it('takes the timed-out path when nobody answers within the approval timeout', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    captureOutput();
    const driven = await driveWorkflow(flow, { approval: 'timed_out' });

    const { execution, events } = await replay(flow, driven, 'let time out');

    expect(events.some((event) => event.type === 'TaskTimedOut')).toBe(true);
    expect(statePath(events)).toContain(WORKFLOW_STATE.approvalTimedOut);
    expect(payloadsOf(events, WORKFLOW_STATE.applyApproval)[0]?.approval).toEqual({ decision: 'timed_out' });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({
      response: { status: 'failed', rollback_outcome: 'timed_out' },
    });
  });

  it('takes a rejection sent as a task failure as rejected', async () => {
    const flow = await createWorkflowWorld({ behaviour: { status: 503 }, rollback: { mode: 'approve' } });
    captureOutput();
    const driven = await driveWorkflow(flow, { approval: 'rejected' });

    const { execution, events } = await replay(flow, driven, 'reject');

    expect(statePath(events)).toContain(WORKFLOW_STATE.approvalRejected);
    expect(payloadsOf(events, WORKFLOW_STATE.applyApproval)[0]?.approval).toEqual({ decision: 'rejected' });
    expect(JSON.parse(execution.output ?? '')).toMatchObject({
      response: { status: 'failed', rollback_outcome: 'rejected' },
    });
  });

  it('ends FAILED at UnknownNextStep, not as a verdict, when a step answers a next it does not route', async () => {
    await moto.queueTaskResults([{ progress: {}, next: 'sleep' }]);
    const start = await moto.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: moto.stateMachineArn,
        name: 'broken-next',
        input: JSON.stringify({ event: {}, run_id: 'broken-next' }),
      }),
    );

    const { execution, events } = await awaitExecutionEnd(moto.sfn, start.executionArn!);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Rollgate.UnknownNextStep' });
    expect(statePath(events).at(-1)).toBe(WORKFLOW_STATE.unknownNextStep);
  });

  it('starts one execution per deploy name: a second start finds it running, one after its end is refused', async () => {
    const flow = await createWorkflowWorld({ behaviour: { version: '1.4.2' } });
    captureOutput();
    const driven = await driveWorkflow(flow);
    // The first answer asks for two seconds' wait, so the second start comes while the execution runs.
    const [first_, ...rest] = driven.steps.map((step) => step.answer as StepAnswer);
    await moto.queueTaskResults([{ ...first_, wait_until: undefined, wait_seconds: 2 }, ...rest]);
    const name = deployExecutionName({
      service: flow.service,
      environment: 'prod',
      version: '1.4.2',
      runId: flow.input.run_id,
    });

    const first = await startDeployExecution(moto.sfn, moto.stateMachineArn, name, flow.input);
    const whileRunning = await startDeployExecution(moto.sfn, moto.stateMachineArn, name, flow.input);
    const running = await moto.sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    await awaitExecutionEnd(moto.sfn, first.executionArn);
    const afterItEnded = await startDeployExecution(moto.sfn, moto.stateMachineArn, name, flow.input);

    expect(first.started).toBe(true);
    expect(running.status).toBe('RUNNING');
    expect(whileRunning).toEqual(first);
    expect(afterItEnded).toEqual({ executionArn: first.executionArn, executionName: name, started: false });
    const { executions = [] } = await moto.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: moto.stateMachineArn }),
    );
    expect(executions.filter((execution) => execution.name === name)).toHaveLength(1);
    const described = await moto.sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
  });
});
