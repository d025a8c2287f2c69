// Evidence documents for the pure tests (env file, alerts): built with the real buildEvidence and decideVerdict, so
// the tests judge the same shape a gate run produces.

import {
  buildEvidence,
  describeVerdict,
  type EvidenceContext,
  type EvidenceDocument,
} from '../../../../lambda/core/evidence/evidence.ts';
import type { ExpectationResult } from '../../../../lambda/core/probe/expectations.ts';
import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';
import { rollbackNotAttempted, type RollbackResult } from '../../../../lambda/core/rollback/rollback-result.ts';
import { decideVerdict } from '../../../../lambda/core/verdict/verdict.ts';

const STATUS_OK: ExpectationResult = {
  name: 'status',
  ok: true,
  observed: '200',
  expected: '[200-299]',
  condition: '[STATUS] 200 in [200-299]',
};

/** A target that passed every check. */
export function healthyTarget(url: string): TargetResult {
  return { url, ok: true, attempts: [], expectations: [STATUS_OK] };
}

/** A target whose only failing check is the version it reports (`undefined`: it reported none). */
export function wrongVersionTarget(url: string, running: string | undefined, expected: string): TargetResult {
  const seen = running === undefined ? '(missing)' : JSON.stringify(running);
  const version: ExpectationResult = {
    name: 'version',
    ok: false,
    observed: running ?? '(none)',
    expected,
    condition: `[BODY].version ${seen} == ${JSON.stringify(expected)}`,
  };
  return {
    url,
    ok: false,
    reason: version.condition,
    ...(running !== undefined ? { version: running } : {}),
    expected_version: expected,
    attempts: [],
    expectations: [STATUS_OK, version],
  };
}

/** A target answering 503, optionally also on the wrong version. */
export function unhealthyTarget(url: string, wrongVersion?: { running: string; expected: string }): TargetResult {
  const status: ExpectationResult = {
    name: 'status',
    ok: false,
    observed: '503',
    expected: '[200-299]',
    condition: '[STATUS] 503 in [200-299]',
  };
  const expectations: ExpectationResult[] = [status];
  if (wrongVersion) {
    expectations.push({
      name: 'version',
      ok: false,
      observed: wrongVersion.running,
      expected: wrongVersion.expected,
      condition: `[BODY].version ${JSON.stringify(wrongVersion.running)} == ${JSON.stringify(wrongVersion.expected)}`,
    });
  }
  return { url, ok: false, reason: expectations.map((e) => e.condition).join('; '), attempts: [], expectations };
}

/** A target whose connection failed. */
export function unreachableTarget(url: string): TargetResult {
  const connected: ExpectationResult = {
    name: 'connected',
    ok: false,
    observed: 'connection_refused',
    expected: 'a complete HTTP response',
    condition: '[CONNECTED] connection_refused',
  };
  return { url, ok: false, reason: connected.condition, attempts: [], expectations: [connected] };
}

export interface SampleEvidenceOptions {
  readonly targets?: readonly TargetResult[];
  readonly context?: EvidenceContext;
  readonly configProblem?: string;
  readonly expectedVersion?: string;
  readonly rollback?: RollbackResult;
  readonly message?: string;
}

export const CHECKOUT_DEPLOY: EvidenceContext = {
  kind: 'deploy',
  deploy: { service: 'checkout', environment: 'prod', version: '1.4.2', previous_version: '1.4.1' },
  run_id: 'evt-123',
};

export function sampleEvidence(options: SampleEvidenceOptions = {}): EvidenceDocument {
  const targets = options.targets ?? [];
  const verdict = decideVerdict({
    targets,
    ...(options.configProblem !== undefined ? { configProblem: options.configProblem } : {}),
  });
  return buildEvidence({
    verdict,
    message: options.message ?? describeVerdict(verdict, options.configProblem),
    startedAt: new Date('2026-01-07T10:00:00.000Z'),
    finishedAt: new Date('2026-01-07T10:00:01.250Z'),
    durationMs: 1250,
    expectedVersion: options.expectedVersion,
    targets,
    rollback: options.rollback ?? rollbackNotAttempted(verdict.status === 'failed' ? 'not_configured' : 'not_needed'),
    context: options.context ?? { kind: 'gate' },
    settings: null,
  });
}
