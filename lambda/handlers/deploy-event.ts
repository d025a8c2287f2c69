// The deploy gate's Lambda entry point: a deploy event (EventBridge envelope or direct invoke) in, the verdict, its
// evidence location and the rollback's outcome out. Parsing, wiring and mapping only; the gate does the rest.

import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { parseDeployEvent } from '../core/deploy-event-schema.ts';
import { runGate } from '../core/gate.ts';
import { gateResponseOf, type GateResponse } from './gate-response.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { createLambdaRuntime, wireGatePorts } from './wire-gate-ports.ts';

// At cold start, so a missing or bad ROLLGATE_* variable fails the first invocation and names the variable.
const runtime = createLambdaRuntime();
const telemetry = new GateTelemetry();

export async function handler(event: unknown, context?: Context): Promise<GateResponse> {
  return telemetry.observe(context, async () => {
    // A bad event throws here, before any probe or command; Lambda reports the ConfigError as the invocation's error.
    const { gateConfig, deploy, rollbackTarget, eventId } = parseDeployEvent(event, {
      invocationId: context?.awsRequestId ?? randomUUID(),
    });
    telemetry.identifyRun(eventId, { rollgate_service: deploy.service, rollgate_environment: deploy.environment });
    // Every deploy can be rolled back: to the event's instances or tags, else to the deploy's rollgate:* tagged hosts.
    const ports = wireGatePorts(runtime, rollbackTarget !== undefined ? { target: rollbackTarget } : {});
    const outcome = await runGate(gateConfig, { kind: 'deploy', deploy, run_id: eventId }, ports);
    telemetry.recordOutcome(outcome);
    return gateResponseOf(outcome);
  });
}
