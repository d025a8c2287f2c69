// The deciding round's full results, kept in the progress for the records' `targets` (what each attempt saw), bounded
// so the progress stays well under the Step Functions state limit however many targets a service has: failing targets
// first, in their order, until the byte budget is spent; the rest are counted.

import type { TargetResult } from '../probe/probe.ts';

/** Of the progress's 200 KB: two window histories take up to 64 KiB each, the rest is small. */
export const VERDICT_TARGETS_MAX_BYTES = 48 * 1024;

export interface BoundedTargets {
  readonly targets: TargetResult[];
  readonly notListed: number;
}

export function boundVerdictTargets(results: readonly TargetResult[]): BoundedTargets {
  const ordered = results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => Number(a.result.ok) - Number(b.result.ok) || a.index - b.index);
  const kept: { result: TargetResult; index: number }[] = [];
  let bytes = 2;
  for (const entry of ordered) {
    const size = Buffer.byteLength(JSON.stringify(entry.result), 'utf8') + 1;
    if (bytes + size > VERDICT_TARGETS_MAX_BYTES) continue;
    bytes += size;
    kept.push(entry);
  }
  return {
    targets: kept.sort((a, b) => a.index - b.index).map((entry) => entry.result),
    notListed: results.length - kept.length,
  };
}
