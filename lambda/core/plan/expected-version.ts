// The version a run expects its targets to report: the configured one, else, for a monitor watching a service, the
// version last deployed through Rollgate, so a deploy outside Rollgate or a host back on an old version shows as drift.

import type { PriorState, RunKind, ServiceScope } from './run-plan.ts';

export interface ExpectedVersion {
  readonly version?: string;
  /** Where it came from, when not from the configuration: for the evidence's notes. */
  readonly note?: string;
}

export function expectedVersionFor(input: {
  readonly configured: string | undefined;
  readonly kind: RunKind;
  readonly prior: PriorState;
  readonly scope: ServiceScope | undefined;
}): ExpectedVersion {
  if (input.configured !== undefined) return { version: input.configured };
  if (input.kind !== 'check' || input.scope === undefined || input.prior.store !== 'read') return {};
  const deployed = input.prior.service?.deployed?.version;
  if (deployed === undefined) return {};
  const scope = `${input.scope.service}/${input.scope.environment}`;
  return { version: deployed, note: `expects ${deployed}, the version last deployed to ${scope} through Rollgate` };
}
