// The gate: probe every target, decide the verdict, write the verdict's evidence, alert, roll back once on failure,
// write the rollback's evidence and alert its outcome. Evidence always goes before the alert that points at it, and a
// store or notifier that fails is recorded and reported, never allowed to lose the verdict.

import {
  evidenceWriteFailedAlert,
  rollbackAlert,
  rollbackRequiredAlert,
  verdictAlert,
  type Alert,
  type AlertType,
} from './alerts.ts';
import type { GateConfig } from './config-schema.ts';
import { ConfigError, ConfigErrors, errorMessageOf, errorNameOf } from './errors.ts';
import {
  buildEvidence,
  describeVerdict,
  withRollback,
  type EvidenceContext,
  type EvidenceDocument,
} from './evidence.ts';
import {
  systemClock,
  type Clock,
  type EvidenceLocation,
  type EvidenceStage,
  type EvidenceStore,
  type Notifier,
  type RollbackExecutor,
  type SecretSource,
} from './ports.ts';
import { probeTarget, type TargetResult } from './probe.ts';
import { createRedactor, secretsOfUrl, tailOf, type Redactor } from './redact.ts';
import { resolveHeaders } from './resolve-headers.ts';
import {
  rollbackNotAttempted,
  rollbackSendFailed,
  ROLLBACK_OUTPUT_TAIL_BYTES,
  type RollbackResult,
} from './rollback-result.ts';
import { mapBounded } from './run-bounded.ts';
import { decideVerdict, type Verdict } from './verdict.ts';

export interface GatePorts {
  readonly evidenceStore: EvidenceStore;
  readonly notifier: Notifier;
  /** Absent when no rollback is configured. */
  readonly rollbackExecutor?: RollbackExecutor;
  readonly secrets?: SecretSource;
  readonly clock?: Clock;
}

export interface AlertRecord {
  readonly type: AlertType;
  readonly subject: string;
  readonly delivered: boolean;
  readonly error?: string;
}

/** A problem with the infrastructure behind a port, recorded so the shell can log and surface it. */
export interface PortProblem {
  readonly port: 'evidence' | 'alert' | 'rollback';
  readonly error_name: string;
  readonly message: string;
  readonly cause: unknown;
}

export interface GateOutcome {
  readonly verdict: Verdict;
  /** The most complete evidence document of the run (the rollback record when there was one). */
  readonly evidence: EvidenceDocument;
  readonly locations: { readonly verdict?: EvidenceLocation; readonly rollback?: EvidenceLocation };
  readonly evidenceWritten: boolean;
  readonly alerts: readonly AlertRecord[];
  readonly problems: readonly PortProblem[];
}

/** Runs a gate over a validated configuration. Never throws for an unhealthy service or a failing port. */
export async function runGate(config: GateConfig, context: EvidenceContext, ports: GatePorts): Promise<GateOutcome> {
  const clock = ports.clock ?? systemClock;
  const startedAt = clock.now();
  const t0 = clock.monotonicMs();

  let headers: Awaited<ReturnType<typeof resolveHeaders>>;
  try {
    headers = await resolveHeaders(config.targets, ports.secrets);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigErrors) {
      return recordInvalidConfig(error, context, ports, { startedAt, t0, expectedVersion: config.expectedVersion });
    }
    throw error;
  }
  const redactor = createRedactor([...headers.secretValues, ...urlSecretsOf(config)]);
  const settings = {
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
    maxBodyBytes: config.maxBodyBytes,
    expectedVersion: config.expectedVersion,
  };
  const targets = await mapBounded(config.targets, config.concurrency, (target, index) =>
    probeTarget(target, headers.perTarget[index] ?? {}, settings, redactor),
  );
  const verdict = decideVerdict({ targets });
  const rollbackPlanned = verdict.status === 'failed' && ports.rollbackExecutor !== undefined;
  const document = buildEvidence({
    verdict,
    message: describeVerdict(verdict),
    startedAt,
    finishedAt: clock.now(),
    durationMs: clock.monotonicMs() - t0,
    expectedVersion: config.expectedVersion,
    targets,
    rollback: rollbackNotAttempted(
      verdict.status !== 'failed' ? 'not_needed' : rollbackPlanned ? 'pending' : 'not_configured',
    ),
    context,
    settings: {
      timeout_ms: config.timeoutMs,
      retries: config.retries,
      backoff_ms: config.backoffMs,
      concurrency: config.concurrency,
      max_body_bytes: config.maxBodyBytes,
    },
  });
  return finishRun(document, verdict, ports, { clock, t0, redactor });
}

interface InvalidConfigTiming {
  readonly startedAt?: Date;
  readonly t0?: number;
  readonly expectedVersion?: string | undefined;
}

/**
 * Records a configuration the gate could not use as `failed` / `invalid_config`, with the problem as its message:
 * the evidence and the alert still go out, so a broken gate is as visible as a broken service.
 */
