// The deploy flow's pure parts, table by table: the verdict a window comes to, the bounded targets the progress
// keeps, the approval's commands and answers, the rollback as each record states it, the poll delays, the steps'
// refusal of a progress in the wrong phase, and the worst progress a hostile service can make, under 200 KB.

import { describe, expect, it } from 'vitest';
import { approvalCommands } from '../../../../lambda/core/deploy/approval-commands.ts';
import { awaitApproval } from '../../../../lambda/core/deploy/await-approval.ts';
import { decide } from '../../../../lambda/core/deploy/decide.ts';
import { rollbackRecordOf } from '../../../../lambda/core/deploy/deploy-document.ts';
import type { DeployPorts } from '../../../../lambda/core/deploy/deploy-ports.ts';
import type { DeployProgress, DeployRollback } from '../../../../lambda/core/deploy/deploy-progress.ts';
import { finish } from '../../../../lambda/core/deploy/finish.ts';
import { nextPollSeconds, pollRollback } from '../../../../lambda/core/deploy/poll-rollback.ts';
import { probeRound } from '../../../../lambda/core/deploy/probe-round.ts';
import { sendRollback } from '../../../../lambda/core/deploy/send-rollback.ts';
import { startDeploy } from '../../../../lambda/core/deploy/start-deploy.ts';
import { boundVerdictTargets, VERDICT_TARGETS_MAX_BYTES } from '../../../../lambda/core/deploy/verdict-targets.ts';
import { verifyRound } from '../../../../lambda/core/deploy/verify-round.ts';
import { windowVerdict } from '../../../../lambda/core/deploy/window-verdict.ts';
import { parseGateConfig } from '../../../../lambda/core/config/config-schema.ts';
import { ConfigError } from '../../../../lambda/core/errors.ts';
import type { TargetResult } from '../../../../lambda/core/probe/probe.ts';
import { ROLLBACK_OK } from '../gate/gate-harness.ts';
import { advanceWindow } from '../../../../lambda/core/window/decide-window.ts';
import { buildRound } from '../../../../lambda/core/window/round.ts';
import { parseWindowPolicy } from '../../../../lambda/core/window/window-policy.ts';
import { startWindow, type WindowState } from '../../../../lambda/core/window/window-state.ts';
import { failingTarget, healthyTarget } from '../window/target-results.ts';

const AT = new Date('2026-03-01T12:00:00.000Z');
const POLICY = parseWindowPolicy({});
const TARGET = { version: '1.4.1', source: 'known_good' as const };

/** A window of `rounds` rounds, each with `results`. */
function windowOf(results: readonly TargetResult[], rounds: number): WindowState {
  let state = startWindow(AT);
  for (let index = 0; index < rounds; index += 1) {
    const at = new Date(AT.getTime() + index * 10_000);
    const round = buildRound(results, { round: index + 1, at, startedAt: AT, warmupSeconds: 0 });
    state = advanceWindow(
      state,
      round,
      { ...POLICY, windowSeconds: 3600, failureThreshold: 50, successThreshold: 50 },
      at,
    ).state;
  }
  return state;
}

/** A progress as decide leaves it: failed, its rollback decided as `rollback`. */
function progressWith(
  rollback: DeployRollback | undefined,
  phase: DeployProgress['phase'] = 'finishing',
): DeployProgress {
  return {
    progress_version: 1,
    run_id: 'evt-123',
    context: { kind: 'deploy', deploy: { service: 'checkout', environment: 'prod', version: '1.4.2' } },
    scope: { service: 'checkout', environment: 'prod' },
    expected_version: '1.4.2',
    policy: {
      window: POLICY,
      verify: { ...POLICY, windowSeconds: 120 },
      rollback: { mode: 'auto', approval_timeout_minutes: 30 },
      lock_hold_ms: 4_200_000,
      cooldown_minutes: 30,
    },
    phase,
    started_at: AT.toISOString(),
    window: startWindow(AT),
    verdict: {
      status: 'failed',
      status_reason: 'probe_failures',
      total: 1,
      healthy: 0,
      failing: 1,
      decided_by: 'failure_threshold',
      message: '1/1 target(s) failing',
      decided_at: AT.toISOString(),
      version_only: false,
    },
    ...(rollback !== undefined ? { rollback } : {}),
    alerts: [],
    faults: [],
    evidence: {},
    evidence_written: true,
    notes: [],
  };
}

