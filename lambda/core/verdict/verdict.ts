// The gate's verdict, a pure three-valued answer with its reason (like a cdk-nag rule's COMPLIANT | NON_COMPLIANT |
// NOT_APPLICABLE): `skipped` when there is nothing to check, `passed` when every target is healthy, `failed` otherwise,
// and `failed` when the configuration cannot be used, because a gate that cannot check must never pass.

export type GateStatus = 'passed' | 'failed' | 'skipped';
export type StatusReason = 'no_urls_configured' | 'all_probes_healthy' | 'probe_failures' | 'invalid_config';

export interface Verdict {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  readonly total: number;
  readonly healthy: number;
  readonly failing: number;
}

export interface VerdictInput {
  readonly targets: readonly { readonly ok: boolean }[];
  /** Set when the configuration could not be used; the targets are then ignored. */
  readonly configProblem?: string;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const total = input.targets.length;
  const healthy = input.targets.filter((target) => target.ok).length;
  const failing = total - healthy;
  if (input.configProblem !== undefined)
    return { status: 'failed', status_reason: 'invalid_config', total, healthy, failing };
  if (total === 0) return { status: 'skipped', status_reason: 'no_urls_configured', total, healthy, failing };
  if (failing === 0) return { status: 'passed', status_reason: 'all_probes_healthy', total, healthy, failing };
  return { status: 'failed', status_reason: 'probe_failures', total, healthy, failing };
}

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_SKIPPED_NOT_ALLOWED = 3;
export const EXIT_EVIDENCE_NOT_WRITTEN = 4;

/**
 * The CI contract's exit codes: 0 passed, 0 skipped, 3 skipped under --fail-on-skipped, 1 failed (rollback or not),
 * 2 for a configuration the gate could not use. Evidence that could not be written makes a passing gate exit 4: a
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
