// `rollgate deploy` against the stack: starts the deploy workflow's execution with the caller's credentials, under a
// name from the deploy's identity and a run id of its own; without --wait prints the execution to follow, with it
// follows the execution (a line per round), writes the run's last record as health-gate.json/.env (read from the
// evidence bucket), and answers `rollgate gate`'s exit code. A workflow that broke, or no verdict by --timeout, is
// said as such and never taken for a verdict.

import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { startDeployExecution } from '../../../lambda/adapters/aws/sfn-deploy-execution.ts';
import { deployExecutionName } from '../../../lambda/core/config/deploy-execution-name.ts';
import type { DeployDetail } from '../../../lambda/core/config/deploy-event-schema.ts';
import type { WorkflowExecutionInput } from '../../../lambda/core/config/deploy-workflow-contract.ts';
import type { DeployResponse, FinishAnswer } from '../../../lambda/core/deploy/deploy-progress.ts';
import { describeError, errorNameOf, PortError } from '../../../lambda/core/errors.ts';
import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import {
  EXIT_FAILED,
  EXIT_PASSED,
  EXIT_USAGE,
  exitCodeFor,
  exitCodeForInterruption,
} from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { followExecution } from './deploy-execution-follower.ts';
import type { DeployRequest } from './deploy-options.ts';
import { workflowProgressLines } from './deploy-progress-lines.ts';
import { ProgressPrinter } from './local-deploy.ts';
import { createStopSignal, type StopSignal } from '../stop-signal.ts';

/** What the deploy needs of AWS: Step Functions, and reading a record from the evidence bucket. */
export interface WorkflowClients {
  readonly stepFunctions: SFNClient;
  /** The evidence document at `s3://bucket/key`. */
  readonly readEvidence: (bucket: string, key: string) => Promise<EvidenceDocument>;
}

export interface AwsDeployRequest {
  readonly deploy: DeployRequest;
  readonly stateMachineArn: string;
  readonly wait: boolean;
  readonly timeoutMs: number;
  /** Where health-gate.json and .env go. */
  readonly evidenceDir: string;
  readonly json: boolean;
  /** Put before every line: a release's component. */
  readonly label?: string | undefined;
}

/** How one deploy ended, for a release's summary. */
export interface AwsDeployResult {
  readonly code: number;
  readonly executionArn?: string;
  /** The verdict, or why there is none (`broken`, `no_verdict_yet`, `not_started`, `started`). */
  readonly status: string;
  readonly rollbackOutcome?: string;
  readonly evidence?: string;
}

