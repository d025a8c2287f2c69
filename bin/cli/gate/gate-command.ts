// `rollgate gate`: wires the engine to local adapters (files, /bin/sh, stderr, the environment and, with --state-dir,
// a state directory) and maps the outcome to the CI contract's exit codes. With --window it runs the deploy flow
// in-process (local-deploy.ts) instead of the one-shot gate. No health logic lives here.

import { randomUUID } from 'node:crypto';
import { ConsoleNotifier } from '../../../lambda/adapters/local/console-notifier.ts';
import { EnvSecretSource } from '../../../lambda/adapters/local/env-secret-source.ts';
import { FsEvidenceStore } from '../../../lambda/adapters/local/fs-evidence-store.ts';
import { FsGateHistoryEvidenceStore } from '../../../lambda/adapters/local/fs-gate-history-evidence-store.ts';
import { FsStateStore } from '../../../lambda/adapters/local/fs-state-store.ts';
import { ShellRollbackExecutor } from '../../../lambda/adapters/local/shell-rollback.ts';
import { ciContextFromEnv } from '../../../lambda/core/evidence/ci-context.ts';
import { ConfigError, ConfigErrors } from '../../../lambda/core/errors.ts';
import { ChainedEvidenceStore } from '../../../lambda/core/evidence/chained-evidence-store.ts';
import type { EvidenceContext } from '../../../lambda/core/evidence/evidence.ts';
import { recordInvalidConfig, runGate } from '../../../lambda/core/gate/gate.ts';
import { CLI_ADDRESS_POLICY } from '../../../lambda/core/probe/probe.ts';
import { redactSecretsInText, redactUrl } from '../../../lambda/core/secrets/redact.ts';
import {
  EXIT_PASSED,
  EXIT_SKIPPED_NOT_ALLOWED,
  EXIT_USAGE,
  exitCodeFor,
  exitCodeForInterruption,
} from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { evidenceDirFromArgv, readGateOptions, type GateOptions } from './gate-options.ts';
import { GATE_HELP } from '../help-text.ts';
import { runLocalDeploy } from '../deploy/local-deploy.ts';
import { createStopSignal, stopSignalOf, type StopSignal } from '../stop-signal.ts';
import { withRedactedStderr } from '../redacted-io.ts';
import { reportGateOutcome } from './report-gate-outcome.ts';
import { resolve } from 'node:path';

