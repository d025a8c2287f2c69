// `rollgate report`: reads the runs of a service (with the monitors on it), a monitor or everything, from the stack's
// bucket or a local evidence directory, and writes one self-contained HTML page (report/). Usage errors exit 2, read
// and write errors exit 1, each as one line.

import { resolve } from 'node:path';
import { replaceAtomically } from '../../../lambda/adapters/local/atomic-file.ts';
import { ConfigError, EvidenceWriteError, errorMessageOf } from '../../../lambda/core/errors.ts';
import type { EvidenceReader, EvidenceRun } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import type { EvidenceScope } from '../../../lambda/core/evidence-query/evidence-query.ts';
import { EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { openEvidenceReader, reportReadFailure } from '../evidence/evidence-source.ts';
import { REPORT_HELP } from '../help-text.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { renderReportHtml } from './render-report-html.ts';
import { buildReportModel } from './report-model.ts';
import { readReportOptions, type ReportOptions } from './report-options.ts';

/** Runs asked for per page while collecting the report's runs. */
const PAGE_RUNS = 1000;

export async function runReportCommand(argv: readonly string[], unredactedIo: CliIo): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  const now = new Date();
  let options: ReportOptions;
  try {
    options = readReportOptions(argv, now);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(REPORT_HELP);
    return EXIT_PASSED;
  }
  try {
    const reader = await openEvidenceReader(options.source, io);
    const collected = await collectRuns(reader, options);
    const model = buildReportModel({
      runs: collected.runs,
      subject: subjectOf(options.scope),
      source: reader.describe(),
      generatedAt: now,
      ...(options.since !== undefined ? { since: options.since } : {}),
      truncated: collected.truncated,
      unreadable: collected.unreadable,
    });
    const path = resolve(io.cwd, options.out);
    await writeReport(path, renderReportHtml(model));
    const { counts } = model;
    io.stdout.write(
      `Report: ${path} (${counts.runs} runs, ${counts.failed} failed, ${counts.rollbacks} rollbacks${collected.truncated ? `; the newest ${counts.runs} only` : ''}); it opens in any browser with no network\n`,
    );
    return EXIT_PASSED;
  } catch (error) {
    return reportReadFailure(error, 'rollgate report', io);
  }
}

/** The newest runs of the scope, page by page, up to --max-runs. */
async function collectRuns(
  reader: EvidenceReader,
  options: Extract<ReportOptions, { action: 'report' }>,
): Promise<{ runs: EvidenceRun[]; truncated: boolean; unreadable: number }> {
  const runs: EvidenceRun[] = [];
  let unreadable = 0;
  let after: string | undefined;
  // Each page returns at least one run or ends the listing, so this is bounded by --max-runs pages at worst.
  for (let page = 0; page <= options.maxRuns; page += 1) {
    const answer = await reader.list({
      scope: options.scope,
      filters: {},
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.before !== undefined ? { before: options.before } : {}),
      limit: Math.min(PAGE_RUNS, options.maxRuns - runs.length),
      ...(after !== undefined ? { after } : {}),
    });
    runs.push(...answer.runs);
    unreadable += answer.unreadable.length;
    after = answer.next;
    if (after === undefined) return { runs, truncated: false, unreadable };
    if (runs.length >= options.maxRuns) return { runs, truncated: true, unreadable };
  }
  return { runs, truncated: after !== undefined, unreadable };
}

function subjectOf(scope: EvidenceScope): string {
  switch (scope.kind) {
    case 'service':
      return `${scope.service}/${scope.environment}`;
    case 'monitor':
      return `monitor ${scope.monitor}`;
    case 'all':
      return 'every service and monitor';
  }
}

/** Written whole or not at all. */
async function writeReport(path: string, content: string): Promise<void> {
  try {
    await replaceAtomically(path, content);
  } catch (error) {
    throw new EvidenceWriteError(`cannot write the report to ${path}: ${errorMessageOf(error)}`, { cause: error });
  }
}
