// The longest a gate's probes can take: every target's every attempt running out its timeout, with the backoff
// between attempts, in waves of `concurrency`. The stack sizes the scheduled check's timeout with it, so the probes
// and a rollback wait after them fit inside one invocation.

export interface ProbeBudgetInput {
  readonly targets: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly concurrency: number;
}

/** Milliseconds; each attempt's timeout covers its connect, redirects and body, so nothing adds to it. */
export function probeBudgetMs(input: ProbeBudgetInput): number {
  const perTarget = (input.retries + 1) * input.timeoutMs + input.retries * input.backoffMs;
  const waves = Math.ceil(input.targets / Math.max(1, input.concurrency));
  return waves * perTarget;
}
