// The JSON file the CDK app is configured with (rollgate.config.json): its schema, its type, and the loader that
// reads and validates it once, reporting every bad field with its value instead of a stack trace.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as logs from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { findPrototypeKey, PROTOTYPE_KEY_PROBLEM } from '../lambda/core/config/reject-prototype-keys.ts';
import { RollgateConfigError } from './rollgate-config-error.ts';
import { NAME_PATTERN, VERSION_PATTERN } from './rollgate-props.ts';

const name = z.string().regex(new RegExp(NAME_PATTERN), `must match ${NAME_PATTERN}`);
const days = z.number().int('must be a whole number of days').min(1, 'must be at least 1 day');
const retentionDays = new Set(Object.values(logs.RetentionDays).filter((value) => typeof value === 'number'));

const monitorTarget = z.strictObject({
  url: z.string(),
  name: z.string().optional(),
  expect: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.union([z.string(), z.strictObject({ ssm: z.string() })])).optional(),
});

const monitor = z.strictObject({
  name,
  urls: z.array(z.string()).optional(),
  targets: z.array(monitorTarget).optional(),
  schedule: z
    .string()
    .regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge schedule such as "rate(5 minutes)" or "cron(0/5 * * * ? *)"')
    .optional(),
  rollbackOnFailure: z.boolean().optional(),
  service: name.optional(),
  environment: name.optional(),
  expectedVersion: z.string().regex(new RegExp(VERSION_PATTERN), `must match ${VERSION_PATTERN}`).optional(),
});

const evidence = z.strictObject({
  checksExpirationDays: days.optional(),
  deploysGlacierAfterDays: days.optional(),
  deploysExpirationDays: days.optional(),
  objectLock: z.boolean().optional(),
  objectLockRetentionDays: days.optional(),
});

export const rollgateConfigSchema = z.strictObject({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name (letters, digits, "-")')
    .default('Rollgate'),
  alertEmails: z.array(z.email('must be an e-mail address')).optional(),
  alertTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
    .optional(),
  alertDeliveryAlarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
    .optional(),
  alertDeliveryAlarmEmails: z.array(z.email('must be an e-mail address')).optional(),
  eventBusName: z
    .string()
    .regex(/^[A-Za-z0-9._\-/]{1,256}$/, 'must be an EventBridge bus name')
    .optional(),
  rollbackDocumentName: z.string().optional(),
  rollbackScript: z.string().optional(),
  rollbackWaitSeconds: z.number().int().min(60).max(780).optional(),
  memorySize: z.number().int().min(128).max(10240).optional(),
  checkTimeoutSeconds: z.number().int().min(10).max(900).optional(),
  logRetentionDays: z
    .number()
    .refine((value) => retentionDays.has(value), `must be one of ${[...retentionDays].join(', ')}`)
    .optional(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
  powertools: z.enum(['layer', 'bundled']).optional(),
  evidence: evidence.optional(),
  monitors: z.array(monitor).optional(),
});

export type RollgateConfig = z.infer<typeof rollgateConfigSchema>;

/** Every problem of a config file, one per line; `field` and `value` are those of the first. */
export class RollgateConfigFileError extends RollgateConfigError {
  readonly problems: readonly RollgateConfigError[];

  constructor(source: string, problems: readonly RollgateConfigError[]) {
    const [first] = problems;
    super(first?.field ?? '(file)', first?.value, 'is invalid', { source });
    this.problems = problems;
    this.message = problems.map((problem) => `${source}: ${problem.message}`).join('\n');
  }
}

/** Reads and validates a config file. */
export function loadRollgateConfig(path: string): RollgateConfig {
  const source = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RollgateConfigError('(file)', path, `cannot be read: ${(cause as Error).message}`, { cause, source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new RollgateConfigError('(file)', path, `is not valid JSON: ${(cause as Error).message}`, { cause, source });
  }
  return parseRollgateConfig(json, source);
}

/** Validates an already parsed config; `source` names it in error messages. */
export function parseRollgateConfig(input: unknown, source = 'config'): RollgateConfig {
  // An own `__proto__` from JSON.parse would become a prototype in zod's output: refuse it, as every parser does.
  const prototypePath = findPrototypeKey(input);
  if (prototypePath !== undefined) {
    throw new RollgateConfigFileError(source, [
      new RollgateConfigError(fieldName(prototypePath), valueAt(input, prototypePath), PROTOTYPE_KEY_PROBLEM),
    ]);
  }
  const result = rollgateConfigSchema.safeParse(input);
  if (!result.success) {
    throw new RollgateConfigFileError(
      source,
      result.error.issues.flatMap((issue) => describeIssue(input, issue)),
    );
  }
  const evidenceConfig = result.data.evidence;
  if (
    evidenceConfig?.deploysExpirationDays !== undefined &&
    evidenceConfig.deploysExpirationDays <= (evidenceConfig.deploysGlacierAfterDays ?? 90)
  ) {
    throw new RollgateConfigFileError(source, [
      new RollgateConfigError(
        'evidence.deploysExpirationDays',
        evidenceConfig.deploysExpirationDays,
        'must be later than evidence.deploysGlacierAfterDays (default 90)',
      ),
    ]);
  }
  return result.data;
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): RollgateConfigError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return new RollgateConfigError(fieldName(path), valueAt(input, path), 'is not a Rollgate setting (misspelt?)');
    });
  }
  return [new RollgateConfigError(fieldName(issue.path), valueAt(input, issue.path), issue.message)];
}

function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : `${name}${name ? '.' : ''}${String(part)}`),
    '',
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, part) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined,
    input,
  );
}
