// One schema for a gate run: targets with their expectations and headers, timeouts, retries, concurrency,
// expected version and rollback settings. Validated once at the edge; the rest of the engine trusts GateConfig.
// Schemas under lambda/ use zod/mini, whose functions tree-shake, so the Lambda bundles carry only what they use.

import * as z from 'zod/mini';
import { ConfigError, ConfigErrors } from '../errors.ts';
import { findKeyPath } from './find-key-path.ts';
import { rejectPrototypeKeys } from './reject-prototype-keys.ts';
import { schemaIssueMessage } from './schema-issue-message.ts';
import { VERSION_PATTERN } from './name-patterns.ts';
import { httpUrlProblem } from './url-list.ts';

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_BACKOFF_MS = 250;
/**
 * Targets probed at once. 256 covers a realistic gate in one wave and stays well inside the 1,024 file descriptors of a
 * Lambda environment (the bench measured healthy targets failing with EMFILE at 1,000 under that limit).
 */
export const DEFAULT_CONCURRENCY = 256;
/** Above this a gate can exhaust a Lambda environment's file descriptors and blame healthy services for it. */
export const MAX_CONCURRENCY = 512;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_ROLLBACK_TIMEOUT_MS = 300_000;
export const MAX_REDIRECTS = 5;

const httpUrl = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = httpUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

/** A whole number from `min` to `max`, both included. */
export const wholeNumber = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** A string matching `pattern`; `rule` says in words what that means, and is the error message. */
export const stringMatching = (pattern: RegExp, rule: string) => z.string().check(z.regex(pattern, rule));

/** A string of `min` to `max` characters. */
export const boundedText = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** A version string as services report it: `1.4.2`, `v1.4.2`, `2026.01.07-rc1`, `abc123+build.5`. */
export const versionSchema = stringMatching(
  VERSION_PATTERN,
  'must be 1-128 letters, digits, dots, dashes, underscores or plus signs',
);

const envNameSchema = stringMatching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** A header value: literal, or a reference to a secret resolved at run time and never recorded. */
export const headerValueSchema = z.union([
  // A line break would split the header on the wire; fetch refuses it, so refuse it here, where the field is known.
  z
    .string()
    .check(
      z.maxLength(8192),
      z.regex(/^[^\x00-\x08\x0a-\x1f\x7f]*$/, 'must not contain line breaks or control characters'),
    ),
  z.strictObject({ env: envNameSchema }),
  z.strictObject({
    ssm: stringMatching(/^\/[A-Za-z0-9_./-]{1,1010}$/, 'must be an SSM parameter path starting with /'),
  }),
]);

const headerNameSchema = stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/, 'must be an HTTP header name');

/** 200, or an inclusive range as "200-299". */
const statusSpecSchema = z.union([
  wholeNumber(100, 599),
  z.string().check(
    z.regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, 'must be a status code or a range like "200-299"'),
    z.refine((value) => {
      const [low, high] = value.split('-').map(Number);
      return high === undefined || high >= low!;
    }, 'range must not end before it starts'),
  ),
]);

export const expectationsSchema = z.strictObject({
  /** Accepted HTTP statuses. @default ["200-299"] */
  status: z.optional(z.array(statusSpecSchema).check(z.minLength(1))),
  /** Version the body must report; overrides the gate's expectedVersion for this target. */
  version: z.optional(versionSchema),
  /** Fail when an attempt takes longer than this. */
  maxLatencyMs: z.optional(z.int().check(z.positive(), z.maximum(600_000))),
  /** The body must contain this text. */
  bodyContains: z.optional(boundedText(1, 1024)),
  /** Check a JSON body's `status` field (ok, healthy, pass, up) when present. @default true */
  healthStatus: z.optional(z.boolean()),
});

export const targetSchema = z.strictObject({
  url: httpUrl,
  name: z.optional(boundedText(1, 128)),
  headers: z.optional(z.record(headerNameSchema, headerValueSchema)),
  expect: z.optional(expectationsSchema),
  /**
   * Lets this target reach loopback, private-network and link-local addresses that the shell's address policy refuses
   * (a Lambda refuses all three; the CLI refuses link-local). Cloud metadata addresses stay refused. @default false
   */
  allowPrivate: z.optional(z.boolean()),
});

export const rollbackSettingsSchema = z.strictObject({
  /** Local shell command run on failure (CLI). Lambdas use an SSM document instead. */
  command: z.optional(boundedText(1, 4096)),
  /** How long the rollback may run. @default 300000 */
  timeoutMs: z._default(wholeNumber(1, 3_600_000), DEFAULT_ROLLBACK_TIMEOUT_MS),
});

/** The probe settings and their limits, without defaults: a gate, a service's budget and a monitor use them. */
export const probeSettingSchemas = {
  timeoutMs: wholeNumber(1, 120_000),
  retries: wholeNumber(0, 10),
  backoffMs: wholeNumber(0, 30_000),
  concurrency: wholeNumber(1, MAX_CONCURRENCY),
  maxBodyBytes: wholeNumber(1024, 1024 * 1024),
};

