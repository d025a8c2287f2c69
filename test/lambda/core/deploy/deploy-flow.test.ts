// The deploy flow end to end, in-process, against real loopback services whose answers change over (manual) time:
// the same steps the AWS workflow runs, driven by driveDeploy, with the real shell rollback executor healing the
// service by touching a file it reads, and the real directory state store.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepAnswer } from '../../../../lambda/core/deploy/deploy-progress.ts';
import { tryAcquireRollbackLock } from '../../../../lambda/core/state/rollback-lock-claim.ts';
import { rollbackLockKey, serviceStateKey } from '../../../../lambda/core/state/state-keys.ts';
import { putState } from '../../../../lambda/core/state/state-store.ts';
import {
  breakingAt,
  HEALING_COMMAND,
  healsOnRollback,
  healthy,
  useFlowRigs,
  warmingUp,
  type FlowRig,
} from './deploy-harness.ts';

const rig = useFlowRigs();
/** The Step Functions state limit is 256 KiB; the progress keeps under 200 KB. */
const MAX_PROGRESS_BYTES = 200_000;

/** Seeds the service's record: 1.4.1 proved good an hour before the deploy. */
async function knownGood(flow: FlowRig): Promise<void> {
  const at = new Date(flow.started.getTime() - 3_600_000).toISOString();
  const service = { deployed: { version: '1.4.1', at }, knownGood: [{ version: '1.4.1', at }] };
  await flow.state.write([putState(serviceStateKey('checkout', 'prod'), service, undefined)]);
}

async function serviceRecord(flow: FlowRig) {
  const key = serviceStateKey('checkout', 'prod');
  return (await flow.state.read([key])).get(key)?.value;
}

function stages(flow: FlowRig): string[] {
  return flow.evidence.written.map((record) => record.stage);
}

function alertTypes(flow: FlowRig): string[] {
  return flow.notifier.sent.map((alert) => `${alert.type}:${alert.message.severity}`);
}

/** Every answer must survive JSON (the workflow passes it between tasks) and stay small. */
function checkTravels(_step: string, answer: StepAnswer): void {
  const text = JSON.stringify(answer);
  expect(JSON.parse(text)).toEqual(answer);
  expect(Buffer.byteLength(text)).toBeLessThan(MAX_PROGRESS_BYTES);
}

