// `rollgate monitor`: the config file's monitors, run locally with the scheduled check's engine, thresholds and alerts
// (a line each on stderr, with its severity), state in a directory (default .rollgate/state) and evidence under
// artifacts/checks/<monitor>/. Once (`--once`), or a round every `--every` until SIGINT or SIGTERM, which let the run
// in progress finish. Wiring and pacing only: runGate and the planner decide everything else.

import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ConsoleNotifier } from '../../../lambda/adapters/local/console-notifier.ts';
import { EnvSecretSource } from '../../../lambda/adapters/local/env-secret-source.ts';
import { FsCheckEvidenceStore } from '../../../lambda/adapters/local/fs-check-evidence-store.ts';
import { FsStateStore } from '../../../lambda/adapters/local/fs-state-store.ts';
import { ShellRollbackExecutor } from '../../../lambda/adapters/local/shell-rollback.ts';
import { ConfigError, ConfigErrors } from '../../../lambda/core/errors.ts';
import { ChainedEvidenceStore } from '../../../lambda/core/evidence/chained-evidence-store.ts';
import type { EvidenceContext, EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import { runGate, type GateOutcome, type GatePorts } from '../../../lambda/core/gate/gate.ts';
import { CLI_ADDRESS_POLICY } from '../../../lambda/core/probe/probe.ts';
import {
  EXIT_EVIDENCE_NOT_WRITTEN,
  EXIT_FAILED,
  EXIT_PASSED,
  EXIT_USAGE,
} from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { MONITOR_HELP } from '../help-text.ts';
import { readMonitorOptions, type LocalMonitor, type MonitorOptions } from './monitor-options.ts';
import { createStopSignal, type StopSignal } from '../stop-signal.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { renderMonitorRun } from './render-monitor-run.ts';

type RunnableOptions = Extract<MonitorOptions, { help: false }>;

export async function runMonitorCommand(
  argv: readonly string[],
  unredactedIo: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  let options: MonitorOptions;
  try {
    options = readMonitorOptions(argv, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout.write(MONITOR_HELP);
    return EXIT_PASSED;
  }
  // Only a loop waits for a signal; a single round ends as any command does.
  const stop = options.pace.kind === 'every' ? listenForStop() : NEVER_STOPPED;
  try {
    return await runRounds(options, io, stop);
  } finally {
    stop.dispose();
  }
}

const NEVER_STOPPED: StopSignal = {
  stopped: false,
  abort: new AbortController().signal,
  wait: async () => undefined,
  dispose: () => undefined,
};

/** Round after round, as paced; the exit code of the last round run (0 when a signal ended the loop). */
async function runRounds(options: RunnableOptions, io: CliIo, stop: StopSignal): Promise<number> {
  const state = new FsStateStore({ directory: resolve(io.cwd, options.stateDir) });
  const files = new FsCheckEvidenceStore(resolve(io.cwd, options.evidenceDir));
  // The record as stored, chain link and all, for --json: the run's own document has no link.
  const written: { last?: EvidenceDocument } = {};
  const shared = {
    // Each record names the one before it in its monitor's chain (`rollgate evidence verify --monitor M`).
    evidenceStore: new ChainedEvidenceStore({
      store: {
        locate: (document, stage) => files.locate(document, stage),
        write: async (document, stage) => {
          const location = await files.write(document, stage);
          written.last = document;
          return location;
        },
      },
      state,
    }),
    notifier: new ConsoleNotifier(io.stderr, { severity: true }),
    secrets: new EnvSecretSource(io.env),
    state,
  };
  const ports = options.monitors.map((monitor) => portsOf(monitor, shared, io));
  for (let round = 1; ; round += 1) {
    const startedMs = Date.now();
    const outcomes: GateOutcome[] = [];
    for (const [index, monitor] of options.monitors.entries()) {
      // A signal lets the run in progress finish; the rest of the round is not started.
      if (stop.stopped) return EXIT_PASSED;
      written.last = undefined;
      const outcome = await runMonitor(monitor, ports[index]!);
      outcomes.push(outcome);
      report(outcome, written.last ?? outcome.evidence, options.json, io);
    }
    const pace = options.pace;
    if (pace.kind === 'once' || (pace.runs !== undefined && round >= pace.runs)) return exitCodeOf(outcomes);
    // Rounds start every `everyMs`; one that took longer is followed at once.
    await stop.wait(Math.max(0, startedMs + pace.everyMs - Date.now()));
    if (stop.stopped) return EXIT_PASSED;
  }
}

function portsOf(monitor: LocalMonitor, shared: GatePorts, io: CliIo): GatePorts {
  const rollback = monitor.rollback;
  const scope = monitor.check.rollback?.scope;
  if (rollback === undefined || scope === undefined) return shared;
  // The gate's rollback environment, and the service this monitor rolls back (a check has no deploy record to say it).
  const env = {
    ...io.env,
    ROLLGATE_SERVICE: scope.service,
    ROLLGATE_ENVIRONMENT: scope.environment,
    ROLLGATE_MONITOR: monitor.check.monitor,
  } as NodeJS.ProcessEnv;
  const executor = new ShellRollbackExecutor({
    command: rollback.command,
    timeoutMs: rollback.timeoutMs,
    cwd: io.cwd,
    env,
  });
  return { ...shared, rollbackExecutor: executor };
}

function runMonitor(monitor: LocalMonitor, ports: GatePorts): Promise<GateOutcome> {
  const { check } = monitor;
  const runId = `monitor-${randomUUID()}`;
  const context: EvidenceContext = {
    kind: 'check',
    monitor: check.monitor,
    run_id: runId,
    ...(check.service !== undefined ? { service: check.service } : {}),
    ...(check.environment !== undefined ? { environment: check.environment } : {}),
  };
  return runGate(check.gateConfig, context, ports, { addressPolicy: CLI_ADDRESS_POLICY, policy: check.policy, runId });
}

function report(outcome: GateOutcome, record: EvidenceDocument, json: boolean, io: CliIo): void {
  const last = outcome.locations.delivery ?? outcome.locations.rollback ?? outcome.locations.verdict;
  // One document a line, so a consumer reads the stream record by record.
  io.stdout.write(json ? `${JSON.stringify(record)}\n` : renderMonitorRun(outcome.evidence, last?.uri, io.cwd));
  if (!outcome.evidenceWritten) {
    io.stderr.write(`rollgate: evidence of ${outcome.evidence.context.monitor} could not be written (see above)\n`);
  }
}

/**
 * 4 when a record could not be written (as the gate); 1 when a monitor is down after its run, or its state could not
 * be kept (a monitor that cannot remember cannot tell up from down); else 0, up or unknown alike.
 */
function exitCodeOf(outcomes: readonly GateOutcome[]): number {
  if (outcomes.some((outcome) => !outcome.evidenceWritten)) return EXIT_EVIDENCE_NOT_WRITTEN;
  const troubled = outcomes.some(({ evidence: { state } }) => {
    if (state === undefined || state.store === 'unavailable' || !state.written) return true;
    return state.monitor?.state === 'down';
  });
  return troubled ? EXIT_FAILED : EXIT_PASSED;
}