export const gateConfigSchema = z.strictObject({
  targets: z.array(targetSchema).check(z.maxLength(10_000)),
  expectedVersion: z.optional(versionSchema),
  timeoutMs: z._default(probeSettingSchemas.timeoutMs, DEFAULT_TIMEOUT_MS),
  retries: z._default(probeSettingSchemas.retries, DEFAULT_RETRIES),
  backoffMs: z._default(probeSettingSchemas.backoffMs, DEFAULT_BACKOFF_MS),
  concurrency: z._default(probeSettingSchemas.concurrency, DEFAULT_CONCURRENCY),
  maxBodyBytes: z._default(probeSettingSchemas.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
  failOnSkipped: z._default(z.boolean(), false),
  rollback: z.optional(rollbackSettingsSchema),
});

export type HeaderValue = z.infer<typeof headerValueSchema>;
export type Expectations = z.infer<typeof expectationsSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type GateConfig = z.infer<typeof gateConfigSchema>;
export type GateConfigInput = z.input<typeof gateConfigSchema>;

/**
 * Validates raw settings into a GateConfig. Every problem is reported at once, each naming its field (`targets[1].url`,
 * or the flag that supplied it through `fieldLabels`) and the offending value.
 */
export function parseGateConfig(raw: unknown, fieldLabels: Readonly<Record<string, string>> = {}): GateConfig {
  return parseWithSchema(gateConfigSchema, raw, fieldLabels);
}

/**
 * Fields whose values are secrets wherever they appear (a header value is sent as written, so any of it may be a
 * credential): an error about one, or about anything under one, names the field and withholds the value.
 */
const SECRET_BEARING_FIELDS: ReadonlySet<PropertyKey> = new Set(['headers']);

/**
 * Runs any schema with the same error reporting: ConfigError for one problem, ConfigErrors for several. Prototype
 * keys (`__proto__`, `constructor`, `prototype`) are refused at any depth before the schema sees the input.
 */
export function parseWithSchema<T extends z.ZodMiniType>(
  schema: T,
  raw: unknown,
  fieldLabels: Readonly<Record<string, string>> = {},
  rootLabel = 'config',
): z.infer<T> {
  const label = (path: readonly PropertyKey[]): string => {
    const text = formatPath(path);
    // Labels are looked up by string and checked as one: `toString` or `constructor` must not find a prototype's.
    const labelled: unknown = fieldLabels[text];
    return typeof labelled === 'string' ? labelled : text === '' ? rootLabel : text;
  };
  rejectPrototypeKeys(raw, (path) => {
    const labelled: unknown = fieldLabels[formatPath(path)];
    return typeof labelled === 'string' ? labelled : formatPath([rootLabel, ...path]);
  });
  const result = schema.safeParse(raw, { reportInput: true, error: schemaIssueMessage });
  if (result.success) return result.data;
  const errors = withoutSafeRangeDuplicates(result.error.issues).flatMap((issue) => {
    // One error per unknown field, named by its own path and value, rather than the whole enclosing object.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => issueError(issue, [...issue.path, key], valueAt(raw, [...issue.path, key])));
    }
    return [issueError(issue, issue.path, 'input' in issue ? issue.input : valueAt(raw, issue.path))];
  });
  throw errors.length === 1 ? errors[0]! : new ConfigErrors(errors);

  function issueError(issue: z.core.$ZodIssue, path: readonly PropertyKey[], value: unknown): ConfigError {
    // A bad header name is a key, not a value: quoting it tells the user which one without telling a secret. A
    // value that holds a secret-bearing field (a whole target quoted as "must be an object") is withheld too.
    const secretBearing =
      path.some((part) => SECRET_BEARING_FIELDS.has(part)) ||
      findKeyPath(value, (key) => SECRET_BEARING_FIELDS.has(key)) !== undefined;
    if (issue.code === 'invalid_key' || !secretBearing) {
      return new ConfigError(label(path), value, issue.message, { cause: issue });
    }
    // The issue holds the input too: keep only what names the problem, so no log of the cause carries the secret.
    const cause = { code: issue.code, path: issue.path, message: issue.message };
    return new ConfigError(label(path), undefined, issue.message, { cause, show: 'withheld' });
  }
}

/**
 * z.int() reports the safe-integer range (`must be at most 9007199254740991`) beside the field's own bound for 1e20;
 * the field's bound is the one that helps, so the range issue is dropped when another issue names the same field.
 */
function withoutSafeRangeDuplicates(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const isSafeRange = (issue: z.core.$ZodIssue): boolean =>
    (issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'int';
  return issues.filter(
    (issue) =>
      !isSafeRange(issue) ||
      !issues.some((other) => other !== issue && formatPath(other.path) === formatPath(issue.path)),
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
