// `rollgate approve` and `rollgate reject`: answer a rollback waiting for approval (a service in rollback mode
// "approve"), by writing the decision into its approval item in the state directory or the stack's state table. The
// first answer stands and an expired request cannot be answered. Exit 0 answered (or answered so already), 1 nothing
// to answer, answered the other way, or a store that cannot be used, 2 usage error; each problem is one line.

import { answerApproval, type ApprovalAnswerResult } from '../../../lambda/core/deploy/approval-item.ts';
import { ConfigError, ConfigErrors, describeError, errorNameOf, PortError } from '../../../lambda/core/errors.ts';
import type { Approval } from '../../../lambda/core/state/approval.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import { readApproveOptions, type ApproveAction, type ApproveOptions } from './approve-options.ts';
import type { CliIo } from '../cli-io.ts';
import { APPROVE_HELP } from './approve-help.ts';
import { openStateStore } from '../pause/pause-command.ts';
import type { StateLocation } from '../state-location-flags.ts';
import { withRedactedStderr } from '../redacted-io.ts';

const DYNAMODB_CLIENT = '@aws-sdk/client-dynamodb';

export interface ApproveHooks {
  /**
   * After the item was answered: on AWS the deploy workflow waits on the task token the item holds, and this answers
   * it (SendTaskSuccess). The local flow reads the item and needs nothing.
   */
  readonly afterAnswer?: (approval: Approval, action: ApproveAction, store: StateLocation) => Promise<void>;
}

export async function runApproveCommand(
  action: ApproveAction,
  argv: readonly string[],
  unredactedIo: CliIo,
  hooks: ApproveHooks = {},
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: ApproveOptions;
  try {
    options = readApproveOptions(action, argv);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(APPROVE_HELP);
    return EXIT_PASSED;
  }
  const scope = { service: options.service, environment: options.environment };
  const label = `${options.service}/${options.environment}`;
  const decision = action === 'approve' ? 'approved' : 'rejected';
  let result: ApprovalAnswerResult;
  try {
    const store = await openStateStore(options.store, io.cwd);
    result = await answerApproval(store, scope, {
      decision,
      runId: options.runId,
      by: options.by,
      reason: options.reason,
      now: new Date(),
    });
    if (result.outcome === 'answered') await hooks.afterAnswer?.(result.approval, action, options.store);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      describeError(error).includes(DYNAMODB_CLIENT)
    ) {
      io.stderr.write(
        `rollgate ${action} --table needs the AWS SDK's DynamoDB client beside it: npm install ${DYNAMODB_CLIENT}\n`,
      );
      return EXIT_USAGE;
    }
    const name = error instanceof PortError ? error.errorName : errorNameOf(error);
    const message = oneLine(error instanceof PortError ? error.message : describeError(error));
    io.stderr.write(`rollgate ${action} ${label}: ${message}${message.includes(name) ? '' : ` (${name})`}\n`);
    return EXIT_FAILED;
  }

  if (options.json) {
    const approval = 'approval' in result ? withoutToken(result.approval) : null;
    io.stdout.write(`${JSON.stringify({ ...scope, outcome: result.outcome, approval }, null, 2)}\n`);
  }
  switch (result.outcome) {
    case 'answered':
    case 'already': {
      const { approval } = result;
      const to = approval.targetVersion !== undefined ? ` to ${approval.targetVersion}` : '';
      const what = `${action === 'approve' ? 'Approved' : 'Rejected'} the rollback of ${label}${to} (run ${approval.runId})`;
      if (!options.json) {
        io.stdout.write(
          result.outcome === 'already'
            ? `${what} already, at ${approval.decidedAt}${approval.by !== undefined ? ` by ${approval.by}` : ''}\n`
            : `${what}. ${action === 'approve' ? 'The deploy sends it at its next look at the approval.' : 'No rollback will be sent; the failed version stays.'}\n`,
        );
      }
      return EXIT_PASSED;
    }
    case 'answered_otherwise':
      io.stderr.write(
        `rollgate ${action}: the rollback of ${label} (run ${result.approval.runId}) was already ${result.approval.decision} at ${result.approval.decidedAt}${result.approval.by !== undefined ? ` by ${result.approval.by}` : ''}; the first answer stands\n`,
      );
      return EXIT_FAILED;
    case 'other_run':
      io.stderr.write(
        `rollgate ${action}: the rollback of ${label} waiting for approval is run ${result.approval.runId}'s, not ${options.runId}'s; nothing answered\n`,
      );
      return EXIT_FAILED;
    case 'none_pending':
      io.stderr.write(
        `rollgate ${action}: no rollback of ${label} is waiting for approval (none was asked for, it expired, or it was answered and the deploy moved on)\n`,
      );
      return EXIT_FAILED;
  }
}

/** The item as printed: the task token is a credential for the workflow, never shown. */
function withoutToken(approval: Approval): Omit<Approval, 'taskToken'> {
  const { taskToken: _token, ...rest } = approval;
  return rest;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
