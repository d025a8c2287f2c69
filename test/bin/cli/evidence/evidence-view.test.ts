// The view of a record that `rollgate evidence show` and the report render: the verdict and the rule that decided it,
// targets with their conditions and attempts, the watch window's rounds, the rollback per host with the approval and
// the verification, alerts, faults, state and notes; and no throw on a record that is old, partial or edited.

import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { buildRound } from '../../../../lambda/core/window/round.ts';
import { buildEvidenceView, type EvidenceView, type ViewLine } from '../../../../bin/cli/evidence/evidence-view.ts';
import { renderEvidenceText } from '../../../../bin/cli/evidence/evidence-view-text.ts';
import { failingTarget, healthyTarget } from '../../../lambda/core/window/target-results.ts';
import { CHECKOUT_DEPLOY, sampleEvidence, unhealthyTarget } from '../../../lambda/core/evidence/sample-evidence.ts';

const WINDOW_START = new Date('2026-11-23T10:00:00.000Z');

function round(n: number, ok: boolean) {
  const at = new Date(WINDOW_START.getTime() + (n - 1) * 10_000);
  const targets = ok
    ? [healthyTarget({ name: 'api', version: '1.4.3', latencyMs: 20 })]
    : [failingTarget({ name: 'api', version: '1.4.2', latencyMs: 900, reason: '[BODY].version "1.4.2" == "1.4.3"' })];
  return buildRound(targets, { round: n, at, startedAt: WINDOW_START, warmupSeconds: 15 });
}

function windowOf(rounds: ReturnType<typeof round>[], decidedBy: string) {
  return {
    policy: {
      windowSeconds: 300,
      intervalSeconds: 10,
      warmupSeconds: 15,
      bakeSeconds: 60,
      successThreshold: 2,
      failureThreshold: 3,
      verifySeconds: 120,
    },
    expected_version: '1.4.3',
    started_at: WINDOW_START.toISOString(),
    decided_by: decidedBy,
    rounds_done: rounds.length,
    healthy_rounds: rounds.filter((r) => r.ok).length,
    failing_rounds: rounds.filter((r) => !r.ok).length,
    rounds_dropped: 0,
    rounds,
  };
}

const WINDOWED_ROLLBACK = {
  ...sampleEvidence({ context: CHECKOUT_DEPLOY, targets: [unhealthyTarget('https://checkout.example.com/health')] }),
  stage: 'rollback',
  decided_by: 'failure_threshold',
  window: windowOf([round(1, false), round(2, false), round(3, false), round(4, false)], 'failure_threshold'),
  rollback: {
    attempted: true,
    ok: true,
    outcome: 'recovered',
    command_outcome: 'succeeded',
    exit_code: 0,
    duration_ms: 4200,
    output_tail: null,
    executor: 'SSM document RollgateRollback',
    command_id: 'cmd-123',
    target_version: '1.4.2',
    target_source: 'known_good',
    hosts: [
      { instance_id: 'i-0abc', status: 'Success', exit_code: 0, output_tail: 'switched to 1.4.2\n' },
      { instance_id: 'i-0def', status: 'Failed', exit_code: 3, output_tail: 'disk full\n', detail: 'exit 3' },
    ],
    approval: {
      requested_at: '2026-11-23T10:01:00.000Z',
      expires_at: '2026-11-23T10:31:00.000Z',
      approve_command: 'rollgate approve --service checkout --environment prod',
      decision: 'approved',
      decided_at: '2026-11-23T10:02:00.000Z',
      by: 'alice',
    },
    verification: { ...windowOf([round(1, true), round(2, true)], 'success_threshold'), expected_version: '1.4.2' },
  },
  alerts: [
    { type: 'GateFailed', subject: 'checkout/prod 1.4.3 failed', delivered: true, error: null },
    {
      type: 'RollbackSucceeded',
      subject: 'checkout/prod rolled back',
      delivered: false,
      error: 'AuthorizationError: denied',
    },
  ],
  faults: [{ port: 'alert', error_name: 'AuthorizationError', message: 'denied' }],
  state: {
    store: 'available',
    written: true,
    service: {
      service: 'checkout',
      environment: 'prod',
      deployed: '1.4.2',
      known_good: '1.4.2',
      last_rollback_at: '2026-11-23T10:02:30.000Z',
    },
    pause: null,
  },
  notes: ["the event's previousVersion 1.4.0 is not the known-good 1.4.2"],
  chain: { sequence: 7, previous_sha256: 'ab'.repeat(32), previous_uri: 's3://evidence/deploys/checkout/prod/x.json' },
} as unknown as EvidenceDocument;

function texts(lines: readonly ViewLine[]): string[] {
  return lines.flatMap((line) => [line.text, ...texts(line.children ?? [])]);
}

function section(view: EvidenceView, title: string): string[] {
  const found = view.sections.find((candidate) => candidate.title.startsWith(title));
  if (found === undefined) throw new Error(`no section ${title}: ${view.sections.map((s) => s.title).join(', ')}`);
  return texts(found.lines);
}

