// A rollback's result as evidence and alerts may carry it: the executor's words, its output tail (capped) and each
// host's (SSM's per-host output reaches evidence and alerts too), redacted with the run's secrets. The one-shot gate
// and the deploy flow record it alike.

import { tailOf, type Redactor } from '../secrets/redact.ts';
import { ROLLBACK_OUTPUT_TAIL_BYTES, type RollbackResult } from './rollback-result.ts';

export function redactRollbackResult(result: RollbackResult, executor: string, redactor: Redactor): RollbackResult {
  return {
    ...result,
    executor: redactor.text(result.executor ?? executor),
    output_tail:
      result.output_tail === null ? null : redactor.text(tailOf(result.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
    ...(result.detail !== undefined ? { detail: redactor.text(result.detail) } : {}),
    ...(result.hosts !== undefined
      ? {
          hosts: result.hosts.map((host) => ({
            ...host,
            output_tail: redactor.text(tailOf(host.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
            ...(host.detail !== undefined ? { detail: redactor.text(host.detail) } : {}),
          })),
        }
      : {}),
  };
}
