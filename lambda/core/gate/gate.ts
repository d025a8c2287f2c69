// The gate: probe every target, decide the verdict, then write the verdict's evidence, alert, roll back once on
// failure, write the rollback's evidence and alert its outcome (finish-run.ts). Evidence always goes before the alert
// that points at it, and a store or notifier that fails is recorded and reported, never allowed to lose the verdict.

import type { GateConfig } from '../config/config-schema.ts';
import { ConfigError, ConfigErrors, SecretResolveError, SecretStoreUnavailableError } from '../errors.ts';
import { buildEvidence, describeVerdict, type EvidenceContext } from '../evidence/evidence.ts';
import { finishRun, problemOf, type GateOutcome, type PortProblem } from './finish-run.ts';
import {
  systemClock,
  type Clock,
  type EvidenceStore,
  type Notifier,
  type RollbackExecutor,
  type SecretSource,
} from './ports.ts';
import { probeTarget, type AddressPolicy, type TargetResult } from '../probe/probe.ts';
import { createRedactor, secretsOfUrl } from '../secrets/redact.ts';
import { resolveHeaders } from '../secrets/resolve-headers.ts';
import { rollbackNotAttempted } from '../rollback/rollback-result.ts';
import { mapBounded } from '../probe/run-bounded.ts';
import { decideVerdict, type Verdict } from '../verdict/verdict.ts';

export interface GatePorts {
  readonly evidenceStore: EvidenceStore;
  readonly notifier: Notifier;
  /** Absent when no rollback is configured. */
  readonly rollbackExecutor?: RollbackExecutor;
  readonly secrets?: SecretSource;
  readonly clock?: Clock;
}

export type { AlertRecord, GateOutcome, PortProblem } from './finish-run.ts';

export interface GateRunOptions {
  /**
   * Faults, found before the gate ran, in what keeps an automatic rollback safe: the store that stops a redelivered
   * deploy event from rolling back twice (and any such state store after it). The gate still probes, records the
   * verdict with the faults and alerts, but takes no automatic rollback: a failed verdict alerts RollbackRequired.
   */
  readonly safetyFaults?: readonly PortProblem[];
  /** Which addresses the probes may reach, chosen by the shell (never by config or events). @default CLI_ADDRESS_POLICY */
  readonly addressPolicy?: AddressPolicy;
}

