// The deploy workflow's states: one Lambda task per step of the deploy flow (lambda/core/deploy), a Wait wherever a
// step asks for one (seconds or a timestamp from its answer), a Choice on the step's `next`, the approval as a task
// token, and ends that tell the verdict (a Succeed per verdict) from Rollgate itself breaking (a Fail).
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  APPROVAL_REJECTED_ERROR,
  TASK_STATE_NAMES,
  WORKFLOW_STATE,
  type WorkflowStep,
} from '../lambda/core/config/deploy-workflow-contract.ts';

/**
 * Lambda's own errors, raised when the function could not be run or answered: retried. A step's own error (a bug, a
 * store that failed past what the step records as a fault) is not: it ends the execution at RollgateFailed.
 */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/** The errors the task function throws for a deploy its registration refuses (lambda/core/errors.ts). */
const REFUSAL_ERRORS = ['ConfigError', 'ConfigErrors'] as const;
/** Throttled: the function never ran, so even the rollback's send may be retried. */
const LAMBDA_NOT_RUN_ERRORS = ['Lambda.TooManyRequestsException'];

/**
 * What each task is sent: its step, the execution's input (the deploy event, held to its registration again by every
 * step: the progress carries no target or header, so each step derives what to probe from the event and the registry),
 * the progress, and for ApplyApproval the approval's answer.
 */
function payloadOf(step: WorkflowStep): Record<string, unknown> {
  const input = sfn.JsonPath.objectAt('$$.Execution.Input');
  if (step === 'start') return { step, input };
  const progress = sfn.JsonPath.objectAt('$.progress');
  // The whole answer, whatever rollgate approve sent: the task validates it (a missing field here would be a
  // States.Runtime error, which no Catch takes).
  if (step === 'await_approval') return { step, input, progress, approval: sfn.JsonPath.objectAt('$.approval') };
  return { step, input, progress };
}

/**
 * The chain of states, invoking `taskFunction` for every step. The state between tasks is the step's answer
 * (`{ progress, next, wait_seconds?, wait_until?, approval_timeout_seconds? }`); after Finish it is `{ progress,
 * response }`, the execution's output.
 */
