// The gate's verdict, a pure three-valued answer with its reason (like a cdk-nag rule's COMPLIANT | NON_COMPLIANT |
// NOT_APPLICABLE): `skipped` when there is nothing to check, `passed` when every target is healthy, `failed` otherwise,
// and `failed` when the configuration cannot be used or the prober itself could not check, because a gate that cannot
// check must never pass. This is the one place a verdict is decided.

export type GateStatus = 'passed' | 'failed' | 'skipped';
export type StatusReason =
  | 'no_urls_configured'
  | 'all_probes_healthy'
  | 'probe_failures'
  | 'invalid_config'
  /** The prober could not check (its sockets, its resolver, the secret or state store): nothing said of the service. */
  | 'prober_unavailable'
  /** The run was stopped (SIGINT, SIGTERM: a cancelled CI job) before it reached a verdict: nothing was judged. */
  | 'interrupted';

/** Every reason, for the schemas that check a stored one. */
export const STATUS_REASONS: { readonly [R in StatusReason]: R } = {
  no_urls_configured: 'no_urls_configured',
  all_probes_healthy: 'all_probes_healthy',
  probe_failures: 'probe_failures',
  invalid_config: 'invalid_config',
  prober_unavailable: 'prober_unavailable',
  interrupted: 'interrupted',
};

/** The signals that interrupt a CLI run: Ctrl-C, and what a CI runner sends a cancelled or timed-out job. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** What kept the prober from checking, behind a `prober_unavailable` verdict. */
export type ProberFault =
  /** Every failing target failed, on every attempt, because this machine ran out of sockets or file descriptors. */
  | 'local_resources_exhausted'
  /** Every target failed DNS, on every attempt, with a resolver error (EAI_AGAIN, SERVFAIL): not a name that is gone. */
  | 'dns_resolver_unavailable'
  /** A header's secret could not be read because the secret store could not be reached. */
  | 'secret_store_unavailable'
  /** The state store (thresholds, known-good versions, the rollback lock) could not be read. */
  | 'state_store_unavailable';

export interface Verdict {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  readonly total: number;
  readonly healthy: number;
  readonly failing: number;
  /** Set with `prober_unavailable` only. */
  readonly prober_fault?: ProberFault;
}

/** A target as the verdict sees it: healthy or not, and the transport error of each attempt, if any. */
export interface VerdictTarget {
  readonly ok: boolean;
  readonly attempts?: readonly { readonly error?: string }[];
}

export interface VerdictInput {
  readonly targets: readonly VerdictTarget[];
  /** Set when the configuration could not be used; the targets are then ignored. */
  readonly configProblem?: string;
  /** The run was interrupted before its verdict: whatever the targets said so far, nothing was judged. */
  readonly interrupted?: boolean;
  /** A store the run needed could not be reached: whatever the targets say, the run could not fully check. */
  readonly storeFault?: Extract<ProberFault, 'secret_store_unavailable' | 'state_store_unavailable'>;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const total = input.targets.length;
  const healthy = input.targets.filter((target) => target.ok).length;
  const failing = total - healthy;
  const counts = { total, healthy, failing };
  if (input.configProblem !== undefined) return { status: 'failed', status_reason: 'invalid_config', ...counts };
  // A gate that did not finish cannot pass: it fails, saying it was stopped rather than blaming the service.
  if (input.interrupted === true) return { status: 'failed', status_reason: 'interrupted', ...counts };
  const proberFault = input.storeFault ?? targetProberFault(input.targets, healthy);
  if (proberFault !== undefined) {
    return { status: 'failed', status_reason: 'prober_unavailable', ...counts, prober_fault: proberFault };
  }
  if (total === 0) return { status: 'skipped', status_reason: 'no_urls_configured', ...counts };
  if (failing === 0) return { status: 'passed', status_reason: 'all_probes_healthy', ...counts };
  return { status: 'failed', status_reason: 'probe_failures', ...counts };
}

/**
 * Whether the failing targets say nothing about the service: each failed on every attempt before reaching it, for
 * want of a socket here, or (only when no target at all was reached) for want of a resolver. One target with a real
 * answer, or a DNS failure beside healthy targets (that name's own servers may be broken), counts against the service.
 */
function targetProberFault(targets: readonly VerdictTarget[], healthy: number): ProberFault | undefined {
  const failingTargets = targets.filter((target) => !target.ok);
  if (failingTargets.length === 0) return undefined;
  const failedEveryAttemptWith = (target: VerdictTarget, kind: string): boolean =>
    (target.attempts ?? []).length > 0 && (target.attempts ?? []).every((attempt) => attempt.error === kind);
  if (failingTargets.every((target) => failedEveryAttemptWith(target, 'local_resources_exhausted'))) {
    return 'local_resources_exhausted';
  }
  const proberSide = (target: VerdictTarget): boolean =>
    (target.attempts ?? []).length > 0 &&
    (target.attempts ?? []).every(
      (attempt) => attempt.error === 'dns_unavailable' || attempt.error === 'local_resources_exhausted',
    );
  if (healthy === 0 && failingTargets.every(proberSide)) return 'dns_resolver_unavailable';
  return undefined;
}

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_SKIPPED_NOT_ALLOWED = 3;
export const EXIT_EVIDENCE_NOT_WRITTEN = 4;

/** An interrupted run exits as a shell reports a process the signal ended: 128 + the signal's number. */
export function exitCodeForInterruption(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * The CI contract's exit codes: 0 passed, 0 skipped, 3 skipped under --fail-on-skipped, 1 failed (rollback or not,
 * prober_unavailable and interrupted: a gate that could not check fails like one that found a fault; the CLI exits an
 * interrupted run with exitCodeForInterruption instead), 2 for a configuration the
 * gate could not use. Evidence that could not be written makes a passing gate exit 4: a
 * pipeline must not trust a gate that left no record.
 */
export function exitCodeFor(
  verdict: Pick<Verdict, 'status' | 'status_reason'>,
  options: { readonly failOnSkipped: boolean; readonly evidenceWritten: boolean },
): number {
  if (verdict.status_reason === 'invalid_config') return EXIT_USAGE;
  if (verdict.status === 'failed') return EXIT_FAILED;
  if (!options.evidenceWritten) return EXIT_EVIDENCE_NOT_WRITTEN;
  if (verdict.status === 'skipped' && options.failOnSkipped) return EXIT_SKIPPED_NOT_ALLOWED;
  return EXIT_PASSED;
}
