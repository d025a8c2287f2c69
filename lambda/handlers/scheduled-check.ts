// The synthetic monitor's Lambda entry point: an EventBridge schedule invokes it with one monitor object; it probes,
// writes the check's evidence under checks/ and alerts on failure. It rolls back only for a monitor that says
// `"rollbackOnFailure": true`, to the instances tagged with the monitor's service and environment.

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { runGate } from '../core/gate/gate.ts';
import { lambdaAddressPolicy } from '../core/probe/probe.ts';
import { parseMonitorInput } from '../core/config/monitor-schema.ts';
import { gateResponseOf, type GateResponse } from './gate-response.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { parseRuntimeSettings } from './runtime-settings.ts';
import { createLambdaRuntime, wireGatePorts } from './wire-gate-ports.ts';

// At cold start, so a missing or bad ROLLGATE_* variable fails the first invocation and names the variable. The SDK
// clients wait for their first use (aws-clients.ts). No idempotency table: schedules are fixed, and each scheduled
// invocation is a check of its own.
const runtime = createLambdaRuntime(parseRuntimeSettings(process.env));
const telemetry = new GateTelemetry();
// Probes never reach this host, private networks or link-local unless a target sets allowPrivate (probe/address-policy.ts).
const addressPolicy = lambdaAddressPolicy(process.env.AWS_LAMBDA_RUNTIME_API);

export async function handler(event: unknown, context?: Context): Promise<GateResponse> {
  return telemetry.observe(context, async () => {
    const check = parseMonitorInput(event);
    // A schedule's input is fixed, so the invocation is what identifies this run.
    const runId = context?.awsRequestId ?? randomUUID();
    telemetry.identifyRun(runId, {
      monitor: check.monitor,
      rollgate_service: check.service,
      rollgate_environment: check.environment,
    });
    // The wait for a rollback ends in time to record its outcome before the invocation does.
    const rollback =
      check.rollbackScope !== undefined
        ? {
            scope: check.rollbackScope,
            ...(context !== undefined ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
          }
        : undefined;
    const ports = wireGatePorts(runtime, rollback);
    const evidenceContext = {
      kind: 'check' as const,
      monitor: check.monitor,
      run_id: runId,
      ...(check.service !== undefined ? { service: check.service } : {}),
      ...(check.environment !== undefined ? { environment: check.environment } : {}),
    };
    const outcome = await runGate(check.gateConfig, evidenceContext, ports, { addressPolicy });
    telemetry.recordOutcome(outcome);
    return gateResponseOf(outcome);
  });
}
