// Whether a failed run failed on the running version alone (the deploy did not land, or a host drifted): then the
// alert is VersionMismatch, not GateFailed or MonitorDown.

import type { ExpectationResult } from '../probe/expectations.ts';

interface JudgedTarget {
  readonly ok: boolean;
  readonly expectations: readonly Pick<ExpectationResult, 'ok' | 'name'>[];
}

export function isVersionOnlyFailure(statusReason: string, targets: readonly JudgedTarget[]): boolean {
  const failing = targets.filter((target) => !target.ok);
  return (
    statusReason === 'probe_failures' &&
    failing.length > 0 &&
    failing.every((target) => target.expectations.every((result) => result.ok || result.name === 'version'))
  );
}
