// The planner's decisions for one run, row by row: the rollback (run to which version, or held back and why), the
// alerts with their severities, and what is recorded for the service.
import { describe, expect, it } from 'vitest';
import { ALERT_SEVERITY } from '../../../../lambda/core/plan/alerts.ts';
import type { RollbackDecision } from '../../../../lambda/core/plan/run-plan.ts';
import {
  FAILED,
  known,
  iso,
  MINUTE,
  NO_SOCKETS,
  PASSED,
  PAUSE,
  plan,
  read,
  type RunOptions,
  SKIPPED,
  service,
  STATE_DOWN_FAILING,
  STATE_DOWN_HEALTHY,
  T0,
} from './plan-fixtures.ts';

const GOOD = service({
  deployed: known('1.4.1', 60),
  knownGood: [known('1.4.1', 60, { digest: `sha256:${'a'.repeat(64)}` }), known('1.4.0', 600)],
});
const LIVE_LOCK = { owner: 'other-run', acquiredAt: iso(-1), expiresAt: iso(10) };
/** A check that goes down on this run: two failures already counted. */
const GOING_DOWN = { state: 'up', consecutiveFailures: 2, consecutiveSuccesses: 0, since: iso(-60) } as const;

function summary(rollback: RollbackDecision): string {
  if (rollback.action === 'suppressed') return `suppressed:${rollback.reason}`;
  if (rollback.action === 'run' || rollback.action === 'await_approval') {
    return rollback.target === undefined
      ? rollback.action
      : `${rollback.action}:${rollback.target.version}:${rollback.target.source}`;
  }
  return rollback.action;
}

