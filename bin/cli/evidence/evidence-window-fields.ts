// The parts of a record that the watch window and the verified rollback add (the rounds of the window, the rule that
// ended it, the verification after a rollback), read leniently: a record is whatever was stored, old records lack
// these fields, and nothing here may throw on a shape it does not know. Whatever does not look right is left out.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';

export interface RoundTargetFields {
  readonly name?: string;
  readonly url: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly latency_ms: number;
  readonly version?: string;
}

export interface RoundFields {
  readonly round: number;
  readonly at: string;
  readonly elapsed_s: number;
  readonly in_warmup: boolean;
  readonly ok: boolean;
  readonly healthy: number;
  readonly failing: number;
  readonly targets: readonly RoundTargetFields[];
  readonly targets_not_listed?: number;
}

export interface WindowPolicyFields {
  readonly windowSeconds?: number;
  readonly intervalSeconds?: number;
  readonly warmupSeconds?: number;
  readonly bakeSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
}

export interface WindowFields {
  /** The rule that ended it: success_threshold, failure_threshold, window_elapsed. */
  readonly decided_by?: string;
  readonly policy?: WindowPolicyFields;
  readonly expected_version?: string;
  readonly rounds: readonly RoundFields[];
  /** Rounds done in all, when more than the rounds kept. */
  readonly rounds_done?: number;
  readonly rounds_dropped?: number;
}

export interface ApprovalFields {
  readonly requested_at?: string;
  readonly expires_at?: string;
  readonly approve_command?: string;
  /** approved, rejected, timed_out; absent while it waits. */
  readonly decision?: string;
  readonly decided_at?: string;
  readonly by?: string;
}

type Loose = Readonly<Record<string, unknown>>;

/** The deploy's watch window, when the record has one. */
export function windowOf(document: EvidenceDocument): WindowFields | undefined {
  const record = document as unknown as Loose;
  const window = asRecord(record.window);
  const fields = window === undefined ? undefined : windowFields(window);
  const decidedBy = text(record.decided_by) ?? text(asRecord(record.verdict)?.decided_by);
  if (fields === undefined) return decidedBy === undefined ? undefined : { decided_by: decidedBy, rounds: [] };
  return decidedBy !== undefined && fields.decided_by === undefined ? { ...fields, decided_by: decidedBy } : fields;
}

/** The verification window after a rollback, when the record has one. */
export function verificationOf(document: EvidenceDocument): WindowFields | undefined {
  const verification = asRecord(asRecord((document as unknown as Loose).rollback)?.verification);
  return verification === undefined ? undefined : (windowFields(verification) ?? { rounds: [] });
}

/** What the rollback command itself came to, when the record's outcome is the deploy flow's (recovered...). */
export function commandOutcomeOf(document: EvidenceDocument): string | undefined {
  return text(asRecord((document as unknown as Loose).rollback)?.command_outcome);
}

/** The approval a rollback waited for, in approve mode. */
export function approvalOf(document: EvidenceDocument): ApprovalFields | undefined {
  const approval = asRecord(asRecord((document as unknown as Loose).rollback)?.approval);
  if (approval === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const name of ['requested_at', 'expires_at', 'approve_command', 'decision', 'decided_at', 'by'] as const) {
    const value = text(approval[name]);
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

function windowFields(window: Loose): WindowFields | undefined {
  const state = asRecord(window.state) ?? window;
  const history = Array.isArray(state.history) ? state.history : Array.isArray(state.rounds) ? state.rounds : undefined;
  if (history === undefined) return undefined;
  const rounds = history.map(roundFields).filter((round): round is RoundFields => round !== undefined);
  const decidedBy = text(window.decided_by) ?? text(state.decided_by);
  const done = count(state.rounds_done);
  const dropped = count(state.rounds_dropped) ?? count(state.history_dropped);
  const expected = text(window.expected_version);
  const policy = policyFields(asRecord(window.policy));
  return {
    rounds,
    ...(decidedBy !== undefined ? { decided_by: decidedBy } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(expected !== undefined ? { expected_version: expected } : {}),
    ...(done !== undefined ? { rounds_done: done } : {}),
    ...(dropped !== undefined && dropped > 0 ? { rounds_dropped: dropped } : {}),
  };
}

function policyFields(policy: Loose | undefined): WindowPolicyFields | undefined {
  if (policy === undefined) return undefined;
  const fields: Record<string, number> = {};
  for (const name of [
    'windowSeconds',
    'intervalSeconds',
    'warmupSeconds',
    'bakeSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    const value = count(policy[name]);
    if (value !== undefined) fields[name] = value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

function roundFields(value: unknown): RoundFields | undefined {
  const round = asRecord(value);
  if (round === undefined || count(round.round) === undefined || typeof round.ok !== 'boolean') return undefined;
  const targets = Array.isArray(round.targets) ? round.targets.map(roundTargetFields) : [];
  const notListed = count(round.targets_not_listed);
  return {
    round: count(round.round)!,
    at: text(round.at) ?? '',
    elapsed_s: typeof round.elapsed_s === 'number' && Number.isFinite(round.elapsed_s) ? round.elapsed_s : 0,
    in_warmup: round.in_warmup === true,
    ok: round.ok,
    healthy: count(round.healthy) ?? 0,
    failing: count(round.failing) ?? 0,
    targets: targets.filter((target): target is RoundTargetFields => target !== undefined),
    ...(notListed !== undefined ? { targets_not_listed: notListed } : {}),
  };
}

function roundTargetFields(value: unknown): RoundTargetFields | undefined {
  const target = asRecord(value);
  const url = text(target?.url);
  if (target === undefined || url === undefined || typeof target.ok !== 'boolean') return undefined;
  const name = text(target.name);
  const reason = text(target.reason);
  const version = text(target.version);
  return {
    url,
    ok: target.ok,
    latency_ms: count(target.latency_ms) ?? 0,
    ...(name !== undefined ? { name } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(version !== undefined ? { version } : {}),
  };
}

function asRecord(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
