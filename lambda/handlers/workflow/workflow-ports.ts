// The ports of one workflow step, from the container's runtime and the step's deploy event: evidence, alerts,
// secrets and state as the one-shot gate has them, the service's probe configuration, and a rollback executor for a
// service that rolls back (automatically, or once approved) that can start a rollback in one step and follow it in
// later ones.

import type { DeployEvent } from '../../core/config/deploy-event-schema.ts';
import { hostTagsOf } from '../../core/config/service-schema.ts';
import type { DeployPorts } from '../../core/deploy/deploy-ports.ts';
import type { AddressPolicy } from '../../core/probe/probe.ts';
import { wireGatePorts, type LambdaRuntime, type RollbackPlan } from '../wire-gate-ports.ts';

export function workflowPorts(runtime: LambdaRuntime, event: DeployEvent, addressPolicy: AddressPolicy): DeployPorts {
  const ports = wireGatePorts(runtime, rollbackPlanOf(event));
  return {
    ...ports,
    gate: event.gateConfig,
    addressPolicy,
    // An alert's approve command names the stack's table, where the approval item is.
    approvalStoreArgs: `--table ${runtime.settings.stateTable}`,
  };
}

/**
 * Where a rollback of this deploy goes. The event's own registration decides it for a service in auto mode; a service
 * in approve mode rolls back, once approved, to its tagged hosts. No remaining-time bound: the workflow follows the
 * rollback across steps, not within one invocation.
 */
function rollbackPlanOf(event: DeployEvent): RollbackPlan | undefined {
  if (event.rollback !== undefined) {
    const { target, requiredTags, waitSeconds } = event.rollback;
    return { target, requiredTags, ...(waitSeconds !== undefined ? { waitSeconds } : {}) };
  }
  if (event.service.rollback.mode !== 'approve') return undefined;
  const tags = hostTagsOf(event.service);
  const waitSeconds = event.service.rollback.waitSeconds;
  return { target: { tags }, requiredTags: tags, ...(waitSeconds !== undefined ? { waitSeconds } : {}) };
}
