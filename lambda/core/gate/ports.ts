// The small ports through which the engine talks to the world. Adapters implement them (files or S3, a shell or SSM,
// the console or SNS); the engine never imports an adapter.

import type { Alert } from '../plan/alerts.ts';
import type { EvidenceDocument } from '../evidence/evidence.ts';
import type { RollbackResult } from '../rollback/rollback-result.ts';
import type { GateStatus, StatusReason } from '../verdict/verdict.ts';

/**
 * Which record of a run is being written: the verdict (always), the rollback record after a rollback, and the
 * delivery record when an alert could not be delivered.
 */
export type EvidenceStage = 'verdict' | 'rollback' | 'delivery';

export interface EvidenceLocation {
  /** Where an operator finds it: a file path or `s3://bucket/key`. */
  readonly uri: string;
  /** Further files written beside it (the local `.env`). */
  readonly extras?: readonly string[];
}

/** Stores evidence documents. Throws EvidenceWriteError when it cannot. */
export interface EvidenceStore {
  write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation>;
  /**
   * Where `write` will put the record, known before it is written (a known-good version names the evidence that
   * proved it, and the state is written first). Absent for a store that cannot tell.
   */
  locate?(document: EvidenceDocument, stage: EvidenceStage): string | undefined;
}

/** What the executor is asked to undo; every value here is already validated and redacted. */
export interface RollbackRequest {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  readonly failed_urls: readonly string[];
  readonly expected_version: string | null;
  readonly deploy?: DeployRecord;
  /**
   * The version to roll back to, as the planner chose it: never empty. Absent only for the CLI gate without a state
   * directory, whose command decides for itself as it always has.
   */
  readonly target_version?: string;
  /** `known_good`: it passed a gate; `previous_version_unverified`: the deploy event's previousVersion, unchecked. */
  readonly target_source?: 'known_good' | 'previous_version_unverified';
}

/**
 * A rollback on its way, as plain JSON: what `poll` needs to follow it from any later invocation (the deploy workflow
 * polls from a Lambda task other than the one that sent it). It names hosts and ids, never a secret.
 */
export interface RollbackHandle {
  /** Which executor started it (`shell`, `ssm`): only an executor of the same kind can poll it. */
  readonly kind: string;
  /** The shell run's id, or SSM's command id. */
  readonly id: string;
  readonly started_at: string;
  /** When following it stops: a rollback still running then is `timed_out` (shell) or `wait_timed_out` (SSM). */
  readonly wait_until: string;
  /** What the executor needs beyond the id (SSM: the hosts sent to and the ones skipped, in order). */
  readonly detail?: unknown;
}

/** What starting a rollback came to: started (follow it with `poll`), or done already (nothing could be sent). */
export type RollbackStart =
  | { readonly state: 'started'; readonly handle: RollbackHandle }
  | { readonly state: 'done'; readonly result: RollbackResult };

/** Where a started rollback has got to. */
export type RollbackPoll =
  | { readonly state: 'running'; readonly detail?: string }
  | { readonly state: 'done'; readonly result: RollbackResult };

/**
 * Runs the configured rollback and reports what happened. Expected failures are results, not throws. `start` and
 * `poll` let a driver wait between them without holding a process (the deploy workflow's Wait states); `run` is the
 * one-shot gate's start-then-poll-until-done. The shell and SSM executors have all three; an executor with `run` only
 * is run by the deploy flow in one step, as the one-shot gate runs it.
 */
export interface RollbackExecutor {
  /** What will run, for dry runs and evidence, e.g. `/bin/sh -c ./rollback.sh` (redacted by the gate). */
  describe(): string;
  /** Starts the rollback and returns at once; never waits for it to finish. */
  start?(request: RollbackRequest): Promise<RollbackStart>;
  /** Where the rollback `start` began has got to; `done` at the latest once `handle.wait_until` has passed. */
  poll?(handle: RollbackHandle): Promise<RollbackPoll>;
  run(request: RollbackRequest): Promise<RollbackResult>;
}

/** Delivers alerts. Throws AlertPublishError when it cannot. */
export interface Notifier {
  notify(alert: Alert): Promise<void>;
}

/** Resolves a header's secret reference at run time. Throws SecretResolveError. */
export interface SecretSource {
  resolve(reference: { readonly env: string } | { readonly ssm: string }): Promise<string>;
}

export interface Clock {
  now(): Date;
  /** Milliseconds on a monotonic clock, for durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

/** The deploy a gate judges, as announced by the pipeline. */
export interface DeployRecord {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly previous_version?: string;
  readonly digest?: string;
  readonly commit?: string;
  readonly event_id?: string;
}