export function deployWorkflowDefinition(scope: Construct, taskFunction: lambda.IFunction): sfn.IChainable {
  const rollgateFailed = new sfn.Fail(scope, WORKFLOW_STATE.rollgateFailed, {
    comment: 'Rollgate itself broke (a step threw, or Lambda kept failing): the deploy has no verdict',
    errorPath: '$.failure.Error',
    causePath: '$.failure.Cause',
  });
  // Caught first on StartDeploy only: a request its registration refuses is the caller's mistake, not Rollgate broken.
  const refused = new sfn.Succeed(scope, WORKFLOW_STATE.refused, {
    comment:
      'The deploy was refused by its registration (a service the stack does not know, a field it may not set): ' +
      'nothing probed, no verdict; the output names the field',
  });
  const task = (step: WorkflowStep, name: string, comment: string, retryOn: string[] = LAMBDA_SERVICE_ERRORS) => {
    const invoke = new tasks.LambdaInvoke(scope, name, {
      comment,
      lambdaFunction: taskFunction,
      payload: sfn.TaskInput.fromObject(payloadOf(step)),
      // The state stays the step's answer, not Lambda's envelope around it.
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    invoke.addRetry({
      errors: retryOn,
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    if (step === 'start') invoke.addCatch(refused, { errors: [...REFUSAL_ERRORS], resultPath: '$.failure' });
    invoke.addCatch(rollgateFailed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    return invoke;
  };

  const start = task(
    'start',
    WORKFLOW_STATE.start,
    'Validates the deploy against its registration and starts the window',
  );
  const scheduleNextStep = new sfn.Choice(scope, WORKFLOW_STATE.scheduleNextStep, {
    comment: 'Waits where the step asked to (until a time, or for seconds), then routes on its next',
  });
  const routeNextStep = new sfn.Choice(scope, WORKFLOW_STATE.routeNextStep, { comment: "Routes on the step's next" });
  const waitUntil = new sfn.Wait(scope, WORKFLOW_STATE.waitUntil, {
    comment: 'Until the next round is due (wait_until from the step)',
    time: sfn.WaitTime.timestampPath('$.wait_until'),
  });
  const waitSeconds = new sfn.Wait(scope, WORKFLOW_STATE.waitSeconds, {
    comment: 'Seconds before the next step (wait_seconds from the step)',
    time: sfn.WaitTime.secondsPath('$.wait_seconds'),
  });
  scheduleNextStep
    .when(sfn.Condition.isPresent('$.wait_until'), waitUntil.next(routeNextStep))
    .when(sfn.Condition.isPresent('$.wait_seconds'), waitSeconds.next(routeNextStep))
    .otherwise(routeNextStep);
  start.next(scheduleNextStep);

  const steps = {
    probe_round: task('probe_round', TASK_STATE_NAMES.probe_round, 'One round of the watch window'),
    decide: task('decide', TASK_STATE_NAMES.decide, 'Records the verdict and plans what follows it'),
    // A Lambda error after SSM took the command would send a second rollback: retried only when Lambda never ran it.
    send_rollback: task('send_rollback', TASK_STATE_NAMES.send_rollback, 'Sends the rollback', LAMBDA_NOT_RUN_ERRORS),
    poll_rollback: task('poll_rollback', TASK_STATE_NAMES.poll_rollback, 'Asks how the rollback command is doing'),
    verify_round: task('verify_round', TASK_STATE_NAMES.verify_round, 'One round of the verification window'),
  };
  for (const state of Object.values(steps)) state.next(scheduleNextStep);

  const applyApproval = task(
    'await_approval',
    WORKFLOW_STATE.applyApproval,
    'Acts on the approval, rejection or timeout',
  );
  applyApproval.next(scheduleNextStep);
  const requestApproval = new tasks.LambdaInvoke(scope, WORKFLOW_STATE.requestApproval, {
    comment: 'Stores this task token in the approval item and waits for rollgate approve or reject',
    lambdaFunction: taskFunction,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      step: 'request_approval' satisfies WorkflowStep,
      input: sfn.JsonPath.objectAt('$$.Execution.Input'),
      progress: sfn.JsonPath.objectAt('$.progress'),
      task_token: sfn.JsonPath.taskToken,
    }),
    // The service's approvalTimeoutMinutes, in seconds, as the step that asked for the approval answered it.
    taskTimeout: sfn.Timeout.at('$.approval_timeout_seconds'),
    resultPath: '$.approval',
    retryOnServiceExceptions: false,
  });
  requestApproval.addRetry({
    errors: LAMBDA_SERVICE_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
  });
  const timedOut = new sfn.Pass(scope, WORKFLOW_STATE.approvalTimedOut, {
    comment: 'Nobody approved or rejected within the approval timeout',
    result: sfn.Result.fromObject({ decision: 'timed_out' }),
    resultPath: '$.approval',
  });
  const rejected = new sfn.Pass(scope, WORKFLOW_STATE.approvalRejected, {
    comment: `rollgate reject answered with SendTaskFailure (${APPROVAL_REJECTED_ERROR})`,
    result: sfn.Result.fromObject({ decision: 'rejected' }),
    resultPath: '$.approval',
  });
  requestApproval.addCatch(timedOut.next(applyApproval), { errors: [sfn.Errors.TIMEOUT], resultPath: '$.failure' });
  requestApproval.addCatch(rejected.next(applyApproval), {
    errors: [APPROVAL_REJECTED_ERROR],
    resultPath: '$.failure',
  });
  requestApproval.addCatch(rollgateFailed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  requestApproval.next(applyApproval);

  const finish = task('finish', TASK_STATE_NAMES.finish, 'Final evidence, alerts and state; releases the lock');
  const verdict = new sfn.Choice(scope, WORKFLOW_STATE.verdict, { comment: 'Ends on the verdict the deploy got' })
    .when(
      sfn.Condition.stringEquals('$.response.status', 'passed'),
      new sfn.Succeed(scope, WORKFLOW_STATE.passed, { comment: 'The deploy passed its window' }),
    )
    .when(
      sfn.Condition.stringEquals('$.response.status', 'skipped'),
      new sfn.Succeed(scope, WORKFLOW_STATE.skipped, { comment: 'Nothing was judged' }),
    )
    .otherwise(
      new sfn.Succeed(scope, WORKFLOW_STATE.failed, {
        comment: 'The deploy failed: a verdict, not a broken workflow (the output says what the rollback did)',
      }),
    );
  finish.next(verdict);

  const unknown = new sfn.Fail(scope, WORKFLOW_STATE.unknownNextStep, {
    comment: 'A step answered a next this state machine does not know: the task function and the definition disagree',
    error: 'Rollgate.UnknownNextStep',
    cause: 'A step answered a next this state machine does not route',
  });
  routeNextStep
    .when(sfn.Condition.stringEquals('$.next', 'await_approval'), requestApproval)
    .when(sfn.Condition.stringEquals('$.next', 'finish'), finish);
  for (const [next, state] of Object.entries(steps)) {
    routeNextStep.when(sfn.Condition.stringEquals('$.next', next), state);
  }
  routeNextStep.otherwise(unknown);
  return start;
}
