// runGate with a state store and a loopback service that changes between runs: a monitor alerts on transitions only,
// expects the deployed version, rolls back once to the known-good version, and a deploy records what proved good.
import { describe, expect, it } from 'vitest';
import { monitorStateKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { useLoopbackServers } from '../probe/loopback-fixture.ts';
import { memoryRig, START, MINUTE, switchableService, type ServiceBehaviour } from './memory-harness.ts';

const serve = useLoopbackServers();

async function rigWithService(initial: ServiceBehaviour = { mode: 'up', version: '1.4.2' }) {
  const behaviour = { ...initial };
  const server = await serve(switchableService(behaviour));
  return { rig: memoryRig(), behaviour, server };
}

describe('runGate with memory: a monitor', () => {
  it('alerts MonitorDown once after three failures, nothing on the fourth, MonitorRecovered once after two successes', async () => {
    const { rig, behaviour, server } = await rigWithService();
    const script: Array<'up' | 'down'> = ['up', 'up', 'down', 'down', 'down', 'down', 'up', 'up', 'up'];
    for (const [minute, mode] of script.entries()) {
      behaviour.mode = mode;
      await rig.check(server, minute, { rollback: null });
    }
    expect(rig.alertsByRun).toEqual([[], [], [], [], ['MonitorDown'], [], [], ['MonitorRecovered'], []]);
    const recovered = rig.h.notifier.sent.find((alert) => alert.type === 'MonitorRecovered');
    expect(recovered?.subject).toBe('[Rollgate] RECOVERED check checkout-prod after 3m down');
    expect(recovered?.attributes).toMatchObject({ severity: 'info', service: 'checkout', environment: 'prod' });
    expect(rig.h.notifier.sent.find((alert) => alert.type === 'MonitorDown')?.message).toMatchObject({
      severity: 'critical',
      alert_type: 'MonitorDown',
    });
  });

  it("records the monitor's state after each run in its evidence: state, both counts, since, transition", async () => {
    const { rig, behaviour, server } = await rigWithService({ mode: 'down', version: '1.4.2' });
    await rig.check(server, 0, { rollback: null });
    await rig.check(server, 1, { rollback: null });
    const third = await rig.check(server, 2, { rollback: null });
    behaviour.mode = 'up';
    const fourth = await rig.check(server, 3, { rollback: null });

    expect(third.evidence.state).toEqual({
      store: 'available',
      written: true,
      monitor: {
        name: 'checkout-prod',
        state: 'down',
        consecutive_failures: 3,
        consecutive_successes: 0,
        since: new Date(START.getTime() + 2 * MINUTE).toISOString(),
        transition: { from: 'unknown', to: 'down' },
        counted: true,
      },
      service: { service: 'checkout', environment: 'prod', deployed: null, known_good: null, last_rollback_at: null },
      pause: null,
    });
    expect(third.evidence.alerts.map((alert) => alert.type)).toEqual(['MonitorDown']);
    expect(fourth.evidence.state?.monitor).toMatchObject({
      state: 'down',
      consecutive_failures: 0,
      consecutive_successes: 1,
      transition: null,
    });
    const stored = (await rig.store.read([monitorStateKey('checkout-prod')])).get(monitorStateKey('checkout-prod'));
    expect(stored?.value).toMatchObject({ state: 'down', consecutiveSuccesses: 1, lastRun: { status: 'passed' } });
  });

  it('reminds with MonitorStillDown every reminderMinutes while down', async () => {
    const { rig, server } = await rigWithService({ mode: 'down', version: '1.4.2' });
    for (let minute = 0; minute <= 12; minute += 1) {
      await rig.check(server, minute, { rollback: null, policy: { reminderMinutes: 5 } });
    }
    const reminders = rig.alertsByRun.flatMap((alerts, minute) =>
      alerts.includes('MonitorStillDown') ? [minute] : [],
    );
    expect(reminders).toEqual([7, 12]);
    expect(rig.alertsByRun.flat().filter((type) => type === 'MonitorDown')).toHaveLength(1);
  });

  it('expects the deployed version, so a host back on an old one is VersionMismatch once it holds for three runs', async () => {
    const { rig, behaviour, server } = await rigWithService();
    await rig.deploy(server, 0, '1.4.2', { rollback: null });
    await rig.check(server, 1, { rollback: null });
    await rig.check(server, 2, { rollback: null });
    behaviour.version = '1.4.1';
    for (let minute = 3; minute <= 6; minute += 1) await rig.check(server, minute, { rollback: null });

    expect(rig.alertsByRun).toEqual([[], [], [], [], [], ['VersionMismatch'], []]);
    const mismatch = rig.h.notifier.sent.find((alert) => alert.type === 'VersionMismatch');
    expect(mismatch?.subject).toBe(
      '[Rollgate] VERSION MISMATCH check checkout-prod: running 1.4.1, no rollback configured',
    );
    expect(rig.h.store.written.at(-1)?.document).toMatchObject({
      expected_version: '1.4.2',
      notes: ['expects 1.4.2, the version last deployed to checkout/prod through Rollgate'],
    });
  });
});

describe('runGate with memory: known-good versions and the rollback', () => {
  it('records a passed deploy as deployed and known-good, with the evidence that proved it', async () => {
    const { rig, server } = await rigWithService({ mode: 'up', version: '1.4.1' });
    await rig.deploy(server, 0, '1.4.1');
    const stored = (await rig.store.read([serviceStateKey('checkout', 'prod')])).get(
      serviceStateKey('checkout', 'prod'),
    );
    const record = { version: '1.4.1', at: START.toISOString(), evidence: 'mem://evidence/verdict.json' };
    expect(stored?.value).toMatchObject({ deployed: record, knownGood: [record] });
  });

  it('rolls a failed deploy back to the newest known-good version, whatever the event says, and notes the disagreement', async () => {
    const { rig, behaviour, server } = await rigWithService({ mode: 'up', version: '1.4.0' });
    await rig.deploy(server, 0, '1.4.0');
    behaviour.version = '1.4.1';
    await rig.deploy(server, 10, '1.4.1', { previous: '1.4.0' });
    behaviour.mode = 'down';
    behaviour.version = '1.4.2';
    const failed = await rig.deploy(server, 20, '1.4.2', { previous: '1.3.9' });

    expect(rig.rollback.requests.map((request) => [request.target_version, request.target_source])).toEqual([
      ['1.4.1', 'known_good'],
    ]);
    expect(failed.evidence.rollback).toMatchObject({
      outcome: 'succeeded',
      target_version: '1.4.1',
      target_source: 'known_good',
    });
    expect(failed.evidence.notes).toEqual([
      "the event's previousVersion 1.3.9 is not the newest known-good version before 1.4.2; rolling back to the known-good 1.4.1",
    ]);
    const stored = (await rig.store.read([serviceStateKey('checkout', 'prod')])).get(
      serviceStateKey('checkout', 'prod'),
    );
    // Rolled back: 1.4.1 runs again, the time starts the cooldown, and the lock is given back.
    expect(stored?.value).toMatchObject({
      deployed: { version: '1.4.1' },
      lastRollbackAt: new Date(START.getTime() + 20 * MINUTE).toISOString(),
    });
    expect(stored?.value.knownGood.map((record) => record.version)).toEqual(['1.4.1', '1.4.0']);
  });

  it('rolls a first failed deploy back to its previousVersion, saying it was not verified', async () => {
    const { rig, server } = await rigWithService({ mode: 'down', version: '1.4.2' });
    const failed = await rig.deploy(server, 0, '1.4.2', { previous: '1.4.1' });
    expect(failed.evidence.rollback).toMatchObject({
      target_version: '1.4.1',
      target_source: 'previous_version_unverified',
    });
    expect(failed.evidence.notes).toEqual([
      "no known-good version is recorded yet: rolling back to the event's previousVersion 1.4.1, unverified",
    ]);
  });

  it('sends no rollback with neither a record nor a previousVersion, and says why in RollbackRequired', async () => {
    const { rig, server } = await rigWithService({ mode: 'down', version: '1.4.2' });
    const failed = await rig.deploy(server, 0, '1.4.2');
    expect(rig.rollback.requests).toEqual([]);
    expect(failed.evidence.rollback).toMatchObject({ outcome: 'withheld', reason: 'no_known_good_version' });
    const required = rig.h.notifier.sent.find((alert) => alert.type === 'RollbackRequired');
    expect(required?.message).toMatchObject({ reason: 'no_known_good_version', severity: 'critical' });
  });

  it('asks for an approved rollback once, on the transition, for a monitor of a service in rollback mode approve', async () => {
    const { rig, server } = await rigWithService({ mode: 'down', version: '1.4.2' });
    // No executor: `approve` sends nothing, and without the mode the run would take its failure as `off`.
    for (let minute = 0; minute < 5; minute += 1) {
      await rig.check(server, minute, { rollback: null, policy: { rollback: 'approve' } });
    }
    expect(rig.alertsByRun).toEqual([[], [], ['MonitorDown', 'RollbackRequired'], [], []]);
    const required = rig.h.notifier.sent.find((alert) => alert.type === 'RollbackRequired');
    expect(required?.message).toMatchObject({ reason: 'approval_required', severity: 'critical' });
  });

  it('rolls a monitor back only on its transition to down, to the known-good version before the deployed one', async () => {
    const { rig, behaviour, server } = await rigWithService({ mode: 'up', version: '1.4.1' });
    await rig.deploy(server, 0, '1.4.1');
    behaviour.version = '1.4.2';
    await rig.deploy(server, 1, '1.4.2', { previous: '1.4.1' });
    behaviour.mode = 'down';
    for (let minute = 2; minute <= 7; minute += 1) await rig.check(server, minute);

    expect(rig.rollback.requests).toHaveLength(1);
    expect(rig.rollback.requests[0]).toMatchObject({ target_version: '1.4.1', target_source: 'known_good' });
    expect(rig.alertsByRun.slice(2)).toEqual([[], [], ['MonitorDown', 'RollbackSucceeded'], [], [], []]);
    const afterTransition = rig.h.store.written.filter((written) => written.document.kind === 'check').at(-1);
    expect(afterTransition?.document.rollback).toMatchObject({ outcome: 'not_needed', reason: 'not_on_transition' });
  });
});
