// The deploy flow run in-process with local adapters: the evidence directory (health-gate.json/env, rewritten by each
// record), alerts as lines on stderr, header secrets from the environment, the rollback command under /bin/sh, and
// with a state directory the service's versions, lock, pause and approval item. `rollgate gate --window` runs it, and
// `rollgate deploy --local` through runDeployLocally. Prints the flow as it goes (a line per round, one updated line on
// a terminal, nothing with --json), then the summary, and answers the CI contract's exit code.

import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ConsoleNotifier } from '../../../lambda/adapters/local/console-notifier.ts';
import { EnvSecretSource } from '../../../lambda/adapters/local/env-secret-source.ts';
import { FsEvidenceStore } from '../../../lambda/adapters/local/fs-evidence-store.ts';
import { FsStateStore } from '../../../lambda/adapters/local/fs-state-store.ts';
import { ShellRollbackExecutor } from '../../../lambda/adapters/local/shell-rollback.ts';
import type { GateConfig } from '../../../lambda/core/config/config-schema.ts';
import type { DeployPorts } from '../../../lambda/core/deploy/deploy-ports.ts';
import type { DeployProgress } from '../../../lambda/core/deploy/deploy-progress.ts';
import { driveDeploy } from '../../../lambda/core/deploy/drive-deploy.ts';
import { verdictCounts } from '../../../lambda/core/deploy/window-verdict.ts';
import { startDeploy, type DeployRegistration, type DeployStart } from '../../../lambda/core/deploy/start-deploy.ts';
import { shellQuote } from '../../../lambda/core/evidence/env-file.ts';
import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { GateOutcome } from '../../../lambda/core/gate/gate.ts';
import {
  systemClock,
  type Clock,
  type EvidenceLocation,
  type EvidenceStage,
  type EvidenceStore,
} from '../../../lambda/core/gate/ports.ts';
import { CLI_ADDRESS_POLICY } from '../../../lambda/core/probe/probe.ts';
import { exitCodeFor, exitCodeForInterruption } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { progressLinesOf } from './local-deploy-lines.ts';
import { DEFAULT_STATE_DIR } from '../state-location-flags.ts';
import { reportGateOutcome } from '../gate/report-gate-outcome.ts';
import { createStopSignal, stopSignalOf, type StopSignal } from '../stop-signal.ts';
import { sleep } from '../../../lambda/core/sleep.ts';

export interface LocalDeploySetup {
  /** Who and what: the run id is made here when not given. */
  readonly start: Omit<DeployStart, 'run_id'> & { readonly run_id?: string };
  readonly registration: DeployRegistration;
  /** What to probe, with its budget. */
  readonly gate: GateConfig;
  /** The shell rollback, when there is one. */
  readonly rollback?: { readonly command: string; readonly timeoutMs: number } | undefined;
  /** As the user gave it, relative to io.cwd. */
  readonly evidenceDir: string;
  /** As the user gave it; without it nothing is remembered (no lock, no known-good versions, no approval). */
  readonly stateDir?: string | undefined;
  readonly json: boolean;
  readonly failOnSkipped: boolean;
  /** Put before every progress line: a release's component. */
  readonly label?: string | undefined;
}

/** For tests: a clock and a sleep that move together, and the signals that stop the flow. @default the system's */
export interface LocalDeployTiming {
  readonly clock: Clock;
  /** Waits `ms`, or less when `interrupt` aborts meanwhile. */
  readonly sleep: (ms: number, interrupt?: AbortSignal) => Promise<void>;
  /** @default SIGINT and SIGTERM to this process */
  readonly listenForStop?: () => StopSignal;
}

const SYSTEM_TIMING: LocalDeployTiming = {
  clock: systemClock,
  sleep,
};

/**
 * Runs the flow to its end and prints it; answers the exit code (0 passed, 1 failed, 3 skipped under
 * --fail-on-skipped, 130 or 143 when SIGINT or SIGTERM stopped the window before its verdict).
 */
