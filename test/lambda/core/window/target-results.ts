// TargetResults as the probe returns them, for the window's pure tests: one attempt each, with what a round records.

import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';

export interface TargetResultFields {
  readonly name?: string;
  readonly url?: string;
  readonly reason?: string;
  readonly version?: string;
  readonly latencyMs?: number;
}

export function healthyTarget(fields: TargetResultFields = {}): TargetResult {
  return targetResult(true, fields);
}

export function failingTarget(fields: TargetResultFields = {}): TargetResult {
  return targetResult(false, { reason: '[STATUS] 503 in [200-299]', ...fields });
}

function targetResult(ok: boolean, fields: TargetResultFields): TargetResult {
  return {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    url: fields.url ?? 'http://127.0.0.1:8080/health',
    ok,
    ...(!ok && fields.reason !== undefined ? { reason: fields.reason } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
    attempts: [{ attempt: 1, latency_ms: fields.latencyMs ?? 12, ok, expectations: [] }],
    expectations: [],
  };
}