describe('windowVerdict', () => {
  const exhausted: TargetResult = {
    ...failingTarget(),
    attempts: [{ attempt: 1, latency_ms: 1, ok: false, error: 'local_resources_exhausted', expectations: [] }],
  };
  const wrongVersion: TargetResult = {
    ...failingTarget({ version: '1.4.1' }),
    expectations: [{ name: 'version', ok: false, observed: '1.4.1', expected: '1.4.2', condition: 'version' }],
  };
  it.each<
    [
      string,
      'passed' | 'failed',
      'success_threshold' | 'failure_threshold' | 'window_elapsed',
      TargetResult[],
      object,
      string,
    ]
  >([
    [
      'a passed streak',
      'passed',
      'success_threshold',
      [healthyTarget()],
      { status: 'passed', status_reason: 'all_probes_healthy' },
      '(success_threshold)',
    ],
    [
      'failing rounds',
      'failed',
      'failure_threshold',
      [failingTarget(), healthyTarget()],
      { status: 'failed', status_reason: 'probe_failures', failing: 1, healthy: 1 },
      '1/2 target(s) failing',
    ],
    [
      'a window that ran out on a healthy round',
      'failed',
      'window_elapsed',
      [healthyTarget()],
      { status: 'failed', status_reason: 'probe_failures', failing: 0 },
      'too late to pass',
    ],
    [
      'a round this machine could not probe',
      'failed',
      'failure_threshold',
      [exhausted],
      { status: 'failed', status_reason: 'prober_unavailable', prober_fault: 'local_resources_exhausted' },
      'could not check',
    ],
    [
      'a wrong version only',
      'failed',
      'failure_threshold',
      [wrongVersion],
      { status: 'failed', version_only: true },
      'failing',
    ],
  ])('judges %s', (_name, decision, rule, results, verdict, words) => {
    const state = windowOf(results, 3);
    const judged = windowVerdict(decision, rule, results, state, POLICY, AT);
    expect(judged).toMatchObject({ ...verdict, decided_by: rule });
    expect(judged.message).toContain(words);
  });
});

describe('boundVerdictTargets', () => {
  it('keeps every target of a small round, in order', () => {
    const results = [healthyTarget({ name: 'a' }), failingTarget({ name: 'b' })];
    expect(boundVerdictTargets(results)).toEqual({ targets: results, notListed: 0 });
  });

  it('keeps the failing targets first, in their order, within the byte budget, and counts the rest', () => {
    const reason = 'x'.repeat(900);
    const results = Array.from({ length: 400 }, (_, index) =>
      index % 4 === 0 ? failingTarget({ name: `t${index}`, reason }) : healthyTarget({ name: `t${index}` }),
    );
    const { targets, notListed } = boundVerdictTargets(results);

    expect(Buffer.byteLength(JSON.stringify(targets))).toBeLessThanOrEqual(VERDICT_TARGETS_MAX_BYTES);
    expect(targets.length + notListed).toBe(400);
    // A hundred failing targets of about 1 KB each fill the budget before any healthy one is considered.
    expect(targets.length).toBeGreaterThan(30);
    expect(targets.every((target) => !target.ok)).toBe(true);
    expect(targets.map((target) => target.name)).toEqual(
      Array.from({ length: targets.length }, (_, index) => `t${index * 4}`),
    );
  });
});

describe('approvalCommands', () => {
  it.each([
    [undefined, 'rollgate approve --service checkout --environment prod --run evt-123'],
    [
      '--table rollgate-state',
      'rollgate approve --service checkout --environment prod --run evt-123 --table rollgate-state',
    ],
  ])('with store arguments %j', (args, approve) => {
    const commands = approvalCommands({ service: 'checkout', environment: 'prod' }, 'evt-123', args);
    expect(commands.approve).toBe(approve);
    expect(commands.reject).toBe(approve.replace('approve', 'reject'));
  });
});

describe('nextPollSeconds', () => {
  it.each([
    [0, 2],
    [19_999, 2],
    [20_000, 5],
    [119_999, 5],
    [120_000, 15],
    [3_600_000, 15],
  ])('after %i ms: %i s', (elapsedMs, seconds) => {
    expect(nextPollSeconds(elapsedMs)).toBe(seconds);
  });
});