export async function runGateCommand(
  argv: readonly string[],
  unredactedIo: CliIo,
  listenForStop: () => StopSignal = createStopSignal,
): Promise<number> {
  const io = withRedactedStderr(unredactedIo);
  const context: EvidenceContext = { kind: 'gate', ci: ciContextFromEnv(io.env) };
  const notifier = new ConsoleNotifier(io.stderr);
  let options: GateOptions;
  try {
    options = readGateOptions(argv, io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    io.stderr.write(`rollgate: ${error.message}\n`);
    if (argv.includes('--dry-run')) return EXIT_USAGE;
    const store = new FsEvidenceStore(resolve(io.cwd, evidenceDirFromArgv(argv)));
    const outcome = await recordInvalidConfig(error, context, { evidenceStore: store, notifier });
    reportGateOutcome(outcome, argv.includes('--json'), io);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout.write(GATE_HELP);
    return EXIT_PASSED;
  }

  const command = options.config.rollback?.command;
  const rollbackExecutor =
    command === undefined
      ? undefined
      : new ShellRollbackExecutor({
          command,
          timeoutMs: options.config.rollback?.timeoutMs ?? 300_000,
          cwd: io.cwd,
          env: io.env as NodeJS.ProcessEnv,
        });

  if (options.dryRun) return dryRun(options, rollbackExecutor, io);
  if (options.window !== undefined) return gateOverWindow(options, context, io);

  const store = new FsEvidenceStore(resolve(io.cwd, options.evidenceDir));
  // With --state-dir the run remembers (versions, the rollback lock, pauses) and keeps each record in a file of its
  // own, chained to the service's records before it; without, it is judged alone and writes the CI contract's files.
  const state =
    options.stateDir !== undefined ? new FsStateStore({ directory: resolve(io.cwd, options.stateDir) }) : undefined;
  // A cancelled CI job (SIGINT, then SIGTERM) or Ctrl-C: the probes end at once and the run is recorded as
  // interrupted, so the job's files say so instead of nothing (or the previous run's verdict). Past the verdict, the
  // rollback it decided runs to its end; a second signal ends the process at once.
  const stop = listenForStop();
  const sayStopping = (): void => {
    io.stderr.write(
      `rollgate: ${stopSignalOf(stop.abort)}: stopping; a run before its verdict is recorded as interrupted, a rollback under way is let finish (signal again to end now)\n`,
    );
  };
  stop.abort.addEventListener('abort', sayStopping, { once: true });
  const outcome = await runGate(
    options.config,
    options.service !== undefined ? { ...context, ...options.service } : context,
    {
      evidenceStore:
        state !== undefined ? new ChainedEvidenceStore({ store: new FsGateHistoryEvidenceStore(store), state }) : store,
      notifier,
      secrets: new EnvSecretSource(io.env),
      ...(rollbackExecutor ? { rollbackExecutor } : {}),
      ...(state !== undefined ? { state } : {}),
    },
    { addressPolicy: CLI_ADDRESS_POLICY, runId: `cli-${randomUUID()}`, interrupt: stop.abort },
  ).finally(() => {
    stop.abort.removeEventListener('abort', sayStopping);
    stop.dispose();
  });
  reportGateOutcome(outcome, options.json, io);
  if (outcome.verdict.status_reason === 'interrupted') return exitCodeForInterruption(stopSignalOf(stop.abort));
  return exitCodeFor(outcome.verdict, {
    failOnSkipped: options.config.failOnSkipped,
    evidenceWritten: outcome.evidenceWritten,
  });
}

/** `rollgate gate --window`: the deploy flow in-process, with the gate's own settings and the window's. */
function gateOverWindow(options: GateOptions, context: EvidenceContext, io: CliIo): Promise<number> {
  const { config } = options;
  const window = options.window!;
  const command = config.rollback?.command;
  const timeoutMs = config.rollback?.timeoutMs ?? 300_000;
  return runLocalDeploy(
    {
      start: {
        kind: 'gate',
        ...(context.ci !== undefined ? { ci: context.ci } : {}),
        ...(options.service !== undefined ? { scope: options.service } : {}),
        ...(config.expectedVersion !== undefined ? { expected_version: config.expectedVersion } : {}),
      },
      registration: {
        window: window.policy,
        rollback: {
          mode: window.rollbackMode,
          waitSeconds: Math.ceil(timeoutMs / 1000),
          approvalTimeoutMinutes: window.approvalTimeoutMinutes,
        },
      },
      gate: config,
      ...(command !== undefined ? { rollback: { command, timeoutMs } } : {}),
      evidenceDir: options.evidenceDir,
      stateDir: options.stateDir,
      json: options.json,
      failOnSkipped: config.failOnSkipped,
    },
    io,
  );
}

/**
 * Says what a run would do and checks the rollback program exists; probes nothing and runs nothing. Exits as the run
 * would where it can tell without probing: 2 for a missing rollback program, 3 for no targets under --fail-on-skipped
 * (so a "fail early" preflight on the main branch fails early).
 */
function dryRun(options: GateOptions, rollback: ShellRollbackExecutor | undefined, io: CliIo): number {
  const { config } = options;
  const lines = ['Dry run: nothing probed, nothing run.'];
  let code = EXIT_PASSED;
  if (config.targets.length === 0) {
    if (config.failOnSkipped) code = EXIT_SKIPPED_NOT_ALLOWED;
    lines.push(
      `Targets: none -> the gate would be skipped/no_urls_configured${config.failOnSkipped ? ' (exit 3, --fail-on-skipped)' : ''}`,
    );
  } else {
    lines.push(
      `Targets (${config.targets.length}), ${config.retries + 1} attempt(s) each, ${config.timeoutMs} ms per attempt, ${config.concurrency} at once:`,
    );
    for (const target of config.targets) {
      const headerNames = Object.keys(target.headers ?? {});
      lines.push(`  ${redactUrl(target.url)}${headerNames.length ? ` (headers: ${headerNames.join(', ')})` : ''}`);
    }
  }
  lines.push(`Expected version: ${config.expectedVersion ?? 'any'}`);
  const window = options.window?.policy;
  if (window !== undefined) {
    lines.push(
      `Window: ${window.windowSeconds} s, a round every ${window.intervalSeconds} s, warm-up ${window.warmupSeconds} s, ` +
        `bake ${window.bakeSeconds} s; passes on ${window.successThreshold} healthy round(s) in a row, fails on ` +
        `${window.failureThreshold} failing; a rollback is verified over ${window.verifySeconds} s`,
    );
  }
  lines.push(`Evidence: ${resolve(io.cwd, options.evidenceDir)}/health-gate.{json,env}`);
  if (options.stateDir !== undefined && options.service !== undefined) {
    const { service, environment } = options.service;
    lines.push(
      `State: ${resolve(io.cwd, options.stateDir)} (${service}/${environment}: versions, rollback lock, pause)`,
    );
  }
  if (rollback === undefined) {
    lines.push('Rollback: not configured');
  } else {
    const check = rollback.checkProgram();
    // The command may carry a credential (`curl -H "Authorization: Bearer …"`); the evidence redacts it, so does this.
    lines.push(`Rollback on failure: ${redactSecretsInText(rollback.describe())}`);
    lines.push(
      check.found
        ? `  program ${JSON.stringify(check.program)} found (${check.resolved})`
        : `  program ${JSON.stringify(check.program)} NOT FOUND`,
    );
    if (!check.found) {
      io.stderr.write(`rollgate: rollback command: program ${JSON.stringify(check.program)} was not found\n`);
      code = EXIT_USAGE;
    }
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