/** Runs a gate over a validated configuration. Never throws for an unhealthy service or a failing port. */
export async function runGate(
  config: GateConfig,
  context: EvidenceContext,
  ports: GatePorts,
  options: GateRunOptions = {},
): Promise<GateOutcome> {
  const clock = ports.clock ?? systemClock;
  const startedAt = clock.now();
  const t0 = clock.monotonicMs();
  const safetyFaults = options.safetyFaults ?? [];

  let headers: Awaited<ReturnType<typeof resolveHeaders>>;
  try {
    headers = await resolveHeaders(config.targets, ports.secrets);
  } catch (error) {
    if (error instanceof ConfigError && error.cause instanceof SecretStoreUnavailableError) {
      // The secret store is down or out of reach: the prober cannot check, which says nothing of the service.
      const verdict = decideVerdict({ targets: [], storeFault: 'secret_store_unavailable' });
      return recordUnchecked(verdict, describeVerdict(verdict), context, ports, {
        startedAt,
        t0,
        expectedVersion: config.expectedVersion,
        faults: [...safetyFaults, problemOf('secrets', error.cause, createRedactor())],
      });
    }
    if (error instanceof ConfigError || error instanceof ConfigErrors) {
      // A secret the function could not read (missing parameter, denied key) is a fault of its own, named as such.
      const secretFaults =
        error instanceof ConfigError && error.cause instanceof SecretResolveError
          ? [problemOf('secrets', error.cause, createRedactor())]
          : [];
      return recordInvalidConfig(error, context, ports, {
        startedAt,
        t0,
        expectedVersion: config.expectedVersion,
        faults: [...safetyFaults, ...secretFaults],
      });
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
    ...(options.addressPolicy !== undefined ? { addressPolicy: options.addressPolicy } : {}),
  };
  const targets = await mapBounded(config.targets, config.concurrency, (target, index) =>
    probeTarget(target, headers.perTarget[index] ?? {}, settings, redactor),
  );
  const verdict = decideVerdict({ targets });
  const proberUnavailable = verdict.status_reason === 'prober_unavailable';
  const withheld = ports.rollbackExecutor !== undefined && (safetyFaults.length > 0 || proberUnavailable);
  const rollbackPlanned = verdict.status === 'failed' && ports.rollbackExecutor !== undefined && !withheld;
  const document = buildEvidence({
    verdict,
    message: describeVerdict(verdict),
    startedAt,
    finishedAt: clock.now(),
    durationMs: clock.monotonicMs() - t0,
    expectedVersion: config.expectedVersion,
    targets,
    rollback:
      verdict.status !== 'failed'
        ? rollbackNotAttempted('not_needed')
        : withheld
          ? rollbackNotAttempted(
              'withheld',
              proberUnavailable ? PROBER_UNAVAILABLE_DETAIL : withheldDetail(safetyFaults),
            )
          : rollbackNotAttempted(rollbackPlanned ? 'pending' : 'not_configured'),
    context,
    settings: {
      timeout_ms: config.timeoutMs,
      retries: config.retries,
      backoff_ms: config.backoffMs,
      concurrency: config.concurrency,
      max_body_bytes: config.maxBodyBytes,
    },
  });
  const faults = safetyFaults.map((fault) => ({ ...fault, message: redactor.text(fault.message) }));
  return finishRun(document, verdict, withheld ? { ...ports, rollbackExecutor: undefined } : ports, {
    clock,
    t0,
    redactor,
    faults,
    // Nothing says the service is bad when the prober could not check: nobody is asked to roll back.
    skipRollbackRequired: proberUnavailable,
  });
}

const PROBER_UNAVAILABLE_DETAIL =
  'automatic rollback withheld: the prober could not check, which says nothing about the service';

/** Why a rollback was withheld, for the evidence and the RollbackRequired alert; the faults list has the messages. */
function withheldDetail(faults: readonly PortProblem[]): string {
  const named = faults.map((fault) => `the ${fault.port} store (${fault.error_name})`).join(' and ');
  return `automatic rollback withheld: ${named} failed, and without it a rollback cannot be kept to one per deploy; roll back by hand`;
}

interface InvalidConfigRun {
  readonly startedAt?: Date;
  readonly t0?: number;
  readonly expectedVersion?: string | undefined;
  /** Faults found on the way (a secret that could not be read), recorded in the evidence. */
  readonly faults?: readonly PortProblem[];
}

/**
 * Records a configuration the gate could not use as `failed` / `invalid_config`, with the problem as its message:
 * the evidence and the alert still go out, so a broken gate is as visible as a broken service.
 */
export async function recordInvalidConfig(
  error: ConfigError | ConfigErrors,
  context: EvidenceContext,
  ports: GatePorts,
  timing: InvalidConfigRun = {},
): Promise<GateOutcome> {
  const problem = createRedactor().text(error.message);
  const verdict = decideVerdict({ targets: [], configProblem: problem });
  return recordUnchecked(verdict, describeVerdict(verdict, problem), context, ports, timing);
}

/** Records a run that probed nothing (a configuration it could not use, a secret store out of reach). */
async function recordUnchecked(
  verdict: Verdict,
  message: string,
  context: EvidenceContext,
  ports: GatePorts,
  timing: InvalidConfigRun,
): Promise<GateOutcome> {
  const clock = ports.clock ?? systemClock;
  const startedAt = timing.startedAt ?? clock.now();
  const t0 = timing.t0 ?? clock.monotonicMs();
  const redactor = createRedactor();
  const document = buildEvidence({
    verdict,
    message,
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
  const faults = (timing.faults ?? []).map((fault) => ({ ...fault, message: redactor.text(fault.message) }));
  return finishRun(
    document,
    verdict,
    { ...ports, rollbackExecutor: undefined },
    { clock, t0, redactor, skipRollbackRequired: true, faults },
  );
}

/**
 * The credentials written into target URLs (passwords, `?token=` and `#access_token=` values) are secrets too: scrub
 * them literally wherever a server or a rollback command echoes them, under whatever key.
 */
function urlSecretsOf(config: GateConfig): string[] {
  return config.targets.flatMap((target) => secretsOfUrl(target.url));
}

export type { TargetResult };
