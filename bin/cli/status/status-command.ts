// `rollgate status`: every service and monitor the state store knows, in one table (or JSON), worst first; with
// --watch, redrawn until SIGINT or SIGTERM. Exit 0 when nothing is down, 1 when something is or the state cannot be
// read, 2 for a usage error. The DynamoDB client is imported only for --table.

import { ConfigError, describeError, errorNameOf, PortError } from '../../../lambda/core/errors.ts';
import type { StateStore } from '../../../lambda/core/state/state-store.ts';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { printableLine } from '../evidence/evidence-view-text.ts';
import { createStopSignal, type StopSignal } from '../stop-signal.ts';
import { openStateStore } from '../pause/pause-command.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { describeStateLocation } from '../state-location-flags.ts';
import { STATUS_HELP } from './status-help.ts';
import { readStatusOptions, type StatusOptions } from './status-options.ts';
import { buildStatusReport, STATUS_KINDS, type StatusListings, type StatusReport } from './status-rows.ts';
import { renderStatusTable, statusJson } from './status-table.ts';

const DYNAMODB_CLIENT = '@aws-sdk/client-dynamodb';
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
/** Unreadable items named on stderr, at most. */
const INVALID_SHOWN = 5;

type ReadyOptions = Extract<StatusOptions, { help: false }>;

export async function runStatusCommand(
  argv: readonly string[],
  unredactedIo: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: StatusOptions;
  try {
    options = readStatusOptions(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout.write(STATUS_HELP);
    return EXIT_PASSED;
  }
  let store: StateStore;
  try {
    store = await openStateStore(options.store, io.cwd);
  } catch (error) {
    return reportFailure(error, io);
  }
  if (options.watchMs === undefined) return showOnce(store, options, io);
  const stop = listenForStop();
  try {
    return await watch(store, options, options.watchMs, io, stop);
  } finally {
    stop.dispose();
  }
}

async function showOnce(store: StateStore, options: ReadyOptions, io: CliIo): Promise<number> {
  let report: StatusReport;
  try {
    report = await readReport(store, new Date());
  } catch (error) {
    return reportFailure(error, io);
  }
  io.stdout.write(options.json ? statusJson(report, describeStateLocation(options.store)) : table(report, options, io));
  reportInvalid(report, io);
  return exitCodeOf(report);
}

/** A frame every `everyMs`, each drawn over the last on a terminal; the exit code of the last frame. */
async function watch(store: StateStore, options: ReadyOptions, everyMs: number, io: CliIo, stop: StopSignal) {
  const terminal = isTerminal(io.stdout);
  let code: number = EXIT_PASSED;
  for (let frame = 1; frame <= options.runs && !stop.stopped; frame += 1) {
    const startedMs = Date.now();
    let text: string;
    try {
      const report = await readReport(store, new Date());
      text = table(report, options, io);
      code = exitCodeOf(report);
    } catch (error) {
      // A store that fails once is shown in the frame; the next refresh tries again.
      text = `rollgate status at ${new Date().toISOString()}: ${oneLine(failureText(error))}\n`;
      code = EXIT_FAILED;
    }
    io.stdout.write(terminal ? `${CLEAR_SCREEN}${text}` : `${frame > 1 ? '\n' : ''}${text}`);
    if (frame < options.runs) await stop.wait(Math.max(0, startedMs + everyMs - Date.now()));
  }
  return code;
}

async function readReport(store: StateStore, now: Date): Promise<StatusReport> {
  const results = await Promise.all(STATUS_KINDS.map((kind) => store.list(kind)));
  const listings = Object.fromEntries(STATUS_KINDS.map((kind, index) => [kind, results[index]!])) as StatusListings;
  return buildStatusReport(listings, now);
}

function table(report: StatusReport, options: ReadyOptions, io: CliIo): string {
  // Colour only for a person at a terminal, and never against NO_COLOR (https://no-color.org).
  const color = isTerminal(io.stdout) && (io.env.NO_COLOR ?? '') === '';
  return renderStatusTable(report, { color, store: describeStateLocation(options.store) });
}

function exitCodeOf(report: StatusReport): number {
  return report.rows.some((row) => row.state === 'down') ? EXIT_FAILED : EXIT_PASSED;
}

function reportInvalid(report: StatusReport, io: CliIo): void {
  for (const entry of report.invalid.slice(0, INVALID_SHOWN)) {
    io.stderr.write(
      `rollgate status: skipped state item ${printableLine(entry.key)}: ${printableLine(entry.problem)}\n`,
    );
  }
  if (report.invalid.length > INVALID_SHOWN) {
    io.stderr.write(`rollgate status: skipped ${report.invalid.length - INVALID_SHOWN} more unreadable state items\n`);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  // The npm package leaves the DynamoDB client out (an optional peer): only --table needs it.
  if (
    (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
    describeError(error).includes(DYNAMODB_CLIENT)
  ) {
    io.stderr.write(
      `rollgate status --table needs the AWS SDK's DynamoDB client beside it: npm install ${DYNAMODB_CLIENT} ` +
        `(or npx -p rollgate -p ${DYNAMODB_CLIENT} rollgate status ...)\n`,
    );
    return EXIT_USAGE;
  }
  io.stderr.write(`rollgate status: ${oneLine(failureText(error))}\n`);
  return EXIT_FAILED;
}

function failureText(error: unknown): string {
  const name = error instanceof PortError ? error.errorName : errorNameOf(error);
  const message = error instanceof PortError ? error.message : describeError(error);
  return `${message}${message.includes(name) ? '' : ` (${name})`}`;
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