export async function runAwsDeploy(
  request: AwsDeployRequest,
  clients: WorkflowClients,
  writeEvidence: (document: EvidenceDocument) => Promise<unknown>,
  io: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<AwsDeployResult> {
  const prefix = request.label !== undefined ? `${request.label}: ` : '';
  const say = (text: string) => {
    if (!request.json) io.stdout.write(`${prefix}${text}\n`);
  };
  const runId = `cli-${randomUUID()}`;
  const { deploy } = request;
  const name = deployExecutionName({ ...deploy, runId });
  const input: WorkflowExecutionInput = { event: detailOf(deploy), run_id: runId };
  let executionArn: string;
  try {
    executionArn = (await startDeployExecution(clients.stepFunctions, request.stateMachineArn, name, input))
      .executionArn;
  } catch (error) {
    io.stderr.write(`rollgate: ${prefix}${oneLine(describeError(error))}${nameOf(error)}\n`);
    return { code: EXIT_USAGE, status: 'not_started' };
  }
  const consoleLink = consoleUrl(executionArn);
  say(`deploy ${deploy.service}/${deploy.environment} ${deploy.version}: ${executionArn}`);
  say(`follow it: ${consoleLink}`);
  if (!request.wait) {
    if (request.json) io.stdout.write(`${JSON.stringify({ execution_arn: executionArn, console_url: consoleLink })}\n`);
    return { code: EXIT_PASSED, executionArn, status: 'started' };
  }

  const printer = new ProgressPrinter(io.stdout, request.json, request.label);
  // A cancelled CI job or Ctrl-C stops the following, never the deploy: the workflow is durable and goes on.
  const stop = listenForStop();
  const end = await followExecution(clients.stepFunctions, executionArn, {
    timeoutMs: request.timeoutMs,
    onEvent: (event) => printer.print(workflowProgressLines(event)),
    stop: stop.abort,
  }).finally(() => stop.dispose());
  printer.end();
  if (end.state === 'stopped') {
    io.stderr.write(
      `rollgate: ${prefix}${end.signal}: stopped following, with no verdict here; the workflow goes on and will still roll back if it must: ${consoleLink}\n`,
    );
    return {
      code: exitCodeForInterruption(end.signal),
      executionArn,
      status: 'no_verdict_yet',
    };
  }
  if (end.state === 'still_running') {
    io.stderr.write(
      `rollgate: ${prefix}no verdict within --timeout; the workflow goes on and will still roll back if it must: ${consoleLink}\n`,
    );
    return { code: EXIT_FAILED, executionArn, status: 'no_verdict_yet' };
  }
  if (end.state !== 'SUCCEEDED') {
    // Rollgate itself broke (or, from an older definition, refused the deploy): no verdict either way.
    const refused = end.error === 'ConfigError' || end.error === 'ConfigErrors';
    io.stderr.write(
      `rollgate: ${prefix}${refused ? 'the deploy was refused' : `the deploy workflow ${end.state.toLowerCase().replace('_', ' ')}, so there is no verdict`}` +
        `: ${end.error ?? 'unknown error'}${causeOf(end.cause)} (${consoleLink})\n`,
    );
    return { code: refused ? EXIT_USAGE : EXIT_FAILED, executionArn, status: 'broken' };
  }

  const output = end.output as Partial<FinishAnswer> & { failure?: { Error?: string; Cause?: string } };
  if (output.response === undefined) {
    // DeployRefused: the first step found the deploy refused by its registration; nothing was probed.
    io.stderr.write(
      `rollgate: ${prefix}the deploy was refused: ${output.failure?.Error ?? 'unknown error'}${causeOf(output.failure?.Cause)}\n`,
    );
    return { code: EXIT_USAGE, executionArn, status: 'refused' };
  }
  const { response } = output;
  const record = response.evidence.delivery ?? response.evidence.rollback ?? response.evidence.verdict;
  const written = await copyRecord(record, clients, writeEvidence);
  if (written !== undefined) io.stderr.write(`rollgate: ${prefix}health-gate.json not written: ${written}\n`);
  if (request.json) io.stdout.write(`${JSON.stringify({ execution_arn: executionArn, response })}\n`);
  else say(summaryOf(response, record));
  return {
    code: exitCodeFor(response, { failOnSkipped: false, evidenceWritten: response.evidence_written }),
    executionArn,
    status: response.status,
    rollbackOutcome: response.rollback_outcome,
    ...(record !== undefined ? { evidence: record } : {}),
  };
}

/** The detail a deploy event would carry. */
function detailOf(deploy: DeployRequest): DeployDetail {
  return {
    service: deploy.service,
    environment: deploy.environment,
    version: deploy.version,
    ...(deploy.previousVersion !== undefined ? { previousVersion: deploy.previousVersion } : {}),
    ...(deploy.digest !== undefined ? { digest: deploy.digest } : {}),
    ...(deploy.commit !== undefined ? { commit: deploy.commit } : {}),
  } as DeployDetail;
}

/** Copies the run's last record from the bucket into health-gate.json/.env; answers why not, when it could not. */
async function copyRecord(
  uri: string | undefined,
  clients: WorkflowClients,
  writeEvidence: (document: EvidenceDocument) => Promise<unknown>,
): Promise<string | undefined> {
  const location = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (location === null) return 'the run named no record in the evidence bucket';
  try {
    await writeEvidence(await clients.readEvidence(location[1]!, location[2]!));
    return undefined;
  } catch (error) {
    // Reading needs s3:GetObject on deploys/ and kms:Decrypt on the stack's key: the verdict stands without it.
    return `${oneLine(describeError(error))}${nameOf(error)}`;
  }
}

function summaryOf(response: DeployResponse, record: string | undefined): string {
  const rollback = response.rollback_outcome === 'not_needed' ? '' : `; rollback: ${response.rollback_outcome}`;
  return (
    `Verdict: ${response.status.toUpperCase()} (${response.status_reason}, decided by ${response.decided_by})${rollback}` +
    `${record !== undefined ? `\nEvidence: ${record}` : ''}`
  );
}

/** The Step Functions console page of an execution, in its region. */
export function consoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The Lambda error's message, from the JSON cause Step Functions records. */
function causeOf(cause: string | undefined): string {
  if (cause === undefined) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? `: ${oneLine(parsed.errorMessage)}` : `: ${oneLine(cause)}`;
  } catch {
    return `: ${oneLine(cause)}`;
  }
}

function nameOf(error: unknown): string {
  const name = error instanceof PortError ? error.errorName : errorNameOf(error);
  return name !== '' && !describeError(error).includes(name) ? ` (${name})` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 2000);
}
