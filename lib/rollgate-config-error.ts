// The one error type for broken Rollgate infrastructure input: a construct prop or a config-file field that cannot
// work. It names the field and the offending value so the CDK app can print one line instead of a stack trace.

export class RollgateConfigError extends Error {
  override readonly name = 'RollgateConfigError';

  /** Where the bad value sits, e.g. `monitors[1].name`. */
  readonly field: string;

  /** The value as given (may be `undefined` for a missing field). */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string, options?: { cause?: unknown; source?: string }) {
    const where = options?.source ? `${options.source}: ${field}` : field;
    super(`${where}: ${problem} (got ${describeValue(value)})`, { cause: options?.cause });
    this.field = field;
    this.value = value;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
