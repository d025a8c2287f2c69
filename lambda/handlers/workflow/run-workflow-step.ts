// Runs the one step of the deploy flow a workflow task names, with the deploy event's ports, and answers what the
// state machine routes on. The approval's request stores the task token (and answers the task itself when `rollgate
// approve` got there first); every other step is the core's own.

import { InvalidToken, SendTaskSuccessCommand, type SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { DeployEvent } from '../../core/config/deploy-event-schema.ts';
import { readApprovalItem } from '../../core/deploy/approval-item.ts';
import { awaitApproval } from '../../core/deploy/await-approval.ts';
import { decide } from '../../core/deploy/decide.ts';
import type { DeployPorts } from '../../core/deploy/deploy-ports.ts';
import type { DeployProgress, FinishAnswer, StepAnswer } from '../../core/deploy/deploy-progress.ts';
import { finish } from '../../core/deploy/finish.ts';
import { pollRollback } from '../../core/deploy/poll-rollback.ts';
import { probeRound } from '../../core/deploy/probe-round.ts';
import { requestApproval } from '../../core/deploy/request-approval.ts';
import { sendRollback } from '../../core/deploy/send-rollback.ts';
import { deployRegistrationOf, startDeploy } from '../../core/deploy/start-deploy.ts';
import { verifyRound } from '../../core/deploy/verify-round.ts';
import { ConfigError } from '../../core/errors.ts';
import type { WorkflowTaskPayload } from './workflow-task-payload.ts';

/** What the approval's request answers (the state machine ignores it: it waits for the token's answer). */
export interface ApprovalRequestAnswer {
  readonly approval: 'token_stored' | 'answered_already' | 'not_waiting';
}

export type WorkflowTaskAnswer = StepAnswer | FinishAnswer | ApprovalRequestAnswer;

export interface WorkflowStepDependencies {
  /** Step Functions, for answering the approval task when its answer came before its token. */
  readonly stepFunctions: () => Promise<SFNClient>;
}

export async function runWorkflowStep(
  payload: WorkflowTaskPayload,
  deployEvent: DeployEvent,
  ports: DeployPorts,
  dependencies: WorkflowStepDependencies,
): Promise<WorkflowTaskAnswer> {
  if (payload.step === 'start') {
    const expected = deployEvent.gateConfig.expectedVersion;
    return startDeploy(
      {
        run_id: deployEvent.eventId,
        kind: 'deploy',
        deploy: deployEvent.deploy,
        ...(expected !== undefined ? { expected_version: expected } : {}),
      },
      deployRegistrationOf(deployEvent.service),
      ports,
    );
  }
  const progress = progressOf(payload);
  switch (payload.step) {
    case 'probe_round':
      return probeRound(progress, ports);
    case 'decide':
      return decide(progress, ports);
    case 'request_approval':
      return requestApprovalToken(progress, payload.task_token, ports, dependencies);
    case 'await_approval':
      if (payload.approval === undefined)
        throw new ConfigError('payload.approval', undefined, 'is required by await_approval');
      return awaitApproval(progress, payload.approval, ports);
    case 'send_rollback':
      return sendRollback(progress, ports);
    case 'poll_rollback':
      return pollRollback(progress, ports);
    case 'verify_round':
      return verifyRound(progress, ports);
    case 'finish':
      return finish(progress, ports);
  }
}

/**
 * Stores the token for `rollgate approve`. When the answer is already in the item (the person was quicker than this
 * task), nobody would ever send it to the token: this task does.
 */
async function requestApprovalToken(
  progress: DeployProgress,
  token: string | undefined,
  ports: DeployPorts,
  dependencies: WorkflowStepDependencies,
): Promise<ApprovalRequestAnswer> {
  if (token === undefined) throw new ConfigError('payload.task_token', undefined, 'is required by request_approval');
  const { stored } = await requestApproval(progress, token, ports);
  if (!stored || ports.state === undefined || progress.scope === undefined) return { approval: 'not_waiting' };
  const { approval } = await readApprovalItem(ports.state, progress.scope, progress.run_id);
  if (approval?.decision === undefined) return { approval: 'token_stored' };
  const client = await dependencies.stepFunctions();
  try {
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: token,
        output: JSON.stringify({
          decision: approval.decision,
          ...(approval.by !== undefined ? { by: approval.by } : {}),
        }),
      }),
    );
  } catch (error) {
    // rollgate approve read the token in between and answered it: the task is answered either way.
    if (!(error instanceof TaskTimedOut || error instanceof InvalidToken)) throw error;
  }
  return { approval: 'answered_already' };
}

/** The progress the previous step answered: produced by this function's own steps, passed on by the state machine. */
function progressOf(payload: WorkflowTaskPayload): DeployProgress {
  const progress = payload.progress;
  if (typeof progress !== 'object' || progress === null || !('progress_version' in progress)) {
    throw new ConfigError('payload.progress', undefined, `is required by ${payload.step}`, { show: 'none' });
  }
  return progress as DeployProgress;
}
