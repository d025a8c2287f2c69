// On AWS the deploy workflow waits on a task token for a rollback's approval; the token is in the approval item of the
// stack's table. Once `rollgate approve` or `reject` has written its answer there, this sends it to the waiting task
// (SendTaskSuccess with the decision), so the workflow goes on at once. The Step Functions client is loaded only then.

import { PortError, describeError } from '../../../lambda/core/errors.ts';
import type { ApproveHooks } from './approve-command.ts';

const SFN_CLIENT = '@aws-sdk/client-sfn';

/** The hook for `rollgate approve|reject --table`: answers the workflow's task token when the item holds one. */
export const answerWorkflowTask: NonNullable<ApproveHooks['afterAnswer']> = async (approval, _action, store) => {
  if (!('table' in store) || approval.taskToken === undefined || approval.decision === undefined) return;
  let sfn: typeof import('@aws-sdk/client-sfn');
  try {
    sfn = await import('@aws-sdk/client-sfn');
  } catch (error) {
    throw new PortError(
      `the answer is in the table, but the deploy workflow waiting for it needs the AWS SDK's Step Functions client ` +
        `to be told: npm install ${SFN_CLIENT}, then answer again (${describeError(error)})`,
      { cause: error },
    );
  }
  const output = { decision: approval.decision, ...(approval.by !== undefined ? { by: approval.by } : {}) };
  try {
    await new sfn.SFNClient({}).send(
      new sfn.SendTaskSuccessCommand({ taskToken: approval.taskToken, output: JSON.stringify(output) }),
    );
  } catch (error) {
    // The workflow stopped waiting (its approval timed out, or it was stopped): the recorded answer changes nothing.
    throw new PortError(`the deploy workflow was not waiting for this answer any more: ${describeError(error)}`, {
      cause: error,
    });
  }
};
