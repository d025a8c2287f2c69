// The commands that answer a rollback waiting for approval, exactly as an alert and the evidence give them: the
// service, the environment and the run, all names from the registration and the run (never free text), and where the
// approval item is (`--table T` on AWS, `--state-dir D` locally).

import type { ServiceScope } from '../plan/run-plan.ts';

export interface ApprovalCommands {
  readonly approve: string;
  readonly reject: string;
}

export function approvalCommands(scope: ServiceScope, runId: string, storeArgs: string | undefined): ApprovalCommands {
  const args = `--service ${scope.service} --environment ${scope.environment} --run ${runId}${storeArgs !== undefined && storeArgs !== '' ? ` ${storeArgs}` : ''}`;
  return { approve: `rollgate approve ${args}`, reject: `rollgate reject ${args}` };
}
