// Around the rollback: whether it still goes ahead once the lock was tried (the cooldown checked again under it), and
// what its outcome leaves: the alert, the rollback's time and, on success, its target as deployed again.
import { describe, expect, it } from 'vitest';
import {
  confirmRollback,
  planAfterRollback,
  type LockOutcome,
  type RunRollbackDecision,
} from '../../../../lambda/core/plan/plan-after-rollback.ts';
import { expectedVersionFor } from '../../../../lambda/core/plan/expected-version.ts';
import type { RollbackResult } from '../../../../lambda/core/rollback/rollback-result.ts';
import { planStateWriteFailed } from '../../../../lambda/core/plan/plan-state-write-failed.ts';
import { at, iso, known, PASSED, plan, read, SCOPE, service, T0 } from './plan-fixtures.ts';

const TARGET = { version: '1.4.1', source: 'known_good', record: known('1.4.1', 600, { commit: 'abcdef1' }) } as const;
const MONITOR_RUN: RunRollbackDecision = { action: 'run', target: TARGET, cooldownMinutes: 30 };
const DEPLOY_RUN: RunRollbackDecision = { action: 'run', target: TARGET };

describe('confirmRollback', () => {
  it.each<{ name: string; decision: RunRollbackDecision; lock: LockOutcome; outcome: string }>([
    {
      name: 'the lock taken, no rollback since',
      decision: MONITOR_RUN,
      lock: { kind: 'acquired', service: service() },
      outcome: 'run',
    },
    {
      name: 'the lock taken, but another run rolled back 5 minutes ago',
      decision: MONITOR_RUN,
      lock: { kind: 'acquired', service: service({ lastRollbackAt: iso(-5) }) },
      outcome: 'cooldown',
    },
    {
      name: "a deploy's own rollback right after another",
      decision: DEPLOY_RUN,
      lock: { kind: 'acquired', service: service({ lastRollbackAt: iso(-5) }) },
      outcome: 'run',
    },
    {
      name: 'the lock held by another run',
      decision: DEPLOY_RUN,
      lock: { kind: 'held_by', owner: 'evt-2', until: at(10) },
      outcome: 'locked',
    },
    { name: 'the lock contended', decision: DEPLOY_RUN, lock: { kind: 'contended' }, outcome: 'locked' },
    {
      name: 'the store failing',
      decision: DEPLOY_RUN,
      lock: { kind: 'state_unavailable' },
      outcome: 'state_unavailable',
    },
  ])('gives $outcome for $name', ({ decision, lock, outcome }) => {
    const confirmed = confirmRollback(decision, lock, T0);
    expect(confirmed.action === 'suppressed' ? confirmed.reason : confirmed.action).toBe(outcome);
  });
});