describe('buildEvidenceView', () => {
  const view = buildEvidenceView(WINDOWED_ROLLBACK);

  it("names the record's place in its chain", () => {
    expect(view.facts).toContainEqual([
      'Chain',
      `record 7; the one before has SHA-256 ${'ab'.repeat(32)} at s3://evidence/deploys/checkout/prod/x.json`,
    ]);
  });

  it('says which rule of the window decided the verdict', () => {
    expect(view.heading).toBe('Deploy checkout/prod 1.4.2');
    expect(view.status).toBe('failed');
    expect(view.rule).toBe('failure_threshold: too many failing rounds in a row after the warm-up (probe_failures)');
  });

  it('lists each round of the window with each target, what it answered and why', () => {
    const rounds = section(view, 'Watch window');
    expect(view.sections.find((s) => s.title.startsWith('Watch window'))!.title).toBe(
      'Watch window: 4 round(s), ended by failure_threshold',
    );
    expect(rounds[0]).toBe(
      'policy: window 300 s, a round every 10 s, warm-up 15 s, no pass before 60 s (bake), 2 healthy in a row pass, 3 failing in a row after the warm-up fail',
    );
    expect(rounds).toContain('round 1 at 2026-11-23T10:00:00.000Z (+0.0 s, warm-up): 0 healthy, 1 failing');
    expect(rounds).toContain('round 3 at 2026-11-23T10:00:20.000Z (+20.0 s): 0 healthy, 1 failing');
    expect(rounds).toContain(
      'api http://127.0.0.1:8080/health: 900 ms, version 1.4.2: [BODY].version "1.4.2" == "1.4.3"',
    );
  });

  it('shows the rollback as the deploy flow ended it, per host, with its approval and its verification', () => {
    const rollback = section(view, 'Rollback');
    expect(rollback[0]).toBe(
      'recovered (the command succeeded), exit 0 in 4200 ms to 1.4.2 (known-good): SSM document RollgateRollback',
    );
    expect(rollback).toContain('command cmd-123');
    expect(rollback).toContain('host i-0def: Failed, exit 3 (exit 3)');
    expect(rollback).toContain(
      'approval asked at 2026-11-23T10:01:00.000Z, until 2026-11-23T10:31:00.000Z: approved by alice at 2026-11-23T10:02:00.000Z',
    );
    const verification = view.sections.find((s) => s.title.startsWith('Verification'))!;
    expect(verification.title).toBe('Verification expecting 1.4.2: 2 round(s), ended by success_threshold');
  });

  it('shows alerts with their delivery, faults, the state after the run and notes', () => {
    expect(section(view, 'Alerts')).toEqual([
      'GateFailed: checkout/prod 1.4.3 failed (delivered)',
      'RollbackSucceeded: checkout/prod rolled back (NOT delivered: AuthorizationError: denied)',
    ]);
    expect(section(view, 'Faults')).toEqual(['alert: AuthorizationError: denied']);
    expect(section(view, 'State after the run')).toEqual([
      'checkout/prod: deployed 1.4.2, known-good 1.4.2, last rollback 2026-11-23T10:02:30.000Z',
    ]);
    expect(section(view, 'Notes')).toEqual(["the event's previousVersion 1.4.0 is not the known-good 1.4.2"]);
  });

  it('shows a waiting approval with the command that approves it', () => {
    const waiting = {
      ...WINDOWED_ROLLBACK,
      rollback: {
        ...WINDOWED_ROLLBACK.rollback,
        attempted: false,
        outcome: 'awaiting_approval',
        approval: {
          requested_at: '2026-11-23T10:01:00.000Z',
          approve_command: 'rollgate approve --service checkout --environment prod',
          decision: null,
        },
      },
    } as unknown as EvidenceDocument;
    const rollback = section(buildEvidenceView(waiting), 'Rollback');
    expect(rollback[0]).toBe('awaiting approval to 1.4.2 (known-good)');
    expect(rollback).toContain('approval asked at 2026-11-23T10:01:00.000Z: waiting');
    expect(rollback).toContain('approve with: rollgate approve --service checkout --environment prod');
  });

  it.each([
    ['no targets, rollback or context', { targets: undefined, rollback: undefined, context: undefined }],
    ['a window that is not an object', { window: 'rounds' }],
    [
      'rounds with the wrong shapes',
      { window: { rounds: [null, 3, { round: 'one', ok: true }, { round: 1, ok: 'yes' }] } },
    ],
    ['alerts, faults and notes missing', { alerts: undefined, faults: undefined, notes: undefined, state: undefined }],
  ])('renders a record with %s without throwing', (_name, fields) => {
    const odd = { ...WINDOWED_ROLLBACK, ...fields } as unknown as EvidenceDocument;
    expect(() => renderEvidenceText(buildEvidenceView(odd), 'somewhere')).not.toThrow();
  });
});
