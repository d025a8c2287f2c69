// What makes two deliveries of a deploy event "the same deploy" for the deploy gate's once-only guard. EventBridge
// delivers at least once and a duplicate keeps its event id; a direct invoke has no event id, so the deploy itself
// (service, environment, version, commit) identifies it.

import type { DeployRecord } from '../gate/ports.ts';

/** How the event arrived: in an EventBridge envelope (with its `id`), or as the detail alone from a direct invoke. */
export type DeployEventOrigin =
  | { readonly kind: 'eventbridge'; readonly eventId: string }
  | { readonly kind: 'direct' };

/**
 * The idempotency key of one deploy event. A JSON array, so no field's alphabet can make two different deploys
 * collide on a separator; the commit is lower-cased because a pipeline may spell the same hash either way.
 */
export function deployIdempotencyKey(origin: DeployEventOrigin, deploy: DeployRecord): string {
  if (origin.kind === 'eventbridge') return JSON.stringify(['eventbridge', origin.eventId]);
  return JSON.stringify([
    'direct',
    deploy.service,
    deploy.environment,
    deploy.version,
    deploy.commit?.toLowerCase() ?? null,
  ]);
}
