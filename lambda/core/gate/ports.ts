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

/** Runs the configured rollback once and reports what happened. Expected failures are results, not throws. */
export interface RollbackExecutor {
  /** What will run, for dry runs and evidence, e.g. `/bin/sh -c ./rollback.sh` (redacted by the gate). */
  describe(): string;
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
