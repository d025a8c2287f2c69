// What `rollgate deploy --wait` prints as the stack's deploy workflow runs: the same lines `rollgate deploy --local`
// prints (local-deploy-lines.ts), made from the execution history: each task state that ended carries its step's
// answer as output. An answer that does not read as one is left out, never a crash.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { TASK_STATE_NAMES, WORKFLOW_STATE } from '../../../lambda/core/config/deploy-workflow-contract.ts';
import type { DeployNext, StepAnswer } from '../../../lambda/core/deploy/deploy-progress.ts';
import { progressLinesOf, type ProgressLine } from './local-deploy-lines.ts';

/** The step each task state runs, by state name (ApplyApproval acts on the approval's answer). */
const STEP_OF_STATE: ReadonlyMap<string, DeployNext> = new Map<string, DeployNext>([
  ...Object.entries(TASK_STATE_NAMES).map(([step, state]) => [state, step as DeployNext] as const),
  [WORKFLOW_STATE.applyApproval, 'await_approval'],
]);

/** The lines an event of the history is worth: a step's, when its task state ends (Decide's names the approval). */
export function workflowProgressLines(event: HistoryEvent): ProgressLine[] {
  const exited = event.stateExitedEventDetails;
  const step = exited?.name !== undefined ? STEP_OF_STATE.get(exited.name) : undefined;
  if (step === undefined) return [];
  const answer = answerOf(exited?.output);
  if (answer === undefined) return [];
  try {
    return progressLinesOf(step, answer);
  } catch {
    return [];
  }
}

function answerOf(json: string | undefined): StepAnswer | undefined {
  if (json === undefined) return undefined;
  try {
    const state = JSON.parse(json) as Partial<StepAnswer>;
    return typeof state.progress === 'object' && state.progress !== null ? (state as StepAnswer) : undefined;
  } catch {
    return undefined;
  }
}
