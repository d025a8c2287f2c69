// The evidence model: one versioned JSON document per gate run, complete for every outcome, that an operator can
// read after an incident without guessing. Everything in it is already redacted.

import type { AlertType } from '../plan/alerts.ts';
import type { CiContext } from './ci-context.ts';
import type { EvidenceChainLink } from './evidence-chain.ts';
import type { EvidenceState } from './evidence-state.ts';
import type { EvidenceWindow } from './evidence-window.ts';
import type { DeployRecord, EvidenceStage } from '../gate/ports.ts';
import type { TargetResult } from '../probe/probe.ts';
import type { RollbackResult } from '../rollback/rollback-result.ts';
import type { GateStatus, ProberFault, StatusReason, Verdict } from '../verdict/verdict.ts';

export const EVIDENCE_SCHEMA_VERSION = 1;
export const TOOL_NAME = 'rollgate';

export interface EvidenceSettings {
  readonly timeout_ms: number;
  readonly retries: number;
  readonly backoff_ms: number;
  readonly concurrency: number;
  readonly max_body_bytes: number;
}

export interface EvidenceContext {
  /** `gate` for the CLI, `deploy` for a deploy event, `check` for a scheduled monitor. */
  readonly kind: 'gate' | 'deploy' | 'check';
  readonly ci?: CiContext;
  readonly deploy?: DeployRecord;
  readonly monitor?: string;
  /** The service and environment a monitor watches, when it names them (a deploy names them in `deploy`). */
  readonly service?: string;
  readonly environment?: string;
  /** The id of the event or invocation that started this run. */
  readonly run_id?: string;
}

/**
 * An alert the run raised. `delivered` is null while it is still to be sent: a record is written before the alerts
 * that point at it, so a verdict record lists its alerts as pending, and a later record of the run (the rollback
 * record, or the delivery record written when an alert could not be delivered) carries how each one went.
 */
export interface EvidenceAlert {
  readonly type: AlertType;
  readonly subject: string;
  readonly delivered: boolean | null;
  /** Why delivery failed, redacted; null otherwise. */
  readonly error: string | null;
}

/** Which piece of infrastructure a fault was in. */
export type FaultPort = 'evidence' | 'alert' | 'rollback' | 'secrets' | 'idempotency' | 'state';

/** Infrastructure that failed during the run: where, the underlying error's name (AWS's when there is one), why. */
export interface EvidenceFault {
  readonly port: FaultPort;
  readonly error_name: string;
  /** Redacted. */
  readonly message: string;
}

export interface EvidenceDocument {
  readonly schema_version: typeof EVIDENCE_SCHEMA_VERSION;
  readonly tool: typeof TOOL_NAME;
  readonly kind: EvidenceContext['kind'];
  /**
   * `verdict`: written as soon as the verdict is known; `rollback`: the same run after its rollback; `delivery`: the
   * same run again, with how each alert went, when one of them could not be delivered.
   */
  readonly stage: EvidenceStage;
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  /** A sentence saying why, e.g. the configuration problem behind invalid_config. */
  readonly message: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly duration_ms: number;
  readonly expected_version: string | null;
  readonly summary: { readonly total: number; readonly healthy: number; readonly failing: number };
  readonly targets: readonly TargetResult[];
  readonly rollback: RollbackResult;
  readonly context: Omit<EvidenceContext, 'kind'>;
  readonly settings: EvidenceSettings | null;
  /** Every alert the run raised up to this record, with its delivery so far (null: still to be sent). */
  readonly alerts: readonly EvidenceAlert[];
  /** Infrastructure faults the run met up to this record (an unreachable idempotency store, a secret not read...). */
  readonly faults: readonly EvidenceFault[];
  /** Links between the records of one run: later records point at the earlier ones. */
  readonly links?: { readonly verdict?: string; readonly rollback?: string };
  /** What the run remembered and left for the next (evidence-state.ts); only for a run with a state store. */
  readonly state?: EvidenceState;
  /** Facts an operator needs that fit nowhere else (an ignored state item, a previousVersion that disagrees). */
  readonly notes?: readonly string[];
  /**
   * A deploy judged over a watch window: the rule that decided the verdict (`success_threshold`, `failure_threshold`,
   * `window_elapsed`, or `no_targets`, `config_problem`, `secret_store_unavailable` when no window could run).
   */
  readonly decided_by?: string;
  /** A deploy judged over a watch window: its rounds; `targets` are then the deciding round's. */
  readonly window?: EvidenceWindow;
  /**
   * The record before this one in its service's or monitor's chain (evidence-chain.ts); only for a run with a state
   * store, which keeps the chain's head.
   */
  readonly chain?: EvidenceChainLink;
}