describe('awaitApproval', () => {
  const waiting: DeployRollback = {
    decision: { action: 'await_approval', target: TARGET },
    outcome: 'awaiting_approval',
    recorded_outcome: 'awaiting_approval',
    approval: {
      requested_at: AT.toISOString(),
      expires_at: new Date(AT.getTime() + 1_800_000).toISOString(),
      approve_command: 'rollgate approve --service checkout --environment prod --run evt-123',
      reject_command: 'rollgate reject --service checkout --environment prod --run evt-123',
    },
  };
  const clock = { now: () => AT, monotonicMs: () => 0 };

  it.each<[string, Parameters<typeof awaitApproval>[1], object]>([
    [
      'approved',
      { decision: 'approved', by: 'alice' },
      {
        next: 'send_rollback',
        progress: {
          phase: 'rolling_back',
          rollback: { decision: { action: 'run', target: TARGET }, approval: { decision: 'approved', by: 'alice' } },
        },
      },
    ],
    [
      'rejected',
      'rejected',
      {
        next: 'finish',
        progress: {
          phase: 'finishing',
          rollback: { outcome: 'rejected', reason: 'approval_rejected', follow_ups: [] },
        },
      },
    ],
    [
      'timed out',
      'timed_out',
      {
        next: 'finish',
        progress: {
          rollback: {
            outcome: 'timed_out',
            reason: 'approval_timed_out',
            follow_ups: [{ type: 'RollbackRequired', severity: 'critical', reason: 'approval_timed_out' }],
          },
        },
      },
    ],
  ])('acts on %s', async (_name, input, expected) => {
    const answer = await awaitApproval(progressWith(waiting, 'awaiting_approval'), input, { clock });
    expect(answer).toMatchObject(expected);
  });

  it.each([
    ['an unknown decision', progressWith(waiting, 'awaiting_approval'), 'maybe', 'approval.decision'],
    ['a progress not waiting', progressWith(waiting, 'finishing'), 'approved', 'progress.phase'],
  ])('refuses %s, naming the field', async (_name, progress, decision, field) => {
    const error = await awaitApproval(progress, decision as 'approved', { clock }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
  });
});

describe('rollbackRecordOf', () => {
  const run = { action: 'run' as const, target: TARGET };
  it.each<[string, DeployRollback | undefined, object]>([
    ['no rollback', undefined, { attempted: false, outcome: 'not_needed' }],
    [
      'a rollback about to be sent',
      { decision: run, outcome: 'pending' },
      { attempted: false, outcome: 'pending', target_version: '1.4.1' },
    ],
    [
      'a rollback held back',
      {
        decision: { action: 'suppressed', reason: 'locked', detail: 'held' },
        outcome: 'suppressed',
        reason: 'locked',
        detail: 'held',
      },
      { attempted: false, ok: null, outcome: 'suppressed', reason: 'locked', detail: 'held' },
    ],
    [
      'a verified rollback',
      { decision: run, outcome: 'recovered', result: ROLLBACK_OK },
      {
        attempted: true,
        ok: true,
        outcome: 'recovered',
        command_outcome: 'succeeded',
        target_version: '1.4.1',
        target_source: 'known_good',
      },
    ],
    [
      'a rollback that did not heal',
      { decision: run, outcome: 'still_failing', result: ROLLBACK_OK },
      { attempted: true, ok: false, outcome: 'still_failing', command_outcome: 'succeeded' },
    ],
    [
      'a rejected rollback',
      { decision: { action: 'await_approval', target: TARGET }, outcome: 'rejected', reason: 'approval_rejected' },
      { attempted: false, ok: null, outcome: 'rejected', reason: 'approval_rejected', target_version: '1.4.1' },
    ],
  ])('states %s', (_name, rollback, expected) => {
    expect(rollbackRecordOf(progressWith(rollback))).toMatchObject(expected);
  });
});

describe('the steps', () => {
  const ports: DeployPorts = {
    gate: parseGateConfig({ targets: [{ url: 'http://127.0.0.1:9/health' }] }),
    evidenceStore: { write: async () => ({ uri: 'mem://x' }) },
    notifier: { notify: async () => undefined },
  };
  it.each([
    ['probeRound', () => probeRound(progressWith(undefined, 'deciding'), ports)],
    ['decide', () => decide(progressWith(undefined, 'watching'), ports)],
    ['sendRollback', () => sendRollback(progressWith(undefined, 'finishing'), ports)],
    ['pollRollback', () => pollRollback(progressWith(undefined, 'rolling_back'), ports)],
    ['verifyRound', () => verifyRound(progressWith(undefined, 'rolling_back'), ports)],
    ['finish', () => finish(progressWith(undefined, 'done'), ports)],
  ])('%s refuses a progress in another phase, naming progress.phase', async (_name, step) => {
    const error = await step().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('progress.phase');
  });

  it('starts with no window when there are no targets: skipped, straight to decide', async () => {
    const answer = await startDeploy(
      { run_id: 'evt-1', kind: 'gate' },
      { window: POLICY, rollback: { mode: 'auto' } },
      { ...ports, gate: parseGateConfig({ targets: [] }) },
    );
    expect(answer).toMatchObject({
      next: 'decide',
      progress: { verdict: { status: 'skipped', status_reason: 'no_urls_configured', decided_by: 'no_targets' } },
    });
  });
});

describe('the progress of a hostile service', () => {
  it('stays under 200 KB with both windows full of the longest rounds and the deciding round at its budget', () => {
    const long = (char: string, length: number) => char.repeat(length);
    const targets = Array.from({ length: 500 }, (_, index) =>
      failingTarget({
        name: long('n', 200),
        url: `http://127.0.0.1:8080/${long('p', 400)}?${index}`,
        reason: long('r', 2000),
        version: long('v', 300),
      }),
    );
    const full = windowOf(targets, 200);
    const bounded = boundVerdictTargets(targets);
    const progress: DeployProgress = {
      ...progressWith({ decision: { action: 'run', target: TARGET }, outcome: 'pending', verification: full }),
      window: full,
      verdict_targets: bounded.targets,
      verdict_targets_not_listed: bounded.notListed,
    };
    expect(full.history.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify({ progress, next: 'verify_round' }))).toBeLessThan(200_000);
  });
});
