// Typed errors for broken input and broken infrastructure. Expected outcomes (an unhealthy service, a failed
// rollback) are values, never exceptions; these are for what stops Rollgate from judging or recording at all.

/** Base of every error Rollgate throws on purpose; `cause` keeps the underlying error. */
export class RollgateError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RollgateError';
  }
}

/** A setting, event field or flag that cannot be used. Names the field and the offending value. */
export class ConfigError extends RollgateError {
  public readonly field: string;
  public readonly value: unknown;

  public constructor(field: string, value: unknown, problem: string, options?: { cause?: unknown }) {
    super(`${field}: ${problem} (got ${describeValue(value)})`, options);
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
  }
}

/** Several ConfigErrors found at once, so a user fixes them all in one go. */
export class ConfigErrors extends RollgateError {
  public readonly errors: readonly ConfigError[];

  public constructor(errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ConfigErrors';
    this.errors = errors;
  }
}

/** Base for failures of the infrastructure behind a port; `errorName` is the underlying error's name (e.g. AWS's). */
export class PortError extends RollgateError {
  public readonly errorName: string;

  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PortError';
    this.errorName = options.errorName ?? errorNameOf(options.cause);
  }
}

/** Evidence could not be stored (or a write-once key already held evidence). */
export class EvidenceWriteError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'EvidenceWriteError';
  }
}

/** Evidence could not be read or listed. */
export class EvidenceReadError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'EvidenceReadError';
  }
}

/** A rollback could not be sent to the hosts at all. */
export class RollbackSendError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'RollbackSendError';
  }
}

/** An alert could not be published. */
export class AlertPublishError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'AlertPublishError';
  }
}

/** A secret a target header refers to could not be resolved. Never carries the secret itself. */
export class SecretResolveError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'SecretResolveError';
  }
}

export function errorNameOf(error: unknown): string {
  if (error instanceof Error) return error.name;
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string')
    return error.name;
  return 'Error';
}

export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `AccessDenied: Access Denied`: an error's name and message, as every port error message quotes its cause. */
export function describeError(error: unknown): string {
  return `${errorNameOf(error)}: ${errorMessageOf(error)}`;
}

/** A short, printable rendering of a bad value for error messages (never a multi-kilobyte dump). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
