import { describe, expect, it } from 'vitest';
import {
  decideVerdict,
  exitCodeFor,
  exitCodeForInterruption,
  type GateStatus,
  type ProberFault,
  type StatusReason,
  type VerdictInput,
  type VerdictTarget,
} from '../../../../lambda/core/verdict/verdict.ts';

const healthy = { ok: true };
const failing = { ok: false };
/** A failing target whose every attempt ended with `errors` in turn. */
const failedWith = (...errors: string[]) => ({ ok: false, attempts: errors.map((error) => ({ error })) });
const noSockets = failedWith('local_resources_exhausted', 'local_resources_exhausted');
const resolverDown = failedWith('dns_unavailable', 'dns_unavailable');

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

  it.each([
    {
      name: 'every failing target out of sockets here',
      targets: [healthy, noSockets, noSockets],
      fault: 'local_resources_exhausted',
    },
    { name: 'the only target out of sockets here', targets: [noSockets], fault: 'local_resources_exhausted' },
    {
      name: 'every target failing DNS with a resolver error',
      targets: [resolverDown, resolverDown],
      fault: 'dns_resolver_unavailable',
    },
    {
      name: 'resolver errors and socket exhaustion, no target reached',
      targets: [resolverDown, noSockets],
      fault: 'dns_resolver_unavailable',
    },
    {
      name: 'healthy targets with a secret store out of reach',
      targets: [healthy],
      store: 'secret_store_unavailable',
      fault: 'secret_store_unavailable',
    },
    {
      name: 'no targets with the state store unreadable',
      targets: [],
      store: 'state_store_unavailable',
      fault: 'state_store_unavailable',
    },
    {
      name: 'failing targets with the state store unreadable',
      targets: [failing, healthy],
      store: 'state_store_unavailable',
      fault: 'state_store_unavailable',
    },
  ] satisfies Array<{
    name: string;
    targets: VerdictTarget[];
    store?: VerdictInput['storeFault'];
    fault: ProberFault;
  }>)(
    'fails as prober_unavailable ($fault) with $name, saying nothing about the service',
    ({ targets, store, fault }) => {
      const verdict = decideVerdict({ targets, ...(store !== undefined ? { storeFault: store } : {}) });
      expect(verdict).toMatchObject({ status: 'failed', status_reason: 'prober_unavailable', prober_fault: fault });
      expect(verdict.total).toBe(targets.length);
    },
  );

  it.each([
    { name: 'one failing target out of sockets, one refused', targets: [noSockets, failedWith('connection_refused')] },
    {
      name: 'a target that ran out of sockets, then got a 503',
      targets: [{ ok: false, attempts: [{ error: 'local_resources_exhausted' }, {}] }],
    },
    {
      name: 'a resolver error beside a healthy target (its name servers may be broken)',
      targets: [healthy, resolverDown],
    },
    { name: 'a name that does not exist', targets: [failedWith('dns'), failedWith('dns')] },
    { name: 'a failing target with no attempts recorded', targets: [failing] },
  ] satisfies Array<{ name: string; targets: VerdictTarget[] }>)(
    'counts $name against the service (probe_failures)',
    ({ targets }) => {
      expect(decideVerdict({ targets })).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    },
  );

  it('keeps invalid_config ahead of a store fault: a gate that cannot be configured says so first', () => {
    const verdict = decideVerdict({ targets: [], configProblem: 'x', storeFault: 'state_store_unavailable' });
    expect(verdict.status_reason).toBe('invalid_config');
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
    { status: 'failed', reason: 'prober_unavailable', failOnSkipped: false, evidenceWritten: true, code: 1 },
    { status: 'failed', reason: 'prober_unavailable', failOnSkipped: true, evidenceWritten: false, code: 1 },
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

describe('an interrupted run', () => {
  it('fails as interrupted whatever its targets said so far, but a configuration problem comes first', () => {
    expect(decideVerdict({ targets: [healthy, healthy], interrupted: true })).toEqual({
      status: 'failed',
      status_reason: 'interrupted',
      total: 2,
      healthy: 2,
      failing: 0,
    });
    expect(decideVerdict({ targets: [], configProblem: 'bad', interrupted: true }).status_reason).toBe(
      'invalid_config',
    );
    expect(decideVerdict({ targets: [], interrupted: true }).status).toBe('failed');
  });

  it('exits 128 + the signal number, as a shell reports a process the signal ended', () => {
    expect(exitCodeForInterruption('SIGINT')).toBe(130);
    expect(exitCodeForInterruption('SIGTERM')).toBe(143);
    expect(
      exitCodeFor({ status: 'failed', status_reason: 'interrupted' }, { failOnSkipped: false, evidenceWritten: true }),
    ).toBe(1);
  });
});
