// The deploy event rule's target: holds the event to its service's registration (as the workflow's first step does
// again), then starts the deploy workflow's execution under a name derived from the deploy's identity and the event's
// id. EventBridge cannot name an execution itself, and delivers at least once: a redelivery names the same execution,
// which Step Functions will not start twice, so each event is judged once. Nothing is probed or sent here.

import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { startDeployExecution } from '../adapters/aws/sfn-deploy-execution.ts';
import { parseDeployEvent } from '../core/config/deploy-event-schema.ts';
import { deployExecutionName } from '../core/config/deploy-execution-name.ts';
import { DEPLOY_WORKFLOW_ARN_ENV, STATE_MACHINE_ARN_PATTERN } from '../core/config/deploy-workflow-contract.ts';
import { ConfigError } from '../core/errors.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { lazily } from './lazily.ts';
import { readRegistry } from './read-registry.ts';

/** What the starter answers (a direct invoke reads it; `rollgate deploy --wait` follows the execution instead). */
export interface DeployStartResponse {
  readonly status: 'started' | 'already_started';
  readonly execution_arn: string;
  readonly execution_name: string;
}

// At cold start, so a function deployed without its state machine or registry fails its first invocation naming it.
const stateMachineArn = readStateMachineArn(process.env);
const registry = readRegistry(process.env);
const telemetry = new GateTelemetry();
const stepFunctions = lazily(async (): Promise<SFNClient> => new (await import('@aws-sdk/client-sfn')).SFNClient({}));

export async function handler(event: unknown, context?: Context): Promise<DeployStartResponse> {
  return telemetry.observe(context, async () => {
    // A direct invoke has no event id: its request id names the run, and Lambda keeps it on an async retry.
    const deployEvent = parseDeployEvent(event, { invocationId: context?.awsRequestId ?? randomUUID(), registry });
    const { deploy, eventId } = deployEvent;
    telemetry.identifyRun(eventId, { rollgate_service: deploy.service, rollgate_environment: deploy.environment });
    const name = deployExecutionName({ ...deploy, runId: eventId });
    const start = await startDeployExecution(await stepFunctions(), stateMachineArn, name, {
      event: envelopeOrDetail(event),
      run_id: eventId,
    });
    const status = start.started ? 'started' : 'already_started';
    telemetry.logger.info(
      start.started ? 'deploy workflow started' : 'deploy workflow already started for this event: nothing to do',
      { execution_arn: start.executionArn, notes: deployEvent.notes },
    );
    return { status, execution_arn: start.executionArn, execution_name: start.executionName };
  });
}

/** The event as the workflow's first step parses it again: an envelope's identifying fields and detail, or the detail. */
function envelopeOrDetail(event: unknown): unknown {
  const record = event as Record<string, unknown>;
  if (!('detail' in record)) return event;
  return { id: record.id, source: record.source, 'detail-type': record['detail-type'], detail: record.detail };
}

function readStateMachineArn(env: Readonly<Record<string, string | undefined>>): string {
  const value = env[DEPLOY_WORKFLOW_ARN_ENV];
  if (value === undefined || value === '') throw new ConfigError(DEPLOY_WORKFLOW_ARN_ENV, value, 'is not set');
  if (!STATE_MACHINE_ARN_PATTERN.test(value)) {
    throw new ConfigError(DEPLOY_WORKFLOW_ARN_ENV, value, 'must be a Step Functions state machine ARN');
  }
  return value;
}
