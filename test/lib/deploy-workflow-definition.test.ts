// The deploy workflow's definition, as the stack deploys it: valid Amazon States Language (asl-validator), every task
// retried on Lambda's own errors only and caught into RollgateFailed, every `next` a step may answer routed, waits
// taken from the step's answer, and the approval bounded by the service's timeout.
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { APPROVAL_REJECTED_ERROR, WORKFLOW_NEXT_STEPS } from '../../lambda/core/config/deploy-workflow-contract.ts';
import { WORKFLOW_STATE } from '../../lambda/core/config/deploy-workflow-contract.ts';
import { deployWorkflowAsl, TASK_FUNCTION_ARN } from '../support/deploy-workflow-asl.ts';

interface StateJson {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: Array<{ Variable: string; StringEquals?: string; IsPresent?: boolean; Next: string }>;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>;
  TimeoutSecondsPath?: string;
  SecondsPath?: string;
  TimestampPath?: string;
  Seconds?: number;
  Parameters?: Record<string, unknown>;
}

const asl = deployWorkflowAsl();
const states = asl.States as Record<string, StateJson>;
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');

describe('the deploy workflow definition', () => {
  it('is valid Amazon States Language', () => {
    const { isValid, errorsText } = aslValidator(asl);
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('runs every step on the one task function, the approval as a task token', () => {
    for (const [name, state] of tasks) {
      const resource =
        name === WORKFLOW_STATE.requestApproval ? 'arn:aws:states:::lambda:invoke.waitForTaskToken' : TASK_FUNCTION_ARN;
      expect(state.Resource, name).toBe(resource);
    }
    expect(states[WORKFLOW_STATE.requestApproval]?.Parameters).toEqual({
      FunctionName: TASK_FUNCTION_ARN,
      Payload: {
        step: 'request_approval',
        'input.$': '$$.Execution.Input',
        'progress.$': '$.progress',
        'task_token.$': '$$.Task.Token',
      },
    });
  });

  it("retries Lambda's own errors only, and the rollback's send only when Lambda never ran it", () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((retry) => retry.ErrorEquals);
      expect(retried.length, name).toBeGreaterThan(0);
      expect(
        retried.every((error) => error.startsWith('Lambda.')),
        name,
      ).toBe(true);
    }
    expect(states[WORKFLOW_STATE.send_rollback]?.Retry?.flatMap((retry) => retry.ErrorEquals)).toEqual([
      'Lambda.TooManyRequestsException',
    ]);
  });

  it('ends a task that still fails at RollgateFailed, a Fail naming the error', () => {
    for (const [name, state] of tasks) {
      expect(state.Catch?.at(-1), name).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.failure',
        Next: WORKFLOW_STATE.rollgateFailed,
      });
    }
    expect(states[WORKFLOW_STATE.rollgateFailed]).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.failure.Error',
      CausePath: '$.failure.Cause',
    });
  });

  it("ends a deploy its registration refuses at DeployRefused, a Succeed: a caller's mistake, not Rollgate broken", () => {
    expect(states[WORKFLOW_STATE.start]?.Catch?.map((catcher) => [catcher.ErrorEquals, catcher.Next])).toEqual([
      [['ConfigError', 'ConfigErrors'], WORKFLOW_STATE.refused],
      [['States.ALL'], WORKFLOW_STATE.rollgateFailed],
    ]);
    expect(states[WORKFLOW_STATE.refused]?.Type).toBe('Succeed');
    // Any later step's ConfigError is a defect: the catch-all alone.
    expect(states[WORKFLOW_STATE.probe_round]?.Catch).toHaveLength(1);
  });

  it('routes every next a step may answer, and anything else to a Fail', () => {
    const route = states[WORKFLOW_STATE.routeNextStep]!;
    const routed: Record<string, string> = Object.fromEntries(
      route.Choices!.map((choice) => [choice.StringEquals ?? '', choice.Next]),
    );
    expect(Object.keys(routed).sort()).toEqual([...WORKFLOW_NEXT_STEPS].sort());
    for (const target of Object.values(routed)) expect(states[target]?.Type, target).toBe('Task');
    expect(states[route.Default!]?.Type).toBe('Fail');
  });

  it("waits only as long as the step's answer says, until a time or for seconds", () => {
    const waits = Object.values(states).filter((state) => state.Type === 'Wait');
    expect(waits.map((wait) => wait.TimestampPath ?? wait.SecondsPath)).toEqual(['$.wait_until', '$.wait_seconds']);
    expect(waits.every((wait) => wait.Seconds === undefined)).toBe(true);
  });

  it('waits for the approval as long as the service allows, then takes the timed-out path; a rejection by failure too', () => {
    const approval = states[WORKFLOW_STATE.requestApproval]!;
    expect(approval.TimeoutSecondsPath).toBe('$.approval_timeout_seconds');
    expect(approval.Catch?.map((catcher) => [catcher.ErrorEquals, catcher.Next])).toEqual([
      [['States.Timeout'], WORKFLOW_STATE.approvalTimedOut],
      [[APPROVAL_REJECTED_ERROR], WORKFLOW_STATE.approvalRejected],
      [['States.ALL'], WORKFLOW_STATE.rollgateFailed],
    ]);
    expect(states[WORKFLOW_STATE.applyApproval]?.Parameters).toEqual({
      step: 'await_approval',
      'input.$': '$$.Execution.Input',
      'progress.$': '$.progress',
      'approval.$': '$.approval',
    });
  });

  it('ends every verdict in a Succeed of its own and bounds the whole execution', () => {
    const verdict = states[WORKFLOW_STATE.verdict]!;
    const ends = [...verdict.Choices!.map((choice) => choice.Next), verdict.Default!];
    expect(ends).toEqual([WORKFLOW_STATE.passed, WORKFLOW_STATE.skipped, WORKFLOW_STATE.failed]);
    for (const end of ends) expect(states[end]?.Type).toBe('Succeed');
    expect(asl.TimeoutSeconds).toBe(7200);
  });
});
