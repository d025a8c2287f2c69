// Evidence histories for the reader, CLI and report tests: deploys of a service and checks of monitors at given times,
// each run as the records a gate writes (verdict, then rollback after a rollback), built with the real evidence model
// and written through a real store, so readers are tested on what the gate actually stores.

import type { EvidenceContext, EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import type { EvidenceStage, EvidenceStore } from '../../lambda/core/gate/ports.ts';
import { mapBounded } from '../../lambda/core/probe/run-bounded.ts';
import { healthyTarget, sampleEvidence, unhealthyTarget } from '../lambda/core/evidence/sample-evidence.ts';

export interface HistoryRecord {
  readonly document: EvidenceDocument;
  readonly stage: EvidenceStage;
}

export interface RunSpec {
  readonly at: Date;
  readonly failed?: boolean;
  readonly version?: string;
  readonly commit?: string;
}

/** A deploy of `service` in `environment`: its verdict record and, when it failed, its rollback record. */
export function deployRecords(service: string, environment: string, run: RunSpec): HistoryRecord[] {
  const eventId = `evt-${run.at.getTime().toString(36)}`;
  const context: EvidenceContext = {
    kind: 'deploy',
    deploy: {
      service,
      environment,
      version: run.version ?? '1.4.2',
      event_id: eventId,
      ...(run.commit !== undefined ? { commit: run.commit } : {}),
    },
    run_id: eventId,
  };
  return recordsOf(context, run, `https://${service}.example.com/health`);
}

/** A scheduled check of `monitor` (on `service`/`environment` when given). */
export function checkRecords(
  monitor: string,
  run: RunSpec,
  on?: { readonly service: string; readonly environment: string },
): HistoryRecord[] {
  const context: EvidenceContext = {
    kind: 'check',
    monitor,
    ...(on !== undefined ? on : {}),
    run_id: `chk-${run.at.getTime().toString(36)}`,
  };
  return recordsOf(context, run, `https://${monitor}.example.com/`);
}

function recordsOf(context: EvidenceContext, run: RunSpec, url: string): HistoryRecord[] {
  const base = sampleEvidence({
    context,
    targets: [run.failed === true ? unhealthyTarget(url) : healthyTarget(url)],
    ...(run.version !== undefined ? { expectedVersion: run.version } : {}),
  });
  const verdict: EvidenceDocument = {
    ...base,
    started_at: run.at.toISOString(),
    finished_at: new Date(run.at.getTime() + 1250).toISOString(),
  };
  if (run.failed !== true || context.kind !== 'deploy') return [{ document: verdict, stage: 'verdict' }];
  const rollback: EvidenceDocument = {
    ...verdict,
    stage: 'rollback',
    finished_at: new Date(run.at.getTime() + 20_000).toISOString(),
    rollback: {
      attempted: true,
      ok: true,
      outcome: 'succeeded',
      exit_code: 0,
      duration_ms: 18_000,
      output_tail: 'rolled back\n',
      executor: '/bin/sh -c ./rollback.sh',
    },
  };
  return [
    { document: verdict, stage: 'verdict' },
    { document: rollback, stage: 'rollback' },
  ];
}

/** Writes every record through `store`, a few at once (the verdict of a run before its rollback record). */
export async function writeHistory(store: EvidenceStore, runs: readonly (readonly HistoryRecord[])[]): Promise<void> {
  await mapBounded(runs, 16, async (records) => {
    for (const record of records) await store.write(record.document, record.stage);
  });
}

/** `count` times from `newest` back, `stepMs` apart. */
export function timesBack(newest: Date, count: number, stepMs: number): Date[] {
  return Array.from({ length: count }, (_, index) => new Date(newest.getTime() - index * stepMs));
}
