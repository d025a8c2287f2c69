// The synthetic monitor's Lambda entry point: an EventBridge schedule invokes it with a monitor's name (found in the
// registry) or, from rules deployed before the registry, the whole monitor; it probes, writes the check's evidence
// under checks/ and, remembering the monitor's state in the state table, alerts on its transitions (down after
// failureThreshold failing runs, recovered after successThreshold healthy ones). It rolls back only for a monitor that
// says `"rollbackOnFailure": true`, on its transition to down, to its service's known-good version, on the hosts of
// its service (its registered host tags, else rollgate:service and rollgate:environment).

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { runGate } from '../core/gate/gate.ts';
import { lambdaAddressPolicy } from '../core/probe/probe.ts';
import { parseMonitorInput } from '../core/config/monitor-schema.ts';
import { probeBudgetMs } from '../core/config/probe-budget.ts';
import { gateResponseOf, type GateResponse } from './gate-response.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { checkInvocationBudget } from './invocation-budget.ts';
import { readRegistry } from './read-registry.ts';
import { parseRuntimeSettings } from './runtime-settings.ts';
import { createLambdaRuntime, wireGatePorts } from './wire-gate-ports.ts';

// At cold start, so a missing or bad ROLLGATE_* variable fails the first invocation and names the variable. The SDK
// clients wait for their first use (aws-clients.ts). No idempotency table: schedules are fixed, and each scheduled
// invocation is a check of its own.
const runtime = createLambdaRuntime(parseRuntimeSettings(process.env));
const registry = readRegistry(process.env);
const telemetry = new GateTelemetry(process.env, registry);
// Probes never reach this host, private networks or link-local unless a target sets allowPrivate (probe/address-policy.ts).
const addressPolicy = lambdaAddressPolicy(process.env.AWS_LAMBDA_RUNTIME_API);

export async function handler(event: unknown, context?: Context): Promise<GateResponse> {
  return telemetry.observe(context, async () => {
    const check = parseMonitorInput(event, registry);
    // A schedule's input is fixed, so the invocation is what identifies this run.
    const runId = context?.awsRequestId ?? randomUUID();
    telemetry.identifyRun(runId, {
      monitor: check.monitor,
      rollgate_service: check.service,
      rollgate_environment: check.environment,
    });
    if (check.rollbackNote !== undefined) telemetry.logger.info(check.rollbackNote);
    const { gateConfig } = check;
    // Refused unless the probes fit the invocation. The rollback wait is cut to what is left after them, and ends in
    // time to record the rollback's outcome before the invocation does.
    checkInvocationBudget(
      `monitor ${check.monitor}`,
      probeBudgetMs({ ...gateConfig, targets: gateConfig.targets.length }),
      context,
    );
    const rollback =
      check.rollback !== undefined
        ? {
            scope: check.rollback.scope,
            target: { tags: check.rollback.hostTags },
            ...(check.rollback.waitSeconds !== undefined ? { waitSeconds: check.rollback.waitSeconds } : {}),
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
    // The invocation is the run: it owns the rollback lock while it holds it.
    const outcome = await runGate(gateConfig, evidenceContext, ports, { addressPolicy, policy: check.policy, runId });
    telemetry.recordOutcome(outcome);
    return gateResponseOf(outcome);
  });
}
