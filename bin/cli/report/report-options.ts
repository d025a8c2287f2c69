// Reads `rollgate report` flags once: where the evidence is, whose runs (a service and environment with the monitors
// on it, a monitor, or everything), since when (7 days by default), how many runs at most, and where the page goes.

import { ConfigError } from '../../../lambda/core/errors.ts';
import type { EvidenceScope } from '../../../lambda/core/evidence-query/evidence-query.ts';
import { selectionOf, sourceOf, type EvidenceSource } from '../evidence/evidence-options.ts';
import { parseCommandFlags } from '../parse-command-flags.ts';

export const DEFAULT_REPORT_FILE = 'rollgate-report.html';
export const DEFAULT_REPORT_SINCE = '7d';
export const DEFAULT_MAX_RUNS = 2000;
export const MAX_MAX_RUNS = 20_000;

export type ReportOptions =
  | { readonly action: 'help' }
  | {
      readonly action: 'report';
      readonly source: EvidenceSource;
      readonly scope: EvidenceScope;
      readonly since?: Date;
      readonly before?: Date;
      readonly out: string;
      readonly maxRuns: number;
    };

const FLAGS = {
  bucket: { type: 'string' },
  'evidence-dir': { type: 'string' },
  service: { type: 'string' },
  environment: { type: 'string' },
  monitor: { type: 'string' },
  all: { type: 'boolean' },
  since: { type: 'string' },
  date: { type: 'string' },
  out: { type: 'string' },
  'max-runs': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses and validates; `now` anchors `--since 7d`. Throws ConfigError naming the flag. */
export function readReportOptions(argv: readonly string[], now: Date): ReportOptions {
  const flags = parseCommandFlags(argv, FLAGS, 'rollgate report');
  if (flags.help === true) return { action: 'help' };
  const since = flags.since ?? (flags.date === undefined ? DEFAULT_REPORT_SINCE : undefined);
  const selection = selectionOf({ ...flags, ...(since !== undefined ? { since } : {}) }, now);
  // A service's report shows the monitors that watch it beside its deploys.
  const scope: EvidenceScope =
    selection.scope.kind === 'service' ? { ...selection.scope, monitors: true } : selection.scope;
  const out = flags.out ?? DEFAULT_REPORT_FILE;
  if (out.trim() === '' || /[\u0000-\u001f]/.test(out)) throw new ConfigError('--out', out, 'must name a file');
  return {
    action: 'report',
    source: sourceOf(flags),
    scope,
    ...(selection.since !== undefined ? { since: selection.since } : {}),
    ...(selection.before !== undefined ? { before: selection.before } : {}),
    out,
    maxRuns: maxRuns(flags['max-runs']),
  };
}

function maxRuns(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_RUNS;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_MAX_RUNS) {
    throw new ConfigError('--max-runs', value, `must be a whole number from 1 to ${MAX_MAX_RUNS}`);
  }
  return Number(value.trim());
}
