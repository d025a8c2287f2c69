// Dispatches `rollgate <command>`; unknown commands and flags are usage errors (exit 2) with a one-line message.

import { describeError } from '../../lambda/core/errors.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../lambda/core/verdict/verdict.ts';
import { APPROVE_HELP } from './approve/approve-help.ts';
import { runApproveCommand } from './approve/approve-command.ts';
import { answerWorkflowTask } from './approve/approval-task-answer.ts';
import type { CliIo } from './cli-io.ts';
import { runDemoCommand } from './demo/demo-command.ts';
import { runDeployCommand } from './deploy/deploy-command.ts';
import { runEvidenceCommand } from './evidence/evidence-command.ts';
import { runFlappingServiceCommand } from './demo/flapping-service-command.ts';
import { runGateCommand } from './gate/gate-command.ts';
import {
  DEPLOY_HELP,
  EVIDENCE_HELP,
  GATE_HELP,
  INIT_HELP,
  MONITOR_HELP,
  PAUSE_HELP,
  REPORT_HELP,
  TOP_HELP,
} from './help-text.ts';
import { runInitCommand } from './init/init-command.ts';
import { runMonitorCommand } from './monitor/monitor-command.ts';
import { runPauseCommand } from './pause/pause-command.ts';
import { runReportCommand } from './report/report-command.ts';
import { withRedactedStderr } from './redacted-io.ts';
import { runStatusCommand } from './status/status-command.ts';
import { STATUS_HELP } from './status/status-help.ts';
import { ROLLGATE_VERSION } from './version.ts';

/** `rollgate help <command>`: each command's own help, as `rollgate <command> --help` prints it. */
const HELP_BY_COMMAND: Readonly<Record<string, string>> = {
  gate: GATE_HELP,
  deploy: DEPLOY_HELP,
  monitor: MONITOR_HELP,
  status: STATUS_HELP,
  evidence: EVIDENCE_HELP,
  report: REPORT_HELP,
  init: INIT_HELP,
  pause: PAUSE_HELP,
  resume: PAUSE_HELP,
  approve: APPROVE_HELP,
  reject: APPROVE_HELP,
};

export async function runCli(argv: readonly string[], unredactedIo: CliIo): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  try {
    return await dispatch(argv, io);
  } catch (error) {
    // Bad input is a ConfigError handled by each command; anything reaching here is a defect, still reported as one
    // redacted line rather than a stack trace over the CI log.
    io.stderr.write(`rollgate: internal error, please report it: ${oneLine(describeError(error))}\n`);
    return EXIT_FAILED;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(command === 'help' ? (HELP_BY_COMMAND[rest[0] ?? ''] ?? TOP_HELP) : TOP_HELP);
      return EXIT_PASSED;
    case '-V':
    case '--version':
      io.stdout.write(`rollgate ${ROLLGATE_VERSION}\n`);
      return EXIT_PASSED;
    case 'gate':
      return runGateCommand(rest, io);
    case 'evidence':
      return runEvidenceCommand(rest, io);
    case 'demo':
      return rest[0] === 'flapping-service' ? runFlappingServiceCommand(rest.slice(1), io) : runDemoCommand(rest, io);
    case 'init':
      return runInitCommand(rest, io);
    case 'pause':
    case 'resume':
      return runPauseCommand(command, rest, io);
    case 'approve':
    case 'reject':
      return runApproveCommand(command, rest, io, { afterAnswer: answerWorkflowTask });
    case 'report':
      return runReportCommand(rest, io);
    case 'deploy':
      return runDeployCommand(rest, io);
    case 'monitor':
      return runMonitorCommand(rest, io);
    case 'status':
      return runStatusCommand(rest, io);
    default:
      io.stderr.write(`rollgate: unknown command ${JSON.stringify(command)}; try 'rollgate --help'\n`);
      return EXIT_USAGE;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
