// One schema for a gate run: targets with their expectations and headers, timeouts, retries, concurrency,
// expected version and rollback settings. Validated once at the edge; the rest of the engine trusts GateConfig.

import * as z from 'zod';
import { ConfigError, ConfigErrors } from './errors.ts';
import { httpUrlProblem } from './url-list.ts';

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_BACKOFF_MS = 250;
export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_ROLLBACK_TIMEOUT_MS = 300_000;
export const MAX_REDIRECTS = 5;

const httpUrl = z.string().superRefine((value, ctx) => {
  const problem = httpUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});

/** A version string as services report it: `1.4.2`, `v1.4.2`, `2026.01.07-rc1`, `abc123+build.5`. */
export const versionSchema = z
  .string()
  .regex(/^[A-Za-z0-9._+-]{1,128}$/, 'must be 1-128 letters, digits, dots, dashes, underscores or plus signs');

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** A header value: literal, or a reference to a secret resolved at run time and never recorded. */
export const headerValueSchema = z.union([
  // A line break would split the header on the wire; fetch refuses it, so refuse it here, where the field is known.
  z.string().max(8192).regex(/^[^\x00-\x08\x0a-\x1f\x7f]*$/, 'must not contain line breaks or control characters'),
  z.strictObject({ env: envNameSchema }),
  z.strictObject({
    ssm: z.string().regex(/^\/[A-Za-z0-9_.\/-]{1,1010}$/, 'must be an SSM parameter path starting with /'),
  }),
]);

const headerNameSchema = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/, 'must be an HTTP header name');

/** 200, or an inclusive range as "200-299". */
const statusSpecSchema = z.union([
  z.number().int().min(100).max(599),
  z
    .string()
    .regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, 'must be a status code or a range like "200-299"')
    .refine((value) => {
      const [low, high] = value.split('-').map(Number);
      return high === undefined || high >= low!;
    }, 'range must not end before it starts'),
]);

export const expectationsSchema = z.strictObject({
  /** Accepted HTTP statuses. @default ["200-299"] */
  status: z.array(statusSpecSchema).min(1).optional(),
  /** Version the body must report; overrides the gate's expectedVersion for this target. */
  version: versionSchema.optional(),
  /** Fail when an attempt takes longer than this. */
  maxLatencyMs: z.number().int().positive().max(600_000).optional(),
  /** The body must contain this text. */
  bodyContains: z.string().min(1).max(1024).optional(),
  /** Check a JSON body's `status` field (ok, healthy, pass, up) when present. @default true */
  healthStatus: z.boolean().optional(),
});

export const targetSchema = z.strictObject({
  url: httpUrl,
  name: z.string().min(1).max(128).optional(),
  headers: z.record(headerNameSchema, headerValueSchema).optional(),
  expect: expectationsSchema.optional(),
});

export const rollbackSettingsSchema = z.strictObject({
  /** Local shell command run on failure (CLI). Lambdas use an SSM document instead. */
  command: z.string().min(1).max(4096).optional(),
  /** How long the rollback may run. @default 300000 */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(DEFAULT_ROLLBACK_TIMEOUT_MS),
});

export const gateConfigSchema = z.strictObject({
  targets: z.array(targetSchema).max(10_000),
  expectedVersion: versionSchema.optional(),
  timeoutMs: z.number().int().min(1).max(120_000).default(DEFAULT_TIMEOUT_MS),
  retries: z.number().int().min(0).max(10).default(DEFAULT_RETRIES),
  backoffMs: z.number().int().min(0).max(30_000).default(DEFAULT_BACKOFF_MS),
  concurrency: z.number().int().min(1).max(4096).default(DEFAULT_CONCURRENCY),
  maxBodyBytes: z.number().int().min(1024).max(1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  failOnSkipped: z.boolean().default(false),
  rollback: rollbackSettingsSchema.optional(),
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

/** Runs any schema with the same error reporting: ConfigError for one problem, ConfigErrors for several. */
export function parseWithSchema<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  fieldLabels: Readonly<Record<string, string>> = {},
  rootLabel = 'config',
): z.infer<T> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const label = (path: readonly PropertyKey[]): string => {
    const text = formatPath(path);
    return fieldLabels[text] ?? (text === '' ? rootLabel : text);
  };
  const errors = result.error.issues.flatMap((issue) => {
    // One error per unknown field, named by its own path and value, rather than the whole enclosing object.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return new ConfigError(label(path), valueAt(raw, path), 'is not a known field', { cause: issue });
      });
    }
    const value = 'input' in issue ? issue.input : valueAt(raw, issue.path);
    return [new ConfigError(label(issue.path), value, describeIssue(issue), { cause: issue })];
  });
  throw errors.length === 1 ? errors[0]! : new ConfigErrors(errors);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return 'is not any of the accepted forms';
  // A bad record key: say what a key must be (e.g. an HTTP header name), not just "Invalid key in record".
  if (issue.code === 'invalid_key' && issue.issues[0] !== undefined) return describeIssue(issue.issues[0]);
  return issue.message.replace(/^Invalid input: /, '');
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
