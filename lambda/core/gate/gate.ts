// The gate: judge -> plan -> act. Read what earlier runs left (one batched read), probe every target, decide the
// verdict (verdict/), let the planner decide what follows (plan/), store what it decided, then write the verdict's
// evidence, alert, roll back under the lock, write the rollback's evidence and alert its outcome (finish-run.ts).
// Evidence always goes before the alert that points at it, and a store or notifier that fails is recorded and
// reported, never allowed to lose the verdict.

import type { GateConfig } from '../config/config-schema.ts';
import { ConfigError, ConfigErrors, SecretResolveError, SecretStoreUnavailableError } from '../errors.ts';
import { buildEvidence, describeVerdict, type EvidenceContext } from '../evidence/evidence.ts';
import { withMemory } from '../evidence/evidence-state.ts';
import { deployedVersionOf } from '../plan/deployed-version.ts';
import { expectedVersionFor } from '../plan/expected-version.ts';
import { planPolicy, type PlanPolicyInput } from '../plan/plan-policy.ts';
import { plannedAlert } from '../plan/planned-alert.ts';
import { planRun } from '../plan/plan-run.ts';
import type { PlanRunInput, PriorState, ServiceScope } from '../plan/run-plan.ts';
import { finishRun, problemOf, type GateOutcome, type PortProblem } from './finish-run.ts';
import { plannedRollbackResult } from './planned-rollback-result.ts';
import {
  systemClock,
  type Clock,
  type EvidenceStore,
  type Notifier,
  type RollbackExecutor,
  type SecretSource,
} from './ports.ts';
import { RunMemory } from './run-memory.ts';
import { probeTarget, type AddressPolicy, type TargetResult } from '../probe/probe.ts';
import { createRedactor, secretsOfUrl } from '../secrets/redact.ts';
import { resolveHeaders, type ResolvedHeaders } from '../secrets/resolve-headers.ts';
import { rollbackNotAttempted } from '../rollback/rollback-result.ts';
import { mapBounded } from '../probe/run-bounded.ts';
import type { StateStore } from '../state/state-store.ts';
import { decideVerdict, type Verdict } from '../verdict/verdict.ts';
import { isVersionOnlyFailure } from '../verdict/version-only-failure.ts';

export interface GatePorts {
  readonly evidenceStore: EvidenceStore;
  readonly notifier: Notifier;
  /** Absent when no rollback is configured. */
  readonly rollbackExecutor?: RollbackExecutor;
  readonly secrets?: SecretSource;
  readonly clock?: Clock;
  /**
   * Where runs remember (a monitor's state, a service's deployed and known-good versions, its rollback lock and
   * pause). Absent: every run is judged on its own, exactly as before runs had state.
   */
  readonly state?: StateStore;
}

export type { AlertRecord, GateOutcome, PortProblem } from './finish-run.ts';

export interface GateRunOptions {
  /**
   * Faults, found before the gate ran, in what keeps an automatic rollback safe: the store that stops a redelivered
   * deploy event from rolling back twice. The gate still probes, records the verdict with the faults and alerts, but
   * takes no automatic rollback: a failed verdict alerts RollbackRequired.
   */
  readonly safetyFaults?: readonly PortProblem[];
  /** Which addresses the probes may reach, chosen by the shell (never by config or events). @default CLI_ADDRESS_POLICY */
  readonly addressPolicy?: AddressPolicy;
  /**
   * How a failure is followed: the rollback mode, a monitor's thresholds and reminders, the cooldown, the lock's hold.
   * @default auto rollback when there is an executor (off without), the planner's defaults for the rest
   */
  readonly policy?: Partial<PlanPolicyInput>;
  /** Who this run is: the rollback lock's owner. @default the deploy's event id, else the context's run_id */
  readonly runId?: string;
  /**
   * Aborted (with the signal's name as its reason) to stop the run: probes in flight end at once and, when that
   * comes before the verdict, the run records `failed` / `interrupted` with nothing judged, nothing remembered and
   * nothing rolled back. Once the verdict is decided the run goes on to its end: the rollback it decided is not cut.
   */
  readonly interrupt?: AbortSignal;
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
  const scope = scopeOf(context);
  const urlRedactor = createRedactor(urlSecretsOf(config));

