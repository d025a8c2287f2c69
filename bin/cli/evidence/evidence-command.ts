// `rollgate evidence list|latest|show` (`verify`: evidence-verify-command.ts): reads the evidence of gates, deploys
// and monitors after an incident, from the stack's bucket (--bucket) or a local evidence directory (./artifacts by
// default). Usage errors exit 2, read errors exit 1, each as one line naming what failed. The SDK is imported on use,
// never at CLI start.

import { compareNewestFirst } from '../../../lambda/adapters/merge-newest-first.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';
import type { EvidenceEntry } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { renderRunLines, runsJson } from './evidence-list-lines.ts';
import { readEvidenceOptions, type EvidenceOptions } from './evidence-options.ts';
import { runEvidenceVerifyCommand } from './evidence-verify-command.ts';
import { openEvidenceReader, reportReadFailure } from './evidence-source.ts';
import { buildEvidenceView } from './evidence-view.ts';
import { printableLine, renderEvidenceText } from './evidence-view-text.ts';
import { EVIDENCE_HELP } from '../help-text.ts';
import { withRedactedStderr } from '../redacted-io.ts';

/** Objects that are not evidence are named on stderr, up to this many. */
const UNREADABLE_SHOWN = 5;

export async function runEvidenceCommand(argv: readonly string[], unredactedIo: CliIo): Promise<number> {
  if (argv[0] === 'verify') return runEvidenceVerifyCommand(argv.slice(1), unredactedIo);
  const io = withRedactedStderr(unredactedIo);
  let options: EvidenceOptions;
  try {
    options = readEvidenceOptions(argv, new Date());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.action === 'help') {
    io.stdout.write(EVIDENCE_HELP);
    return EXIT_PASSED;
  }
  try {
    return await run(options, io);
  } catch (error) {
    return reportReadFailure(error, `rollgate evidence ${options.action === 'keys' ? 'list' : options.action}`, io);
  }
}

async function run(options: Exclude<EvidenceOptions, { action: 'help' }>, io: CliIo): Promise<number> {
  if (options.action === 'keys') {
    const { openS3EvidenceStore } = await import('./s3-evidence-reader.ts');
    const keys = [...(await openS3EvidenceStore(options.bucket, io.env).list(options.prefix))]
      .sort(compareNewestFirst)
      .slice(0, options.limit);
    io.stdout.write(options.json ? `${JSON.stringify(keys, null, 2)}\n` : keys.map((key) => `${key}\n`).join(''));
    return EXIT_PASSED;
  }
  const reader = await openEvidenceReader(options.source, io);
  if (options.action === 'show') {
    printEntry(await reader.get(options.key), options.json, io);
    return EXIT_PASSED;
  }
  const query = {
    scope: options.scope,
    filters: options.filters,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.before !== undefined ? { before: options.before } : {}),
  };
  if (options.action === 'latest') {
    const page = await reader.list({ ...query, limit: 1 });
    reportUnreadable(page.unreadable, io);
    const newest = page.runs[0];
    if (newest === undefined) {
      io.stderr.write(`rollgate evidence latest: no run matches in ${reader.describe()}\n`);
      return EXIT_FAILED;
    }
    printEntry(newest, options.json, io);
    return EXIT_PASSED;
  }
  const page = await reader.list({
    ...query,
    limit: options.limit,
    ...(options.after !== undefined ? { after: options.after } : {}),
  });
  io.stdout.write(options.json ? runsJson(page) : renderRunLines(page.runs));
  reportUnreadable(page.unreadable, io);
  if (!options.json && page.runs.length === 0)
    io.stderr.write(`rollgate evidence list: no run matches in ${reader.describe()}\n`);
  if (!options.json && page.next !== undefined) {
    io.stderr.write(`More runs: add --after ${printableLine(page.next)} (${page.examined} records read)\n`);
  }
  return EXIT_PASSED;
}

function printEntry(entry: EvidenceEntry, json: boolean, io: CliIo): void {
  io.stdout.write(
    json
      ? `${JSON.stringify(entry.document, null, 2)}\n`
      : renderEvidenceText(buildEvidenceView(entry.document), entry.uri),
  );
}

function reportUnreadable(unreadable: readonly { key: string; problem: string }[], io: CliIo): void {
  for (const entry of unreadable.slice(0, UNREADABLE_SHOWN)) {
    io.stderr.write(`rollgate: skipped ${printableLine(entry.key)}: it ${printableLine(entry.problem)}\n`);
  }
  if (unreadable.length > UNREADABLE_SHOWN) {
    io.stderr.write(`rollgate: skipped ${unreadable.length - UNREADABLE_SHOWN} more objects that are not evidence\n`);
  }
}