describe('planAfterRollback', () => {
  const result = (ok: boolean): RollbackResult => ({
    attempted: true,
    ok,
    outcome: ok ? 'succeeded' : 'failed',
    exit_code: ok ? 0 : 1,
    duration_ms: 10,
    output_tail: '',
  });
  const before = service({ deployed: known('1.4.2', 5), knownGood: [known('1.4.1', 600)] });

  it('alerts RollbackSucceeded, makes the target the deployed version with its record, and drops the version it left', () => {
    const left = service({ deployed: known('1.4.2', 5), knownGood: [known('1.4.2', 5), known('1.4.1', 600)] });
    const plan = planAfterRollback({
      decision: DEPLOY_RUN,
      result: result(true),
      service: left,
      stateful: true,
      at: T0,
    });
    expect(plan.alerts).toEqual([{ type: 'RollbackSucceeded', severity: 'warning' }]);
    expect(plan.next.service).toEqual({
      deployed: { ...TARGET.record, version: '1.4.1', at: T0.toISOString() },
      // 1.4.2 failed where it ran: a later rollback must not go back to it.
      knownGood: [known('1.4.1', 600)],
      lastRollbackAt: T0.toISOString(),
    });
  });

  it('alerts RollbackFailed and keeps the failed version as deployed (and known-good), with the rollback time', () => {
    const plan = planAfterRollback({
      decision: DEPLOY_RUN,
      result: result(false),
      service: before,
      stateful: true,
      at: T0,
    });
    expect(plan.alerts).toEqual([{ type: 'RollbackFailed', severity: 'critical' }]);
    expect(plan.next.service).toEqual({ ...before, lastRollbackAt: T0.toISOString() });
  });

  it.each<{ name: string; verification: 'recovered' | 'still_failing' | undefined; deployed: string; alert: object }>([
    {
      name: 'a verified recovery',
      verification: 'recovered',
      deployed: '1.4.1',
      alert: { type: 'RollbackSucceeded', severity: 'warning' },
    },
    {
      name: 'a command that succeeded without healing the service',
      verification: 'still_failing',
      deployed: '1.4.2',
      alert: { type: 'RollbackFailed', severity: 'critical', reason: 'still_failing' },
    },
    {
      name: 'the one-shot gate, which verifies nothing',
      verification: undefined,
      deployed: '1.4.1',
      alert: { type: 'RollbackSucceeded', severity: 'warning' },
    },
  ])('after $name, records the target as deployed only once it is verified', ({ verification, deployed, alert }) => {
    const plan = planAfterRollback({
      decision: DEPLOY_RUN,
      result: result(true),
      verification,
      service: before,
      stateful: true,
      at: T0,
    });
    expect(plan.alerts).toEqual([expect.objectContaining(alert)]);
    expect(plan.next.service?.deployed?.version).toBe(deployed);
    expect(plan.next.service?.lastRollbackAt).toBe(T0.toISOString());
    expect(plan.next.service?.knownGood.map((record) => record.version)).toEqual(['1.4.1']);
  });

  it('does not make an unverified target known-good by rolling back to it', () => {
    const decision: RunRollbackDecision = {
      action: 'run',
      target: { version: '1.4.1', source: 'previous_version_unverified' },
    };
    const plan = planAfterRollback({ decision, result: result(true), service: service(), stateful: true, at: T0 });
    expect(plan.next.service).toEqual({
      knownGood: [],
      lastRollbackAt: T0.toISOString(),
      deployed: { version: '1.4.1', at: T0.toISOString() },
    });
  });

  it('records nothing without a state store', () => {
    expect(
      planAfterRollback({
        decision: { action: 'run' },
        result: result(true),
        service: undefined,
        stateful: false,
        at: T0,
      }).next,
    ).toEqual({});
  });
});

describe('expectedVersionFor', () => {
  const deployed = read({ service: service({ deployed: known('1.4.3', 5) }) });
  it.each([
    {
      name: 'a configured version',
      input: { configured: '2.0.0', kind: 'check', prior: deployed, scope: SCOPE },
      version: '2.0.0',
    },
    {
      name: 'a monitor on a service: the deployed version',
      input: { configured: undefined, kind: 'check', prior: deployed, scope: SCOPE },
      version: '1.4.3',
    },
    {
      name: 'a monitor without a service',
      input: { configured: undefined, kind: 'check', prior: deployed, scope: undefined },
      version: undefined,
    },
    {
      name: 'a monitor without a state store',
      input: { configured: undefined, kind: 'check', prior: { store: 'none' }, scope: SCOPE },
      version: undefined,
    },
    {
      name: 'a deploy (its own version is configured)',
      input: { configured: undefined, kind: 'deploy', prior: deployed, scope: SCOPE },
      version: undefined,
    },
  ] as const)('expects $version for $name', ({ input, version }) => {
    expect(expectedVersionFor(input).version).toBe(version);
  });

  it('notes where a derived version came from', () => {
    expect(expectedVersionFor({ configured: undefined, kind: 'check', prior: deployed, scope: SCOPE }).note).toBe(
      'expects 1.4.3, the version last deployed to checkout/prod through Rollgate',
    );
  });
});

describe('planStateWriteFailed', () => {
  it('keeps the alerts, adds StateUnavailable once, and holds a planned rollback back with RollbackRequired', () => {
    const planned = plan({ prior: read({ service: service({ knownGood: [known('1.4.1', 60)] }) }) });
    expect(planned.rollback.action).toBe('run');
    const failed = planStateWriteFailed(planned);
    expect(failed.alerts.map((alert) => [alert.type, alert.reason])).toEqual([
      ['GateFailed', undefined],
      ['StateUnavailable', 'state_unavailable'],
      ['RollbackRequired', 'state_unavailable'],
    ]);
    expect(failed.rollback).toMatchObject({ action: 'suppressed', reason: 'state_unavailable' });
    expect(planStateWriteFailed(failed).alerts.filter((alert) => alert.type === 'StateUnavailable')).toHaveLength(1);
  });

  it('adds only StateUnavailable to a run with nothing to roll back', () => {
    const failed = planStateWriteFailed(plan({ verdict: PASSED }));
    expect(failed.alerts.map((alert) => alert.type)).toEqual(['StateUnavailable']);
    expect(failed.rollback).toEqual({ action: 'not_needed' });
  });
});