  // Memory first: a monitor on a service expects the version last deployed there.
  const memory =
    ports.state !== undefined
      ? new RunMemory(ports.state, { monitor: context.monitor, service: scope }, clock, urlRedactor)
      : undefined;
  const prior: PriorState = memory !== undefined ? await memory.read() : { store: 'none' };
  const expected = expectedVersionFor({ configured: config.expectedVersion, kind: context.kind, prior, scope });

  let headers: ResolvedHeaders | undefined;
  const earlyFaults: PortProblem[] = [];
  try {
    headers = await resolveHeaders(config.targets, ports.secrets);
  } catch (error) {
    if (error instanceof ConfigError && error.cause instanceof SecretStoreUnavailableError) {
      // The secret store is down or out of reach: the prober cannot check, which says nothing of the service.
      earlyFaults.push(problemOf('secrets', error.cause, createRedactor()));
    } else if (error instanceof ConfigError || error instanceof ConfigErrors) {
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
    } else {
      throw error;
    }
  }
  const redactor = createRedactor([...(headers?.secretValues ?? []), ...urlSecretsOf(config)]);
  const settings = {
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
    maxBodyBytes: config.maxBodyBytes,
    expectedVersion: expected.version,
    ...(options.addressPolicy !== undefined ? { addressPolicy: options.addressPolicy } : {}),
    ...(options.interrupt !== undefined ? { interrupt: options.interrupt } : {}),
  };
  const targets =
    headers === undefined
      ? []
      : await mapBounded(config.targets, config.concurrency, (target, index) =>
          probeTarget(target, headers.perTarget[index] ?? {}, settings, redactor),
        );
  if (options.interrupt?.aborted === true) {
    return recordInterrupted(String(options.interrupt.reason), context, ports, {
      startedAt,
      t0,
      expectedVersion: expected.version,
      faults: [...safetyFaults, ...earlyFaults].map((fault) => ({ ...fault, message: redactor.text(fault.message) })),
    });
  }
  const verdict = decideVerdict({
    targets: targets.map((target) => ({ ok: target.ok, attempts: target.attempts })),
    ...(headers === undefined
      ? { storeFault: 'secret_store_unavailable' as const }
      : prior.store === 'unavailable'
        ? { storeFault: 'state_store_unavailable' as const }
        : {}),
  });
  const draft = buildEvidence({
    verdict,
    message: describeVerdict(verdict),
    startedAt,
    finishedAt: clock.now(),
    durationMs: clock.monotonicMs() - t0,
    expectedVersion: expected.version,
    targets,
    rollback: rollbackNotAttempted('not_needed'),
    context,
    settings: {
      timeout_ms: config.timeoutMs,
      retries: config.retries,
      backoff_ms: config.backoffMs,
      concurrency: config.concurrency,
      max_body_bytes: config.maxBodyBytes,
    },
  });

