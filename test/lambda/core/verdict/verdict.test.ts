import { describe, expect, it } from 'vitest';
import {
  decideVerdict,
  exitCodeFor,
  type GateStatus,
  type StatusReason,
} from '../../../../lambda/core/verdict/verdict.ts';

const healthy = { ok: true };
const failing = { ok: false };

describe('decideVerdict', () => {
  it.each([
    {
      name: 'no targets',
      targets: [],
      configProblem: undefined,
      status: 'skipped',
      reason: 'no_urls_configured',
      counts: [0, 0, 0],
    },
    {
      name: 'one healthy target',
      targets: [healthy],
      configProblem: undefined,
      status: 'passed',
      reason: 'all_probes_healthy',
      counts: [1, 1, 0],
    },
    {
      name: 'all healthy targets',
      targets: [healthy, healthy, healthy],
      configProblem: undefined,
      status: 'passed',
      reason: 'all_probes_healthy',
      counts: [3, 3, 0],
    },
    {
      name: 'one failing among healthy',
      targets: [healthy, failing, healthy],
      configProblem: undefined,
      status: 'failed',
      reason: 'probe_failures',
      counts: [3, 2, 1],
    },
    {
      name: 'all failing',
      targets: [failing, failing],
      configProblem: undefined,
      status: 'failed',
      reason: 'probe_failures',
      counts: [2, 0, 2],
    },
    {
      name: 'a config problem with no targets',
      targets: [],
      configProblem: 'timeoutMs: too small',
      status: 'failed',
      reason: 'invalid_config',
      counts: [0, 0, 0],
    },
    {
      name: 'a config problem with all targets healthy',
      targets: [healthy, healthy],
      configProblem: 'x',
      status: 'failed',
      reason: 'invalid_config',
      counts: [2, 2, 0],
    },
    {
      name: 'an empty config problem',
      targets: [healthy],
      configProblem: '',
      status: 'failed',
      reason: 'invalid_config',
      counts: [1, 1, 0],
    },
  ] satisfies Array<{
    name: string;
    targets: Array<{ ok: boolean }>;
    configProblem: string | undefined;
    status: GateStatus;
    reason: StatusReason;
    counts: [number, number, number];
  }>)('decides $status / $reason for $name', ({ targets, configProblem, status, reason, counts }) => {
    const verdict = decideVerdict({ targets, ...(configProblem !== undefined ? { configProblem } : {}) });
    expect(verdict).toEqual({
      status,
      status_reason: reason,
      total: counts[0],
      healthy: counts[1],
      failing: counts[2],
    });
  });
});

describe('exitCodeFor', () => {
  it.each([
    { status: 'passed', reason: 'all_probes_healthy', failOnSkipped: false, evidenceWritten: true, code: 0 },
    { status: 'passed', reason: 'all_probes_healthy', failOnSkipped: true, evidenceWritten: true, code: 0 },
    { status: 'skipped', reason: 'no_urls_configured', failOnSkipped: false, evidenceWritten: true, code: 0 },
    { status: 'skipped', reason: 'no_urls_configured', failOnSkipped: true, evidenceWritten: true, code: 3 },
    { status: 'failed', reason: 'probe_failures', failOnSkipped: false, evidenceWritten: true, code: 1 },
    { status: 'failed', reason: 'probe_failures', failOnSkipped: false, evidenceWritten: false, code: 1 },
    { status: 'failed', reason: 'invalid_config', failOnSkipped: false, evidenceWritten: true, code: 2 },
    { status: 'failed', reason: 'invalid_config', failOnSkipped: true, evidenceWritten: false, code: 2 },
    { status: 'passed', reason: 'all_probes_healthy', failOnSkipped: false, evidenceWritten: false, code: 4 },
  ] satisfies Array<{
    status: GateStatus;
    reason: StatusReason;
    failOnSkipped: boolean;
    evidenceWritten: boolean;
    code: number;
  }>)(
    'exits $code for $status / $reason (failOnSkipped $failOnSkipped, evidence written $evidenceWritten)',
    ({ status, reason, failOnSkipped, evidenceWritten, code }) => {
      expect(exitCodeFor({ status, status_reason: reason }, { failOnSkipped, evidenceWritten })).toBe(code);
    },
  );
});
