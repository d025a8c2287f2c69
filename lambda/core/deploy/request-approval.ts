// On AWS, the step the workflow's task-token wait invokes: it stores the task token in the run's approval item, for
// `rollgate approve` or `rollgate reject` to answer (SendTaskSuccess / SendTaskFailure). The workflow keeps the
// progress as it was; what this step found is only its answer, for the execution history.

import { ConfigError } from '../errors.ts';
import { storeApprovalToken } from './approval-item.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress } from './deploy-progress.ts';

export interface ApprovalTokenRecord {
  /** False when the approval item is gone (expired, or replaced by a newer run's): nobody can answer this run. */
  readonly stored: boolean;
}

/** Throws StateUnavailableError when the store cannot be used: the task fails and the workflow's Catch decides. */
export async function requestApproval(
  progress: DeployProgress,
  taskToken: string,
  ports: Pick<DeployPorts, 'state'>,
): Promise<ApprovalTokenRecord> {
  if (progress.phase !== 'awaiting_approval' || progress.scope === undefined || ports.state === undefined) {
    throw new ConfigError('progress.phase', progress.phase, 'is not awaiting an approval the state store holds');
  }
  if (typeof taskToken !== 'string' || !/^[^\x00-\x1f\x7f]{1,2048}$/.test(taskToken)) {
    throw new ConfigError('task_token', undefined, 'must be a Step Functions task token', { show: 'withheld' });
  }
  return storeApprovalToken(ports.state, progress.scope, progress.run_id, taskToken);
}