  const planInput: Omit<PlanRunInput, 'prior'> = {
    verdict,
    versionOnly: isVersionOnlyFailure(verdict.status_reason, targets),
    run: { kind: context.kind, id: runIdOf(context, options, startedAt), at: startedAt },
    policy: planPolicy({
      ...options.policy,
      // `approve` runs nothing, so it needs no executor; `auto` without one cannot roll back.
      rollback:
        ports.rollbackExecutor === undefined && options.policy?.rollback !== 'approve'
          ? 'off'
          : (options.policy?.rollback ?? 'auto'),
    }),
    scope,
    deploy: deployedVersionOf(context.deploy, context.kind === 'gate' ? config.expectedVersion : undefined),
    monitor: context.monitor,
    evidenceUri: ports.evidenceStore.locate?.(draft, 'verdict'),
    safetyFaults,
  };
  let plan = planRun({ ...planInput, prior });
  if (memory !== undefined) plan = await memory.commit(plan, (fresh) => planRun({ ...planInput, prior: fresh }));
  const notes = expected.note !== undefined ? [expected.note, ...plan.notes] : plan.notes;
  const document = withMemory(
    { ...draft, rollback: plannedRollbackResult(plan.rollback) },
    { prior, plan: { ...plan, notes }, written: memory?.written ?? false, monitor: context.monitor, scope },
  );
  const faults = [...safetyFaults, ...earlyFaults, ...(memory?.problems ?? [])].map((fault) => ({
    ...fault,
    message: redactor.text(fault.message),
  }));
  return finishRun(
    document,
    verdict,
    plan,
    { ...ports, rollbackExecutor: plan.rollback.action === 'run' ? ports.rollbackExecutor : undefined },
    { clock, t0, redactor, faults, ...(memory !== undefined ? { guard: memory } : {}) },
  );
}

/** Whose versions, lock and pause apply: the deploy's service, else the one a monitor or the CLI names. */
function scopeOf(context: EvidenceContext): ServiceScope | undefined {
  if (context.deploy !== undefined) return { service: context.deploy.service, environment: context.deploy.environment };
  if (context.service !== undefined && context.environment !== undefined) {
    return { service: context.service, environment: context.environment };
  }
  return undefined;
}

function runIdOf(context: EvidenceContext, options: GateRunOptions, startedAt: Date): string {
  return options.runId ?? context.deploy?.event_id ?? context.run_id ?? `run-${startedAt.getTime()}`;
}

interface UnjudgedRun {
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
  timing: UnjudgedRun = {},
): Promise<GateOutcome> {
  const redactor = createRedactor();
  const problem = redactor.text(error.message);
  return recordUnjudged(decideVerdict({ targets: [], configProblem: problem }), problem, context, ports, timing);
}

/**
 * Records a run stopped before its verdict (`signal`: SIGINT, SIGTERM) as `failed` / `interrupted`, so a cancelled CI
 * job leaves a record saying so rather than none, or the previous run's. Nothing is judged, remembered or rolled back.
 */
export async function recordInterrupted(
  signal: string,
  context: EvidenceContext,
  ports: GatePorts,
  timing: UnjudgedRun = {},
): Promise<GateOutcome> {
  return recordUnjudged(decideVerdict({ targets: [], interrupted: true }), signal, context, ports, timing);
}

/** A verdict reached without judging the service: its evidence and GateFailed alert, and no rollback. */
async function recordUnjudged(
  verdict: Verdict,
  detail: string,
  context: EvidenceContext,
  ports: GatePorts,
  timing: UnjudgedRun,
): Promise<GateOutcome> {
  const clock = ports.clock ?? systemClock;
  const startedAt = timing.startedAt ?? clock.now();
  const t0 = timing.t0 ?? clock.monotonicMs();
  const redactor = createRedactor();
  const document = buildEvidence({
    verdict,
    message: describeVerdict(verdict, detail),
    startedAt,
    finishedAt: clock.now(),
    durationMs: clock.monotonicMs() - t0,
    expectedVersion: timing.expectedVersion,
    targets: [],
    rollback: rollbackNotAttempted('not_needed'),
    context,
    settings: null,
  });
  // A gate that could not be configured or was stopped never triggers a rollback, nor asks for one: nothing says the
  // deploy is bad.
  const faults = (timing.faults ?? []).map((fault) => ({ ...fault, message: redactor.text(fault.message) }));
  return finishRun(
    document,
    verdict,
    { alerts: [plannedAlert('GateFailed')], rollback: { action: 'not_needed' } },
    { ...ports, rollbackExecutor: undefined },
    { clock, t0, redactor, faults },
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
