// The deploy gate's Lambda entry point: a deploy event (EventBridge envelope or direct invoke) in, the verdict, its
// evidence location and the rollback's outcome out. Parsing, wiring and mapping only; the gate does the rest, once
// per deploy event (deploy-gate-once.ts).

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { parseDeployEvent, type DeployEvent } from '../core/config/deploy-event-schema.ts';
import { serviceLabel } from '../core/config/service-schema.ts';
import { runGate, type PortProblem } from '../core/gate/gate.ts';
import { lambdaAddressPolicy } from '../core/probe/probe.ts';
import { deployGateOnce } from './deploy-gate-once.ts';
import { gateResponseOf, type GateResponse } from './gate-response.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { checkInvocationBudget } from './invocation-budget.ts';
import { readRegistry } from './read-registry.ts';
import { parseDeployGateSettings } from './runtime-settings.ts';
import { createLambdaRuntime, wireGatePorts } from './wire-gate-ports.ts';

// At cold start, so a missing or bad ROLLGATE_* variable (or registry) fails the first invocation and names the
// variable. The SDK clients wait for their first use (aws-clients.ts).
const settings = parseDeployGateSettings(process.env);
// The services this stack knows: an event names one, and the registration says what is probed and rolled back.
const registry = readRegistry(process.env);
const runtime = createLambdaRuntime(settings);
const telemetry = new GateTelemetry(process.env, registry);
// Probes never reach this host, private networks or link-local unless a target sets allowPrivate (probe/address-policy.ts).
const addressPolicy = lambdaAddressPolicy(process.env.AWS_LAMBDA_RUNTIME_API);
const runOnce = deployGateOnce(judgeDeploy, {
  tableName: settings.idempotencyTable,
  onDuplicate: (response) =>
    telemetry.logger.info('duplicate deploy event: returning the response of its first run, nothing run again', {
      status: response.status,
      evidence: response.evidence,
    }),
});

export async function handler(event: unknown, context?: Context): Promise<GateResponse> {
  return telemetry.observe(context, async () => {
    // A bad event, or one for a service the stack does not know, throws here, before any probe or command and before
    // an idempotency record is written; Lambda reports the ConfigError as the invocation's error.
    const deployEvent = parseDeployEvent(event, {
      invocationId: context?.awsRequestId ?? randomUUID(),
      registry,
    });
    const { deploy, eventId } = deployEvent;
    telemetry.identifyRun(eventId, { rollgate_service: deploy.service, rollgate_environment: deploy.environment });
    for (const note of deployEvent.notes) telemetry.logger.warn('deploy event setting not used as sent', { note });
    // Refused unless the probes fit the invocation; the rollback wait is cut to what is left after them.
    checkInvocationBudget(serviceLabel(deployEvent.service), deployEvent.probeBudgetMs, context);
    return runOnce(deployEvent, context);
  });
}

async function judgeDeploy(
  { gateConfig, deploy, rollback, eventId, service }: DeployEvent,
  context: Context | undefined,
  safetyFaults: readonly PortProblem[],
): Promise<GateResponse> {
  // A service that rolls back automatically is rolled back to its tagged hosts, or to the event's instances that
  // carry its tags; the wait for it ends in time to record the outcome before the invocation does. A service whose
  // rollback is `off` or `approve` gets no executor: a failed gate then alerts RollbackRequired, saying which.
  const ports = wireGatePorts(
    runtime,
    rollback === undefined
      ? undefined
      : {
          target: rollback.target,
          requiredTags: rollback.requiredTags,
          ...(rollback.waitSeconds !== undefined ? { waitSeconds: rollback.waitSeconds } : {}),
          ...(context !== undefined ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
        },
  );
  // The state table gives it the known-good version to roll back to, and records this one when it passes.
  const outcome = await runGate(gateConfig, { kind: 'deploy', deploy, run_id: eventId }, ports, {
    addressPolicy,
    safetyFaults,
    policy: { rollback: service.rollback.mode },
    runId: eventId,
  });
  telemetry.recordOutcome(outcome);
  return gateResponseOf(outcome);
}