export async function runLocalDeploy(
  setup: LocalDeploySetup,
  io: CliIo,
  timing: LocalDeployTiming = SYSTEM_TIMING,
): Promise<number> {
  // A cancelled CI job (SIGINT, then SIGTERM) or Ctrl-C ends a window before its verdict as interrupted (its round in
  // flight cut short), recorded; past the verdict the rollback and its verification run to their end. A second
  // signal ends the process at once.
  const stop = (timing.listenForStop ?? createStopSignal)();
  const evidenceStore = new CapturingEvidenceStore(new FsEvidenceStore(resolve(io.cwd, setup.evidenceDir)));
  const state =
    setup.stateDir !== undefined ? new FsStateStore({ directory: resolve(io.cwd, setup.stateDir) }) : undefined;
  const ports: DeployPorts = {
    gate: setup.gate,
    evidenceStore,
    notifier: new ConsoleNotifier(io.stderr),
    secrets: new EnvSecretSource(io.env),
    clock: timing.clock,
    addressPolicy: CLI_ADDRESS_POLICY,
    interrupt: stop.abort,
    ...(state !== undefined ? { state } : {}),
    ...(setup.rollback !== undefined
      ? {
          rollbackExecutor: new ShellRollbackExecutor({
            command: setup.rollback.command,
            timeoutMs: setup.rollback.timeoutMs,
            cwd: io.cwd,
            env: io.env as NodeJS.ProcessEnv,
          }),
        }
      : {}),
    // The approve command given in the alert reaches the same directory from the same place.
    ...(setup.stateDir !== undefined && setup.stateDir !== DEFAULT_STATE_DIR
      ? { approvalStoreArgs: `--state-dir ${quotedIfNeeded(setup.stateDir)}` }
      : {}),
  };
  const printer = new ProgressPrinter(io.stdout, setup.json, setup.label);
  const sayStopping = (): void => {
    printer.end();
    io.stderr.write(
      `rollgate: ${stopSignalOf(stop.abort)}: stopping; a window before its verdict is recorded as interrupted, a rollback and its verification under way are let finish (signal again to end now)\n`,
    );
  };
  stop.abort.addEventListener('abort', sayStopping, { once: true });
  try {
    const first = await startDeploy(
      { ...setup.start, run_id: setup.start.run_id ?? `cli-${randomUUID()}` },
      setup.registration,
      ports,
    );
    const { progress, response } = await driveDeploy(first, ports, {
      sleep: timing.sleep,
      onStep: (step, answer) => printer.print(progressLinesOf(step, answer)),
      interrupt: stop.abort,
    });
    printer.end();
    const document = evidenceStore.last;
    if (document !== undefined) {
      reportGateOutcome(outcomeOf(progress, document, evidenceStore.locations), setup.json, io);
    }
    if (response.status_reason === 'interrupted') return exitCodeForInterruption(stopSignalOf(stop.abort));
    return exitCodeFor(response, { failOnSkipped: setup.failOnSkipped, evidenceWritten: response.evidence_written });
  } finally {
    stop.abort.removeEventListener('abort', sayStopping);
    stop.dispose();
  }
}

/** The gate's outcome, as its summary and --json read it, from the flow's progress and its last record. */
function outcomeOf(
  progress: DeployProgress,
  document: EvidenceDocument,
  locations: Partial<Record<EvidenceStage, EvidenceLocation>>,
): GateOutcome {
  const verdict = progress.verdict!;
  return {
    verdict: verdictCounts(verdict),
    evidence: document,
    locations,
    evidenceWritten: progress.evidence_written,
    alerts: progress.alerts.map((alert) => ({ ...alert, delivered: alert.delivered === true })),
    problems: progress.faults.map((fault) => ({ ...fault, cause: undefined })),
  };
}

/** Keeps the last record written (or tried), for the summary and --json, and where each stage's record went. */
class CapturingEvidenceStore implements EvidenceStore {
  public last: EvidenceDocument | undefined;
  public readonly locations: Partial<Record<EvidenceStage, EvidenceLocation>> = {};

  public constructor(private readonly store: FsEvidenceStore) {}

  public locate(document: EvidenceDocument, stage: EvidenceStage): string | undefined {
    return this.store.locate(document, stage);
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    this.last = document;
    const location = await this.store.write(document, stage);
    this.locations[stage] = location;
    return location;
  }
}

/** Progress lines: one per line in a log; on a terminal, a round's line is rewritten in place by the next. */
export class ProgressPrinter {
  private readonly tty: boolean;
  private open = false;

  public constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly quiet: boolean,
    private readonly label: string | undefined,
  ) {
    this.tty = (stream as { isTTY?: boolean }).isTTY === true;
  }

  public print(lines: readonly { readonly text: string; readonly round: boolean }[]): void {
    if (this.quiet) return;
    const prefix = this.label !== undefined ? `${this.label}: ` : '';
    for (const line of lines) {
      if (this.tty && line.round) {
        this.stream.write(`\r\x1b[K${prefix}${line.text}`);
        this.open = true;
        continue;
      }
      this.end();
      this.stream.write(`${prefix}${line.text}\n`);
    }
  }

  /** Ends a round's line left open on a terminal. */
  public end(): void {
    if (!this.open) return;
    this.stream.write('\n');
    this.open = false;
  }
}

function quotedIfNeeded(path: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(path) ? path : shellQuote(path);
}
