// Typed errors for broken input and broken infrastructure. Expected outcomes (an unhealthy service, a failed
// rollback) are values, never exceptions; these are for what stops Rollgate from judging or recording at all.

import { redactSecretsInText } from './secrets/redact.ts';

/** Base of every error Rollgate throws on purpose; `cause` keeps the underlying error. */
export class RollgateError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RollgateError';
  }
}

/**
 * How a ConfigError shows the offending value: quoted (redacted like everything else recorded), withheld when the
 * field holds a secret (a header value is sent as is, so nothing in it can be told apart from a credential), or not
 * at all when the field name already says what is wrong (`config.__proto__`).
 */
export type ValueShown = 'quoted' | 'withheld' | 'none';

export interface ConfigErrorOptions {
  readonly cause?: unknown;
  /** @default 'quoted' */
  readonly show?: ValueShown;
}

/** A setting, event field or flag that cannot be used. Names the field and the offending value. */
export class ConfigError extends RollgateError {
  public readonly field: string;
  /**
   * The offending value, as given; undefined when it was withheld, so no log of this error can carry the secret. Not
   * enumerable: a quoted value is redacted in the message only, and whatever serialises the error's own properties
   * (the Lambda runtime logs a thrown error's as JSON) would print it raw, credentials and all.
   */
  declare public readonly value: unknown;
  public readonly show: ValueShown;

  public constructor(field: string, value: unknown, problem: string, options: ConfigErrorOptions = {}) {
    const show = options.show ?? 'quoted';
    const shown = show === 'withheld' ? ' (value withheld)' : show === 'none' ? '' : ` (got ${describeValue(value)})`;
    super(`${field}: ${problem}${shown}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'ConfigError';
    this.field = field;
    Object.defineProperty(this, 'value', { value: show === 'withheld' ? undefined : value, enumerable: false });
    this.show = show;
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

/**
 * The secret store could not be reached (a network failure, throttling past retries, a server error): the prober's
 * problem, not the configuration's. A missing parameter or a denied key stays a SecretResolveError.
 */
export class SecretStoreUnavailableError extends SecretResolveError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'SecretStoreUnavailableError';
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

/** Longer strings are cut before they are rendered: an error names a value, it does not dump it. */
const DESCRIBED_INPUT_CHARS = 64 * 1024;
const DESCRIBED_CHARS = 120;

/**
 * A short, printable rendering of a bad value for error messages (never a multi-kilobyte dump), with credentials
 * redacted: a rejected `ftp://user:pw@host` or `?token=` URL is quoted without them. Never throws, whatever the
 * value (a cycle, a BigInt, nesting deeper than the stack, an object without a prototype).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // Redact before cutting, so the cut cannot split a URL from the `@` or `?` that marks its secret.
  const text = redactSecretsInText(renderValue(value));
  return text.length > DESCRIBED_CHARS ? `${text.slice(0, DESCRIBED_CHARS - 3)}...` : text;
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, DESCRIBED_INPUT_CHARS));
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.slice(0, DESCRIBED_INPUT_CHARS);
  } catch {
    // A cycle, a BigInt or nesting deeper than the stack: fall back to a plainer rendering.
  }
  // An object JSON could not render would overflow String() too (an array joins its items recursively).
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  try {
    return String(value).slice(0, DESCRIBED_INPUT_CHARS);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The deploy workflow's execution could not be started (Step Functions refused or could not be reached). */
export class WorkflowStartError extends PortError {
  public constructor(message: string, options: { cause?: unknown; errorName?: string } = {}) {
    super(message, options);
    this.name = 'WorkflowStartError';
  }
}
