// The deploy workflow's task function: one Lambda entry for every step of the deploy flow (lambda/core/deploy), chosen
// by the payload's `step`. Each invocation holds the execution's deploy event to its registration again, wires the
// ports from it, runs that one step and answers what comes next. It never waits: the state machine does.

import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { parseDeployEvent } from '../../core/config/deploy-event-schema.ts';
import { lambdaAddressPolicy } from '../../core/probe/probe.ts';
import { GateTelemetry } from '../gate-telemetry.ts';
import { lazily } from '../lazily.ts';
import { readRegistry } from '../read-registry.ts';
import { parseRuntimeSettings } from '../runtime-settings.ts';
import { createLambdaRuntime } from '../wire-gate-ports.ts';
import { runWorkflowStep, type WorkflowTaskAnswer } from './run-workflow-step.ts';
import { workflowPorts } from './workflow-ports.ts';
import { parseWorkflowTaskPayload } from './workflow-task-payload.ts';

// At cold start, so a function deployed with a missing or broken variable (or registry) fails its first step naming it.
const settings = parseRuntimeSettings(process.env);
const registry = readRegistry(process.env);
const runtime = createLambdaRuntime(settings);
const telemetry = new GateTelemetry(process.env, registry);
// Probes never reach this host, private networks or link-local unless a target sets allowPrivate (probe/address-policy.ts).
const addressPolicy = lambdaAddressPolicy(process.env.AWS_LAMBDA_RUNTIME_API);
// Only when an approval was answered before its token was stored (run-workflow-step.ts).
const stepFunctions = lazily(async (): Promise<SFNClient> => new (await import('@aws-sdk/client-sfn')).SFNClient({}));

export async function handler(raw: unknown, context?: Context): Promise<WorkflowTaskAnswer> {
  return telemetry.observe(context, async () => {
    const payload = parseWorkflowTaskPayload(raw);
    // The same event every step: what to probe, with which budget and secrets, and where to roll back come from the
    // registration, never from the progress the previous step answered.
    const deployEvent = parseDeployEvent(payload.input.event, { invocationId: payload.input.run_id, registry });
    const { deploy } = deployEvent;
    telemetry.identifyRun(payload.input.run_id, {
      rollgate_service: deploy.service,
      rollgate_environment: deploy.environment,
    });
    if (payload.step === 'start') {
      for (const note of deployEvent.notes) telemetry.logger.warn('deploy event setting not used as sent', { note });
    }
    const ports = workflowPorts(runtime, deployEvent, addressPolicy);
    const answer = await runWorkflowStep(payload, deployEvent, ports, { stepFunctions });
    if ('progress' in answer) telemetry.recordWorkflowStep(payload.step, answer, deploy);
    telemetry.logger.info('workflow step done', { step: payload.step, ...stepSummary(answer) });
    return answer;
  });
}

/** What the log says of a step: where the deploy is and what comes next, never the progress itself. */
function stepSummary(answer: WorkflowTaskAnswer): Record<string, unknown> {
  if ('response' in answer) {
    return {
      status: answer.response.status,
      rollback: answer.response.rollback_outcome,
      evidence: answer.response.evidence,
    };
  }
  if ('progress' in answer) return { phase: answer.progress.phase, next: answer.next };
  return { approval: answer.approval };
}