describe('the deploy flow in-process', () => {
  it('passes a healthy service on the first streak after the 60 s bake, recording it known-good', async () => {
    const flow = await rig({ behaviour: healthy(), command: HEALING_COMMAND });
    const { response, progress } = await flow.run({ onStep: checkTravels });

    expect(response).toMatchObject({
      status: 'passed',
      decided_by: 'success_threshold',
      rollback_outcome: 'not_needed',
    });
    expect(progress.window.rounds_done).toBe(7);
    expect(stages(flow)).toEqual(['verdict']);
    expect(flow.notifier.sent).toEqual([]);
    const record = flow.evidence.written[0]!.document;
    expect(record.decided_by).toBe('success_threshold');
    expect(record.window?.rounds.map((round) => round.elapsed_s)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(record.targets[0]).toMatchObject({ name: 'api', ok: true, version: '1.4.2' });
    const service = await serviceRecord(flow);
    expect(service?.knownGood[0]?.version).toBe('1.4.2');
    expect(service?.ongoing).toBeUndefined();
    expect(flow.steps).not.toContain('send_rollback');
  });

  it('passes a service that answers 503 for 20 s under a 20 s warm-up', async () => {
    const flow = await rig({ behaviour: warmingUp(20), command: HEALING_COMMAND });
    const { response } = await flow.run({ window: { warmupSeconds: 20, failureThreshold: 2 } });

    expect(response).toMatchObject({ status: 'passed', decided_by: 'success_threshold' });
    const rounds = flow.evidence.written[0]!.document.window!.rounds;
    expect(rounds.slice(0, 3).map((round) => [round.elapsed_s, round.in_warmup, round.ok])).toEqual([
      [0, true, false],
      [10, true, false],
      [20, false, true],
    ]);
  });

  it('catches a service that breaks 40 s in with the default bake, which two healthy rounds alone would pass', async () => {
    const flow = await rig({ behaviour: breakingAt(40) });
    const { response } = await flow.run();

    expect(response).toMatchObject({
      status: 'failed',
      status_reason: 'probe_failures',
      decided_by: 'failure_threshold',
      rollback_outcome: 'not_configured',
    });
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackRequired:critical']);
  });

  it('rolls a failed deploy back to the known-good version, verifies it recovered, and only then records it', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const { response, progress } = await flow.run({ onStep: checkTravels });

    expect(response).toMatchObject({
      status: 'failed',
      decided_by: 'failure_threshold',
      rollback_outcome: 'recovered',
    });
    expect(flow.steps).toEqual(expect.arrayContaining(['decide', 'send_rollback', 'poll_rollback', 'verify_round']));
    expect(stages(flow)).toEqual(['verdict', 'rollback']);
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackSucceeded:warning']);
    expect(flow.notifier.sent[1]?.subject).toContain('verified healthy');

    const verdictRecord = flow.evidence.written[0]!.document;
    expect(verdictRecord.rollback).toMatchObject({ outcome: 'pending', target_version: '1.4.1' });
    const rollbackRecord = flow.evidence.written[1]!.document;
    expect(rollbackRecord.links).toEqual({ verdict: 'mem://evidence/verdict.json' });
    expect(rollbackRecord.rollback).toMatchObject({
      attempted: true,
      ok: true,
      outcome: 'recovered',
      command_outcome: 'succeeded',
      target_version: '1.4.1',
      target_source: 'known_good',
      output_tail: 'rolled back to 1.4.1\n',
      verification: { expected_version: '1.4.1', decided_by: 'success_threshold' },
    });
    expect(rollbackRecord.rollback.verification?.rounds.every((round) => round.targets[0]?.version === '1.4.1')).toBe(
      true,
    );

    const service = await serviceRecord(flow);
    expect(service?.deployed?.version).toBe('1.4.1');
    expect(service?.lastRollbackAt).toBeDefined();
    expect(service?.ongoing).toBeUndefined();
    expect(progress.state?.service).toMatchObject({ deployed: '1.4.1', known_good: '1.4.1' });
    const lockKey = rollbackLockKey('checkout', 'prod');
    expect((await flow.state.read([lockKey])).get(lockKey)).toBeUndefined();
  });

  it('alerts RollbackFailed as critical when the rollback command succeeds but the service still fails', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: 'echo "rolled back, supposedly"' });
    await knownGood(flow);
    const { response } = await flow.run();

    expect(response).toMatchObject({ status: 'failed', rollback_outcome: 'still_failing' });
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackFailed:critical']);
    expect(flow.notifier.sent[1]?.message).toMatchObject({ reason: 'still_failing' });
    expect(flow.notifier.sent[1]?.subject).toContain('still_failing');
    const record = flow.evidence.written[1]!.document;
    expect(record.rollback).toMatchObject({
      ok: false,
      outcome: 'still_failing',
      command_outcome: 'succeeded',
      verification: { decided_by: 'failure_threshold', expected_version: '1.4.1' },
    });
    // Not healed, so not deployed: the failed version still runs, and 1.4.1 is still the one to go back to.
    const service = await serviceRecord(flow);
    expect(service?.deployed?.version).toBe('1.4.2');
    expect(service?.knownGood.map((known) => known.version)).toEqual(['1.4.1']);
    expect(service?.lastRollbackAt).toBeDefined();
  });

  it('alerts RollbackFailed when the rollback command itself fails, and verifies nothing', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: 'echo "registry unreachable" >&2; exit 3' });
    await knownGood(flow);
    const { response } = await flow.run();

    expect(response.rollback_outcome).toBe('failed');
    expect(flow.steps).not.toContain('verify_round');
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackFailed:critical']);
    expect(flow.evidence.written[1]!.document.rollback).toMatchObject({
      outcome: 'failed',
      command_outcome: 'failed',
      exit_code: 3,
      output_tail: 'registry unreachable\n',
    });
  });

  it('holds the rollback back while another run holds the lock, asking for a rollback by hand', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    await tryAcquireRollbackLock(flow.state, {
      service: 'checkout',
      environment: 'prod',
      owner: 'evt-other',
      now: flow.clock.now(),
      holdForMs: 3_600_000,
    });
    const { response } = await flow.run();

    expect(response.rollback_outcome).toBe('suppressed');
    expect(existsSync(join(flow.dir, 'healed'))).toBe(false);
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackRequired:critical']);
    expect(flow.notifier.sent[1]?.message).toMatchObject({ reason: 'rollback_suppressed' });
    expect(flow.evidence.written[0]!.document.rollback).toMatchObject({ outcome: 'suppressed', reason: 'locked' });
  });

  it('holds the rollback back when another run takes the lock between the verdict and the send', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const { response } = await flow.run({
      onStep: async (step) => {
        if (step !== 'decide') return;
        await tryAcquireRollbackLock(flow.state, {
          service: 'checkout',
          environment: 'prod',
          owner: 'evt-monitor',
          now: flow.clock.now(),
          holdForMs: 3_600_000,
        });
      },
    });

    expect(response.rollback_outcome).toBe('suppressed');
    expect(stages(flow)).toEqual(['verdict', 'rollback']);
    expect(flow.evidence.written[1]!.document.rollback).toMatchObject({
      outcome: 'suppressed',
      reason: 'locked',
      detail: expect.stringContaining('evt-monitor'),
    });
    expect(alertTypes(flow)).toEqual(['GateFailed:high', 'RollbackRequired:critical']);
    // The other run's lock is still its own.
    const lockKey = rollbackLockKey('checkout', 'prod');
    expect((await flow.state.read([lockKey])).get(lockKey)?.value.owner).toBe('evt-monitor');
  });

  it('runs the stateless CLI gate over a window: the command chooses its version and the verification expects any', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND, stateless: true });
    const { response } = await flow.run({ start: { kind: 'gate', deploy: undefined, expected_version: '1.4.2' } });

    expect(response).toMatchObject({ status: 'failed', rollback_outcome: 'recovered' });
    const record = flow.evidence.written[1]!.document;
    expect(record.rollback.verification?.expected_version).toBeNull();
    expect(record.rollback.output_tail).toBe('rolled back to \n');
  });

  it('records a window request the registration refuses as invalid_config, probing nothing', async () => {
    const flow = await rig({ behaviour: healthy(), command: HEALING_COMMAND });
    const { response } = await flow.run({ start: { window: { windowSeconds: 900 }, window_field: 'detail.window' } });

    expect(response).toMatchObject({ status: 'failed', status_reason: 'invalid_config', decided_by: 'config_problem' });
    expect(flow.server.hits.size).toBe(0);
    expect(flow.evidence.written[0]!.document.message).toContain('detail.window.windowSeconds: may be at most');
    expect(alertTypes(flow)).toEqual(['GateFailed:high']);
  });

  it('ends a window interrupted before its verdict as failed/interrupted: recorded with its rounds, nothing remembered, no rollback', async () => {
    const flow = await rig({ behaviour: breakingAt(0), command: HEALING_COMMAND });
    await knownGood(flow);
    const stop = new AbortController();
    let rounds = 0;
    const { response, progress } = await flow.run({
      interrupt: stop.signal,
      onStep: (step) => {
        if (step === 'probe_round' && ++rounds === 2) stop.abort('SIGTERM');
      },
    });

    expect(response).toMatchObject({ status: 'failed', status_reason: 'interrupted', decided_by: 'interrupted' });
    expect(flow.steps).toEqual(['probe_round', 'probe_round', 'decide']);
    expect(stages(flow)).toEqual(['verdict']);
    const record = flow.evidence.written[0]!.document;
    expect(record.message).toBe(
      'interrupted by SIGTERM before a verdict: nothing was judged, nothing rolled back; the window had run 2 round(s)',
    );
    expect(record.window?.rounds).toHaveLength(2);
    expect(alertTypes(flow)).toEqual(['GateFailed:high']);
    expect(progress.rollback?.decision).toEqual({ action: 'not_needed' });
    expect(existsSync(join(flow.dir, 'healed'))).toBe(false);
    // Nothing judged: the known-good version stays deployed, and the deploy is no longer under way.
    const service = await serviceRecord(flow);
    expect(service?.deployed?.version).toBe('1.4.1');
    expect(service?.ongoing).toBeUndefined();
  });

  it('lets a rollback decided before the interruption run, waiting its verification rounds in full', async () => {
    const flow = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(flow);
    const stop = new AbortController();
    const baseline = await rig({ behaviour: healsOnRollback, command: HEALING_COMMAND });
    await knownGood(baseline);
    const uninterrupted = await baseline.run();
    const { response } = await flow.run({
      interrupt: stop.signal,
      onStep: (step) => {
        if (step === 'decide') stop.abort('SIGINT');
      },
    });

    expect(response).toMatchObject({ status: 'failed', status_reason: 'probe_failures' });
    expect(response.rollback_outcome).toBe('recovered');
    expect(flow.steps.filter((step) => step === 'verify_round').length).toBe(
      uninterrupted.progress.rollback?.verification?.rounds_done,
    );
  });
});