describe('planRun: the rollback and its alerts', () => {
  it.each<{ name: string; run: RunOptions; rollback: string; alerts: string[] }>([
    {
      name: 'a passed deploy',
      run: { verdict: PASSED, prior: read({ service: GOOD }) },
      rollback: 'not_needed',
      alerts: [],
    },
    {
      name: 'a skipped deploy',
      run: { verdict: SKIPPED, prior: read({ service: GOOD }) },
      rollback: 'not_needed',
      alerts: [],
    },
    {
      name: 'a failed deploy with a known-good record',
      run: { prior: read({ service: GOOD }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy whose version was once known-good: the newest other one',
      run: { prior: read({ service: service({ knownGood: [known('1.4.2', 5), known('1.4.1', 60)] }) }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy whose previousVersion disagrees with the record: the record wins',
      run: { deploy: { version: '1.4.2', previousVersion: '1.3.9' }, prior: read({ service: GOOD }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed first deploy (no record yet): previousVersion, unverified',
      run: {},
      rollback: 'run:1.4.1:previous_version_unverified',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy with no record and no previousVersion',
      run: { deploy: { version: '1.4.2' } },
      rollback: 'suppressed:no_known_good_version',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy whose previousVersion is the failed version itself',
      run: { deploy: { version: '1.4.2', previousVersion: 'v1.4.2' } },
      rollback: 'suppressed:no_known_good_version',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy while another run holds the lock',
      run: { prior: read({ service: GOOD, lock: LIVE_LOCK }) },
      rollback: 'suppressed:locked',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy whose own run holds the lock (a retry)',
      run: { id: 'other-run', prior: read({ service: GOOD, lock: LIVE_LOCK }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy after the lock expired',
      run: { prior: read({ service: GOOD, lock: { ...LIVE_LOCK, expiresAt: iso(-1) } }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy just after another rollback: the cooldown is for monitors',
      run: { prior: read({ service: { ...GOOD, lastRollbackAt: iso(-5) } }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy while paused',
      run: { prior: read({ service: GOOD, pause: PAUSE }) },
      rollback: 'suppressed:paused',
      alerts: [],
    },
    {
      name: 'a failed deploy after the pause ended',
      run: { prior: read({ service: GOOD, pause: { ...PAUSE, until: iso(-1) } }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy of a service that asks for approval',
      run: { policy: { rollback: 'approve' }, prior: read({ service: GOOD }) },
      rollback: 'suppressed:approval_required',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy of a service that asks for approval, in the deploy flow that can wait for it',
      run: { policy: { rollback: 'approve' }, prior: read({ service: GOOD }), approvalAvailable: true },
      rollback: 'await_approval:1.4.1:known_good',
      alerts: ['GateFailed', 'RollbackAwaitingApproval'],
    },
    {
      name: 'a failed deploy awaiting approval while another run holds the lock',
      run: {
        policy: { rollback: 'approve' },
        prior: read({ service: GOOD, lock: LIVE_LOCK }),
        approvalAvailable: true,
      },
      rollback: 'suppressed:locked',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy awaiting approval with no version to go back to',
      run: { policy: { rollback: 'approve' }, prior: read(), deploy: { version: '1.4.2' }, approvalAvailable: true },
      rollback: 'suppressed:no_known_good_version',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy awaiting approval while paused',
      run: { policy: { rollback: 'approve' }, prior: read({ service: GOOD, pause: PAUSE }), approvalAvailable: true },
      rollback: 'suppressed:paused',
      alerts: [],
    },
    {
      name: 'a failed stateless CLI gate awaiting approval: its command chooses the version',
      run: { kind: 'gate', policy: { rollback: 'approve' }, prior: { store: 'none' }, approvalAvailable: true },
      rollback: 'await_approval',
      alerts: ['GateFailed', 'RollbackAwaitingApproval'],
    },
    {
      name: 'a failed deploy with rollback off',
      run: { policy: { rollback: 'off' }, prior: read({ service: GOOD }) },
      rollback: 'not_configured',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a failed deploy whose idempotency store failed',
      run: { prior: read({ service: GOOD }), safetyFaults: [{ port: 'idempotency' }] },
      rollback: 'suppressed:idempotency_unavailable',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a deploy the prober could not check',
      run: { verdict: NO_SOCKETS, prior: read({ service: GOOD }) },
      rollback: 'suppressed:prober_unavailable',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failing deploy whose state store could not be read',
      run: { verdict: STATE_DOWN_FAILING, prior: { store: 'unavailable' } },
      rollback: 'suppressed:state_unavailable',
      alerts: ['StateUnavailable', 'RollbackRequired'],
    },
    {
      name: 'a healthy deploy whose state store could not be read',
      run: { verdict: STATE_DOWN_HEALTHY, prior: { store: 'unavailable' } },
      rollback: 'not_needed',
      alerts: ['StateUnavailable'],
    },
    {
      name: 'a failed CLI gate without a state store: its command, as before state',
      run: { kind: 'gate', deploy: { version: '1.4.2' }, prior: { store: 'none' }, scope: null },
      rollback: 'run',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed CLI gate without a rollback command',
      run: { kind: 'gate', policy: { rollback: 'off' }, prior: { store: 'none' }, scope: null },
      rollback: 'not_configured',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed CLI gate with a state directory and a known-good version',
      run: { kind: 'gate', deploy: { version: '1.4.2' }, prior: read({ service: GOOD }) },
      rollback: 'run:1.4.1:known_good',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed deploy without a state store: previousVersion, unverified, no lock',
      run: { prior: { store: 'none' } },
      rollback: 'run:1.4.1:previous_version_unverified',
      alerts: ['GateFailed'],
    },
    {
      name: 'a failed check without a state store: no known-good version, never an empty one',
      run: { kind: 'check', prior: { store: 'none' } },
      rollback: 'suppressed:no_known_good_version',
      alerts: ['GateFailed', 'RollbackRequired'],
    },
    {
      name: 'a check going down: the newest known-good version before the deployed one',
      run: {
        kind: 'check',
        prior: read({
          monitor: GOING_DOWN,
          service: service({ deployed: known('1.4.2', 30), knownGood: [known('1.4.2', 30), known('1.4.1', 600)] }),
        }),
      },
      rollback: 'run:1.4.1:known_good',
      alerts: ['MonitorDown'],
    },
    {
      name: 'a check going down with no known-good version',
      run: { kind: 'check', prior: read({ monitor: GOING_DOWN }) },
      rollback: 'suppressed:no_known_good_version',
      alerts: ['MonitorDown', 'RollbackRequired'],
    },
    {
      name: 'a check going down within the cooldown of the last rollback',
      run: { kind: 'check', prior: read({ monitor: GOING_DOWN, service: { ...GOOD, lastRollbackAt: iso(-29) } }) },
      rollback: 'suppressed:cooldown',
      alerts: ['MonitorDown', 'RollbackRequired'],
    },
    {
      name: 'a check going down once the cooldown is over',
      run: { kind: 'check', prior: read({ monitor: GOING_DOWN, service: { ...GOOD, lastRollbackAt: iso(-30) } }) },
      rollback: 'run:1.4.0:known_good',
      alerts: ['MonitorDown'],
    },
    {
      name: 'a check going down with a cooldown of 0',
      run: {
        kind: 'check',
        policy: { cooldownMinutes: 0 },
        prior: read({ monitor: GOING_DOWN, service: { ...GOOD, lastRollbackAt: iso(-1) } }),
      },
      rollback: 'run:1.4.0:known_good',
      alerts: ['MonitorDown'],
    },
    {
      name: 'a check going down while a deploy gate holds the lock',
      run: { kind: 'check', prior: read({ monitor: GOING_DOWN, service: GOOD, lock: LIVE_LOCK }) },
      rollback: 'suppressed:locked',
      alerts: ['MonitorDown', 'RollbackRequired'],
    },
    {
      name: 'a check going down for a monitor that does not roll back',
      run: { kind: 'check', policy: { rollback: 'off' }, prior: read({ monitor: GOING_DOWN, service: GOOD }) },
      rollback: 'not_configured',
      alerts: ['MonitorDown'],
    },
    {
      name: 'a check going down on a service rolled back by hand: asked for once, on the transition',
      run: {
        kind: 'check',
        policy: { rollback: 'off', rollbackByHand: true },
        prior: read({ monitor: GOING_DOWN, service: GOOD }),
      },
      rollback: 'not_configured',
      alerts: ['MonitorDown', 'RollbackRequired'],
    },
    {
      name: 'a check already down on a service rolled back by hand: not asked again',
      run: {
        kind: 'check',
        policy: { rollback: 'off', rollbackByHand: true },
        prior: read({ monitor: { ...GOING_DOWN, state: 'down', consecutiveFailures: 3 }, service: GOOD }),
      },
      rollback: 'not_configured',
      alerts: [],
    },
    {
      name: 'a check not down yet on a service rolled back by hand',
      run: {
        kind: 'check',
        policy: { rollback: 'off', rollbackByHand: true },
        prior: read({ monitor: { ...GOING_DOWN, consecutiveFailures: 0 }, service: GOOD }),
      },
      rollback: 'not_configured',
      alerts: [],
    },
    {
      name: 'a check going down on a service rolled back by hand, while paused',
      run: {
        kind: 'check',
        policy: { rollback: 'off', rollbackByHand: true },
        prior: read({ monitor: GOING_DOWN, service: GOOD, pause: PAUSE }),
      },
      rollback: 'not_configured',
      alerts: [],
    },
    {
      name: 'a check going down on a service that asks for approval',
      run: { kind: 'check', policy: { rollback: 'approve' }, prior: read({ monitor: GOING_DOWN, service: GOOD }) },
      rollback: 'suppressed:approval_required',
      alerts: ['MonitorDown', 'RollbackRequired'],
    },
    {
      name: 'a check already down on a service that asks for approval',
      run: {
        kind: 'check',
        policy: { rollback: 'approve' },
        prior: read({ monitor: { ...GOING_DOWN, state: 'down', consecutiveFailures: 3 }, service: GOOD }),
      },
      rollback: 'not_on_transition',
      alerts: [],
    },
    {
      name: 'a failing check whose state store could not be read',
      run: { kind: 'check', verdict: STATE_DOWN_FAILING, prior: { store: 'unavailable' } },
      rollback: 'suppressed:state_unavailable',
      alerts: ['StateUnavailable'],
    },
    {
      name: 'a check the prober could not check',
      run: { kind: 'check', verdict: NO_SOCKETS, prior: read({ monitor: GOING_DOWN, service: GOOD }) },
      rollback: 'suppressed:prober_unavailable',
      alerts: ['ProberUnavailable'],
    },
  ])('$name: $rollback, alerts $alerts', ({ run, rollback, alerts }) => {
    const result = plan(run);
    expect(summary(result.rollback)).toBe(rollback);
    expect(result.alerts.map((alert) => alert.type)).toEqual(alerts);
    for (const alert of result.alerts) expect(alert.severity).toBe(ALERT_SEVERITY[alert.type]);
  });

  it.each([
    { name: 'the lock', run: { prior: read({ service: GOOD, lock: LIVE_LOCK }) } },
    {
      name: 'the cooldown',
      run: { kind: 'check', prior: read({ monitor: GOING_DOWN, service: { ...GOOD, lastRollbackAt: iso(-5) } }) },
    },
  ] satisfies Array<{ name: string; run: RunOptions }>)(
    'alerts a rollback held back by $name as RollbackRequired (rollback_suppressed), critical',
    ({ run }) => {
      const required = plan(run).alerts.find((alert) => alert.type === 'RollbackRequired');
      expect(required).toMatchObject({
        severity: 'critical',
        reason: 'rollback_suppressed',
        detail: expect.any(String),
      });
    },
  );

  it('takes the lock for a rollback it plans, as this run, for the lock hold time', () => {
    const result = plan({ id: 'evt-9', policy: { lockHoldMs: 15 * MINUTE }, prior: read({ service: GOOD }) });
    expect(result.rollback).toMatchObject({
      action: 'run',
      lock: { service: 'checkout', environment: 'prod', owner: 'evt-9', holdForMs: 15 * MINUTE },
      target: { version: '1.4.1', source: 'known_good', record: { digest: `sha256:${'a'.repeat(64)}` } },
    });
    expect(result.rollback).not.toHaveProperty('cooldownMinutes');
  });

  it('asks a monitor rollback to check the cooldown again under the lock', () => {
    const result = plan({
      kind: 'check',
      policy: { cooldownMinutes: 45 },
      prior: read({ monitor: GOING_DOWN, service: GOOD }),
    });
    expect(result.rollback).toMatchObject({ action: 'run', cooldownMinutes: 45 });
  });

  it('notes where the target came from when it is not the known-good record the event names', () => {
    expect(
      plan({ deploy: { version: '1.4.2', previousVersion: '1.3.9' }, prior: read({ service: GOOD }) }).notes,
    ).toEqual([
      "the event's previousVersion 1.3.9 is not the newest known-good version before 1.4.2; rolling back to the known-good 1.4.1",
    ]);
    expect(plan().notes).toEqual([
      "no known-good version is recorded yet: rolling back to the event's previousVersion 1.4.1, unverified",
    ]);
  });

  it('reports an ignored state item with its key', () => {
    const result = plan({
      prior: read({ service: GOOD, ignored: [{ key: 'pause#checkout#prod', problem: 'is not JSON' }] }),
    });
    expect(result.notes).toContain('state item pause#checkout#prod ignored: is not JSON');
  });
});

describe('planRun: what a deploy records', () => {
  const deploy = { version: '1.4.2', previousVersion: '1.4.1', digest: `sha256:${'b'.repeat(64)}`, commit: 'abcdef1' };

  it('records a passed deploy as deployed and newest known-good, with digest, commit and evidence', () => {
    const result = plan({ verdict: PASSED, deploy, prior: read({ service: GOOD }) });
    const record = {
      version: '1.4.2',
      digest: deploy.digest,
      commit: 'abcdef1',
      at: T0.toISOString(),
      evidence: 's3://evidence/run.json',
    };
    expect(result.next.service).toEqual({
      deployed: record,
      knownGood: [record, ...GOOD.knownGood],
      lastRun: {
        status: 'passed',
        statusReason: 'all_probes_healthy',
        at: T0.toISOString(),
        evidence: 's3://evidence/run.json',
      },
    });
  });

  it('records a failed deploy as deployed, never as known-good', () => {
    const result = plan({ deploy, prior: read({ service: GOOD }) });
    expect(result.next.service?.deployed?.version).toBe('1.4.2');
    expect(result.next.service?.knownGood).toEqual(GOOD.knownGood);
  });

  it('moves a version that passes again to the front, once', () => {
    const result = plan({ verdict: PASSED, deploy: { version: 'v1.4.0' }, prior: read({ service: GOOD }) });
    expect(result.next.service?.knownGood.map((record) => record.version)).toEqual(['v1.4.0', '1.4.1']);
  });

  it('keeps the ten newest known-good versions', () => {
    const many = service({ knownGood: Array.from({ length: 10 }, (_, index) => known(`1.0.${9 - index}`, index + 1)) });
    const result = plan({ verdict: PASSED, prior: read({ service: many }) });
    expect(result.next.service?.knownGood.map((record) => record.version)).toEqual([
      '1.4.2',
      ...Array.from({ length: 9 }, (_, index) => `1.0.${9 - index}`),
    ]);
  });

  it('keeps the known-good list newest first when the clock went back', () => {
    const ahead = service({ knownGood: [known('1.4.1', -5)] });
    const result = plan({ verdict: PASSED, prior: read({ service: ahead }) });
    expect(result.next.service?.knownGood.map((record) => record.at)).toEqual([iso(5), iso(5)]);
  });

  it('records a deploy while paused, without alerting or rolling back', () => {
    const result = plan({ verdict: PASSED, deploy, prior: read({ service: GOOD, pause: PAUSE }) });
    expect(result.next.service?.knownGood[0]?.version).toBe('1.4.2');
    expect(result.pause).toEqual(PAUSE);
    expect(result.notes).toContain(
      `paused until ${PAUSE.until} (database migration): recorded, but no alert and no rollback`,
    );
  });

  it('records no version for a CLI gate that named none, and says so', () => {
    const result = plan({ kind: 'gate', verdict: PASSED, deploy: undefined, prior: read() });
    expect(result.next.service).toEqual({ knownGood: [], lastRun: expect.objectContaining({ status: 'passed' }) });
    expect(result.notes).toContain('no version to record: the run named none (give --expect-version)');
  });

  it('writes nothing without a readable store', () => {
    expect(plan({ verdict: PASSED, prior: { store: 'none' } }).next).toEqual({});
    expect(plan({ verdict: STATE_DOWN_HEALTHY, prior: { store: 'unavailable' } }).next).toEqual({});
  });

  it('leaves the service record to the deploys when a monitor runs', () => {
    expect(plan({ kind: 'check', verdict: FAILED, prior: read({ service: GOOD }) }).next.service).toBeUndefined();
  });
});
