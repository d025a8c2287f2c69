// `rollgate evidence list` output: one line per run (when, verdict, what, version, rollback, the key to show it), or
// the same as JSON for scripts. Fields come from stored records, so each is made one printable line.

import type { EvidencePage, EvidenceRun } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import { serviceOf } from '../../../lambda/core/evidence-query/evidence-query.ts';
import { headingOf } from './evidence-view.ts';
import { printableLine } from './evidence-view-text.ts';

export function renderRunLines(runs: readonly EvidenceRun[]): string {
  const rows = runs.map((run) => {
    const document = run.document;
    return [
      shortTime(document.started_at),
      String(document.status).toUpperCase(),
      String(document.status_reason),
      headingOf(document),
      rollbackWords(run),
      run.key,
    ].map((cell) => printableLine(String(cell)));
  });
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .join('\n')
    .concat('\n');
}

/** What a script needs of a run, flat, plus where to find each of its records. */
export function runsJson(page: EvidencePage): string {
  const runs = page.runs.map((run) => {
    const document = run.document;
    const about = serviceOf(document);
    return {
      key: run.key,
      uri: run.uri,
      records: run.records,
      kind: document.kind,
      stage: document.stage,
      started_at: document.started_at,
      status: document.status,
      status_reason: document.status_reason,
      service: about?.service ?? null,
      environment: about?.environment ?? null,
      monitor: document.context?.monitor ?? null,
      version: document.context?.deploy?.version ?? document.expected_version ?? null,
      commit: document.context?.deploy?.commit ?? document.context?.ci?.commit_sha ?? null,
      rollback: document.rollback?.outcome ?? null,
    };
  });
  return `${JSON.stringify({ runs, next: page.next ?? null, examined: page.examined, unreadable: page.unreadable }, null, 2)}\n`;
}

/** The rollback, when there is something to say: it ran, was held back, or (for a deploy) none is configured. */
function rollbackWords(run: EvidenceRun): string {
  const rollback = run.document.rollback;
  if (rollback === undefined || rollback === null || rollback.outcome === 'not_needed') return '-';
  // A monitor without a rollback says so on every failing check; the lines would only repeat it.
  if (rollback.outcome === 'not_configured' && run.document.kind === 'check') return '-';
  return `rollback ${rollback.outcome}${rollback.reason !== undefined ? ` (${rollback.reason})` : ''}`;
}

/** `2026-11-23T14:33:49Z`: to the second, which is how operators talk about a run. */
function shortTime(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 19)}Z` : iso;
}