export async function recordInvalidConfig(
  error: ConfigError | ConfigErrors,
  context: EvidenceContext,
  ports: GatePorts,
  timing: InvalidConfigTiming = {},
): Promise<GateOutcome> {
  const clock = ports.clock ?? systemClock;
  const startedAt = timing.startedAt ?? clock.now();
  const t0 = timing.t0 ?? clock.monotonicMs();
  const redactor = createRedactor();
  const problem = redactor.text(error.message);
  const verdict = decideVerdict({ targets: [], configProblem: problem });
  const document = buildEvidence({
    verdict,
    message: describeVerdict(verdict, problem),
    startedAt,
    finishedAt: clock.now(),
    durationMs: clock.monotonicMs() - t0,
    expectedVersion: timing.expectedVersion,
    targets: [],
    rollback: rollbackNotAttempted('not_needed'),
    context,
    settings: null,
  });
  // A gate that could not check never triggers a rollback: nothing says the deploy is bad.
  return finishRun(
    document,
    verdict,
    { ...ports, rollbackExecutor: undefined },
    { clock, t0, redactor, skipRollbackRequired: true },
  );
}

interface FinishOptions {
  readonly clock: Clock;
  readonly t0: number;
  readonly redactor: Redactor;
  readonly skipRollbackRequired?: boolean;
}

async function finishRun(
  document: EvidenceDocument,
  verdict: Verdict,
  ports: GatePorts,
  options: FinishOptions,
): Promise<GateOutcome> {
  const problems: PortProblem[] = [];
  const alerts: AlertRecord[] = [];
  const locations: { verdict?: EvidenceLocation; rollback?: EvidenceLocation } = {};

  const write = async (doc: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation | undefined> => {
    try {
      return await ports.evidenceStore.write(doc, stage);
    } catch (error) {
      problems.push(problemOf('evidence', error, options.redactor));
      await send(evidenceWriteFailedAlert(doc, options.redactor.text(errorMessageOf(error))));
      return undefined;
    }
  };
  const send = async (alert: Alert): Promise<void> => {
    try {
      await ports.notifier.notify(alert);
      alerts.push({ type: alert.type, subject: alert.subject, delivered: true });
    } catch (error) {
      const problem = problemOf('alert', error, options.redactor);
      problems.push(problem);
      alerts.push({ type: alert.type, subject: alert.subject, delivered: false, error: problem.message });
    }
  };

  locations.verdict = await write(document, 'verdict');
  let evidenceWritten = locations.verdict !== undefined;
  let finalDocument = document;

  if (verdict.status === 'failed') {
    const executor = ports.rollbackExecutor;
    await send(verdictAlert(document, locations.verdict?.uri ?? null, executor !== undefined));
    if (executor === undefined && document.kind === 'deploy' && !options.skipRollbackRequired) {
      await send(rollbackRequiredAlert(document, locations.verdict?.uri ?? null));
    }
    if (executor !== undefined) {
      const rollback = await runRollback(executor, document, options.redactor, problems);
      finalDocument = withRollback(
        document,
        rollback,
        options.clock.now(),
        options.clock.monotonicMs() - options.t0,
        locations.verdict?.uri,
      );
      locations.rollback = await write(finalDocument, 'rollback');
      evidenceWritten = evidenceWritten && locations.rollback !== undefined;
      await send(rollbackAlert(finalDocument, locations.rollback?.uri ?? locations.verdict?.uri ?? null));
    }
  }
  return { verdict, evidence: finalDocument, locations, evidenceWritten, alerts, problems };
}

/** Runs the rollback once. An executor that throws is recorded as `send_failed`, never propagated. */
async function runRollback(
  executor: RollbackExecutor,
  document: EvidenceDocument,
  redactor: Redactor,
  problems: PortProblem[],
): Promise<RollbackResult> {
  const started = performance.now();
  try {
    const result = await executor.run({
      status: document.status,
      status_reason: document.status_reason,
      failed_urls: document.targets.filter((target) => !target.ok).map((target) => target.url),
      expected_version: document.expected_version,
      ...(document.context.deploy ? { deploy: document.context.deploy } : {}),
    });
    return {
      ...result,
      executor: redactor.text(result.executor ?? executor.describe()),
      output_tail:
        result.output_tail === null ? null : redactor.text(tailOf(result.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
      ...(result.detail !== undefined ? { detail: redactor.text(result.detail) } : {}),
      // Per-host output (SSM) reaches evidence and alerts too, so it gets the same tail cap and redaction.
      ...(result.hosts !== undefined
        ? {
            hosts: result.hosts.map((host) => ({
              ...host,
              output_tail: redactor.text(tailOf(host.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
            })),
          }
        : {}),
    };
  } catch (error) {
    const problem = problemOf('rollback', error, redactor);
    problems.push(problem);
    return rollbackSendFailed(started, redactor.text(executor.describe()), `${problem.error_name}: ${problem.message}`);
  }
}

/**
 * The credentials written into target URLs (passwords, `?token=` and `#access_token=` values) are secrets too: scrub
 * them literally wherever a server or a rollback command echoes them, under whatever key.
 */
function urlSecretsOf(config: GateConfig): string[] {
  return config.targets.flatMap((target) => secretsOfUrl(target.url));
}

function problemOf(port: PortProblem['port'], error: unknown, redactor: Redactor): PortProblem {
  const errorName =
    typeof error === 'object' && error !== null && 'errorName' in error && typeof error.errorName === 'string'
      ? error.errorName
      : errorNameOf(error);
  return { port, error_name: errorName, message: redactor.text(errorMessageOf(error)), cause: error };
}

export type { TargetResult };
