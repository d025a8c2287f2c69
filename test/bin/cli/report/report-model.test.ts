// The report's model, from runs alone: lanes (deploys, gates, each monitor) in a stable order, a monitor's states as
// spans with its transitions, rollbacks that ran or were held back, latency per target, uptime per UTC day counting
// only the runs that said something of the service, and the counts on the page.

import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import type { EvidenceRun } from '../../../../lambda/core/evidence-query/evidence-reader.ts';
import { buildReportModel } from '../../../../bin/cli/report/report-model.ts';
import { checkRecords, deployRecords, type HistoryRecord } from '../../../support/evidence-history.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-22T20:00:00.000Z');

type Health = 'up' | 'down' | 'unknown';

/** A monitor's check at `hours` after T0, with its state after the run and the change it made. */
function check(hours: number, state: Health, from?: Health, reason?: string): EvidenceDocument {
  const [record] = checkRecords(
    'home',
    { at: new Date(T0 + hours * HOUR), failed: state === 'down' },
    {
      service: 'checkout',
      environment: 'prod',
    },
  );
  const document = record!.document;
  return {
    ...document,
    ...(reason !== undefined ? { status_reason: reason as EvidenceDocument['status_reason'], status: 'failed' } : {}),
    targets: document.targets.map((target) => ({
      ...target,
      name: 'home',
      attempts: [{ attempt: 1, latency_ms: 10 + hours, ok: target.ok, expectations: [] }],
    })),
    state: {
      store: 'available',
      written: true,
      monitor: {
        name: 'home',
        state,
        consecutive_failures: 0,
        consecutive_successes: 0,
        since: document.started_at,
        transition: from === undefined ? null : { from, to: state },
        counted: true,
      },
      pause: null,
    },
  };
}

/** The most complete record of a history run, as a reader would list it. */
function runOf(records: readonly HistoryRecord[] | EvidenceDocument, index: number): EvidenceRun {
  const document = Array.isArray(records) ? records.at(-1)!.document : (records as EvidenceDocument);
  return { key: `k${index}.json`, uri: `mem://k${index}.json`, records: [`k${index}.json`], document };
}

const DOCUMENTS = [
  check(1, 'unknown'),
  check(2, 'up', 'unknown'),
  deployRecords('checkout', 'prod', { at: new Date(T0 + 3 * HOUR), failed: true, version: '1.4.3' }),
  check(4, 'down', 'up'),
  check(5, 'down'),
  // Past midnight: the next UTC day. The prober could not check: it says nothing of the service.
  check(6, 'down', undefined, 'prober_unavailable'),
  check(7, 'up', 'down'),
  deployRecords('checkout', 'prod', { at: new Date(T0 + 8 * HOUR), version: '1.4.4' }),
];
// Newest first, as the readers list them.
const RUNS = DOCUMENTS.map((records, index) => runOf(records, index)).reverse();
const GENERATED = new Date(T0 + 9 * HOUR);

describe('buildReportModel', () => {
  const model = buildReportModel({
    runs: RUNS,
    subject: 'checkout/prod',
    source: '/tmp/artifacts',
    generatedAt: GENERATED,
    since: new Date(T0 - 24 * HOUR),
    truncated: false,
    unreadable: 2,
  });

  it('counts the runs, failures, rollbacks, deploys, checks and outages', () => {
    expect(model.title).toBe('Rollgate report: checkout/prod');
    expect(model.counts).toEqual({ runs: 8, failed: 4, rollbacks: 1, deploys: 2, checks: 6, wentDown: 1 });
    expect(model.unreadable).toBe(2);
  });

  it('puts deploys before monitors, and keeps the runs newest first with their ids', () => {
    expect(model.lanes.map((lane) => lane.label)).toEqual(['deploys checkout/prod', 'monitor home']);
    expect(model.runs.map((run) => run.id)).toEqual([
      'run-0',
      'run-1',
      'run-2',
      'run-3',
      'run-4',
      'run-5',
      'run-6',
      'run-7',
    ]);
    expect(model.runs[0]!.heading).toBe('Deploy checkout/prod 1.4.4');
    expect(model.runs[5]!.rollback).toEqual({ outcome: 'succeeded', attempted: true });
  });

  it("draws a monitor's state as spans up to its next run, and marks where it went down and came back", () => {
    const monitor = model.lanes.find((lane) => lane.kind === 'monitor')!;
    expect(monitor.states).toEqual([
      { state: 'unknown', fromMs: T0 + HOUR, toMs: T0 + 2 * HOUR },
      { state: 'up', fromMs: T0 + 2 * HOUR, toMs: T0 + 4 * HOUR },
      { state: 'down', fromMs: T0 + 4 * HOUR, toMs: T0 + 7 * HOUR },
      { state: 'up', fromMs: T0 + 7 * HOUR, toMs: model.endMs },
    ]);
    expect(model.runs.filter((run) => run.transition !== undefined).map((run) => run.transition)).toEqual([
      { from: 'down', to: 'up' },
      { from: 'up', to: 'down' },
      { from: 'unknown', to: 'up' },
    ]);
  });

  it('spans the runs there are rather than the whole --since, and ends at the report', () => {
    expect(model.startMs).toBeGreaterThan(T0 - HOUR);
    expect(model.startMs).toBeLessThanOrEqual(T0 + HOUR);
    expect(model.endMs).toBe(GENERATED.getTime());
    expect(model.since).toBe(new Date(T0 - 24 * HOUR).toISOString());
  });

  it('keeps a latency series per target and lane, oldest point first', () => {
    const home = model.latency.find((series) => series.label === 'home (monitor home)')!;
    expect(home.points.map((point) => point.latencyMs)).toEqual([11, 12, 14, 15, 16, 17]);
    expect(home.points.filter((point) => !point.ok).map((point) => point.runId)).toEqual(['run-4', 'run-3', 'run-2']);
  });

  it('counts uptime per UTC day from the runs that said something of the service', () => {
    const monitor = model.uptime.find((row) => row.label === 'monitor home')!;
    expect(monitor.days).toEqual([
      { day: '2026-11-22', healthy: 2, failing: 0, ratio: 1 },
      // From midnight: 4 h and 5 h failing, 6 h said nothing (prober_unavailable), 7 h healthy.
      { day: '2026-11-23', healthy: 1, failing: 2, ratio: 1 / 3 },
    ]);
    const deploys = model.uptime.find((row) => row.label === 'deploys checkout/prod')!;
    expect(deploys.days.map((day) => day.ratio)).toEqual([0, 1]);
  });

  it('builds a page of nothing when there are no runs', () => {
    const empty = buildReportModel({
      runs: [],
      subject: 'monitor x',
      source: 's3://b',
      generatedAt: GENERATED,
      truncated: false,
      unreadable: 0,
    });
    expect(empty.lanes).toEqual([]);
    expect(empty.latency).toEqual([]);
    expect(empty.startMs).toBe(GENERATED.getTime());
  });
});