export interface EvidenceInput {
  readonly verdict: Verdict;
  readonly message: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly expectedVersion: string | undefined;
  readonly targets: readonly TargetResult[];
  readonly rollback: RollbackResult;
  readonly context: EvidenceContext;
  readonly settings: EvidenceSettings | null;
  /** @default [] */
  readonly faults?: readonly EvidenceFault[];
}

export function buildEvidence(input: EvidenceInput): EvidenceDocument {
  const { kind, ...context } = input.context;
  return {
    schema_version: EVIDENCE_SCHEMA_VERSION,
    tool: TOOL_NAME,
    kind,
    stage: 'verdict',
    status: input.verdict.status,
    status_reason: input.verdict.status_reason,
    message: input.message,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    duration_ms: Math.round(input.durationMs),
    expected_version: input.expectedVersion ?? null,
    summary: { total: input.verdict.total, healthy: input.verdict.healthy, failing: input.verdict.failing },
    targets: input.targets,
    rollback: input.rollback,
    context,
    settings: input.settings,
    alerts: [],
    faults: input.faults ?? [],
  };
}

/** The same run after its rollback: the rollback outcome filled in, linked to where the verdict record went. */
export function withRollback(
  document: EvidenceDocument,
  rollback: RollbackResult,
  finishedAt: Date,
  durationMs: number,
  verdictUri: string | undefined,
): EvidenceDocument {
  return {
    ...document,
    stage: 'rollback',
    rollback,
    finished_at: finishedAt.toISOString(),
    duration_ms: Math.round(durationMs),
    ...(verdictUri !== undefined ? { links: { verdict: verdictUri } } : {}),
  };
}

/**
 * The same run once its alerts have gone out, written when one could not be delivered: every alert with how it went,
 * linked to the records before it.
 */
export function withDelivery(
  document: EvidenceDocument,
  alerts: readonly EvidenceAlert[],
  finishedAt: Date,
  durationMs: number,
  links: { readonly verdict?: string | undefined; readonly rollback?: string | undefined },
): EvidenceDocument {
  const known = Object.fromEntries(Object.entries(links).filter(([, uri]) => uri !== undefined));
  return {
    ...document,
    stage: 'delivery',
    alerts,
    finished_at: finishedAt.toISOString(),
    duration_ms: Math.round(durationMs),
    ...(Object.keys(known).length > 0 ? { links: known } : {}),
  };
}

/**
 * The sentence a verdict reads as, for humans and alerts. `detail`: the configuration's problem (invalid_config), or
 * the signal that stopped the run (interrupted).
 */
export function describeVerdict(verdict: Verdict, detail?: string): string {
  switch (verdict.status_reason) {
    case 'invalid_config':
      return `configuration cannot be used: ${detail ?? 'unknown problem'}`;
    case 'interrupted':
      return `interrupted by ${detail ?? 'a signal'} before a verdict: nothing was judged, nothing rolled back`;
    case 'no_urls_configured':
      return 'no health URLs configured: the rollout was not validated';
    case 'all_probes_healthy':
      return `all ${verdict.total} target(s) healthy`;
    case 'probe_failures':
      return `${verdict.failing}/${verdict.total} target(s) failing`;
    case 'prober_unavailable':
      return `the prober could not check (${PROBER_FAULT_WORDS[verdict.prober_fault ?? 'local_resources_exhausted']}); this says nothing about the service (${verdict.failing}/${verdict.total} target(s) failing)`;
  }
}

const PROBER_FAULT_WORDS: { readonly [F in ProberFault]: string } = {
  local_resources_exhausted: 'this machine ran out of sockets or file descriptors',
  dns_resolver_unavailable: 'the DNS resolver could not answer for any target',
  secret_store_unavailable: "a header's secret could not be read: the secret store could not be reached",
  state_store_unavailable: 'the state store could not be read',
};
