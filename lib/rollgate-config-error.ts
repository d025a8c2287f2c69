// The one error type for broken Rollgate infrastructure input: a construct prop or a config-file field that cannot
// work. It names the field and the offending value so the CDK app can print one line instead of a stack trace.
import { ConfigError, ConfigErrors } from '../lambda/core/errors.ts';

export class RollgateConfigError extends Error {
  override readonly name = 'RollgateConfigError';

  /** Where the bad value sits, e.g. `monitors[1].name`. */
  readonly field: string;

  /** The value as given (may be `undefined` for a missing field, or a value withheld because it holds a secret). */
  readonly value: unknown;

  constructor(field: string, value: unknown, problem: string, options?: { cause?: unknown; source?: string }) {
    const where = options?.source ? `${options.source}: ${field}` : field;
    super(`${where}: ${problem} (got ${describeValue(value)})`, { cause: options?.cause });
    this.field = field;
    this.value = value;
  }

  /**
   * The schema's own error as a RollgateConfigError: its field, value and message as the core worded them (the value
   * quoted, withheld or left out as the core decided).
   */
  static fromConfigError(error: ConfigError): RollgateConfigError {
    const converted = new RollgateConfigError(error.field, error.value, '', { cause: error });
    converted.message = error.message;
    return converted;
  }
}

/**
 * Every problem of a config file or of the props, one per line (each under `source` when given); `field` and `value`
 * are those of the first.
 */
export class RollgateConfigFileError extends RollgateConfigError {
  readonly problems: readonly RollgateConfigError[];

  constructor(source: string | undefined, problems: readonly RollgateConfigError[]) {
    const [first] = problems;
    super(first?.field ?? '(file)', first?.value, 'is invalid', { ...(source ? { source } : {}) });
    this.problems = problems;
    this.message = problems.map((problem) => (source ? `${source}: ${problem.message}` : problem.message)).join('\n');
  }
}

/**
 * Runs a core schema parse and turns its ConfigError(s) into RollgateConfigErrors naming `source`: one problem as
 * itself, several as a RollgateConfigFileError listing every one.
 */
export function withRollgateConfigErrors<T>(parse: () => T, source?: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigErrors) {
      throw new RollgateConfigFileError(
        source,
        error.errors.map((one) => RollgateConfigError.fromConfigError(one)),
      );
    }
    if (error instanceof ConfigError) {
      throw new RollgateConfigFileError(source, [RollgateConfigError.fromConfigError(error)]);
    }
    throw error;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
