// rollgate.config.json: one file read by the CDK app (the stack's settings, the services it gates, its monitors) and
// by the CLI (`rollgate gate --config`: its own gate settings, or with --service one registered service). Its JSON
// Schema (schema/rollgate.config.schema.json) is generated from this. The construct's props are checked with
// constructSettingsSchema, the part of it that props spell the same way.

import * as z from 'zod/mini';
import {
  boundedText,
  gateConfigSchema,
  rollbackSettingsSchema,
  stringMatching,
  versionSchema,
  wholeNumber,
} from './config-schema.ts';
import { addRegistryIssues, registryShape } from './registry.ts';
import {
  DOCUMENT_NAME_PATTERN,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  MAX_ROLLBACK_WAIT_SECONDS,
  MIN_ROLLBACK_WAIT_SECONDS,
  TOPIC_ARN_PATTERN,
} from './stack-contract.ts';

/** The retention periods CloudWatch Logs offers, in days (aws-cdk-lib's logs.RetentionDays; a test keeps them equal). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999,
] as const;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const POWERTOOLS_SOURCES = ['layer', 'bundled'] as const;

const emailSchema = stringMatching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address');
const topicArnSchema = stringMatching(TOPIC_ARN_PATTERN, 'must be an SNS topic ARN');
const daysSchema = wholeNumber(1, 36_500);

/** Settings the construct's props spell the same way as the file: checked with this for both. */
export const constructSettingsShape = {
  alertEmails: z.optional(z.array(emailSchema)),
  alertDeliveryAlarmEmails: z.optional(z.array(emailSchema)),
  rollbackDocumentName: z.optional(
    stringMatching(DOCUMENT_NAME_PATTERN, 'must be an SSM document name ([A-Za-z0-9_.-], 3-128 characters) or its ARN'),
  ),
  // Written into the document's shell script inside single quotes: only characters that need no quoting.
  rollbackScript: z.optional(
    stringMatching(/^\/[A-Za-z0-9._/-]+$/, 'must be an absolute path made of letters, digits, ".", "_", "-" and "/"'),
  ),
  memorySize: z.optional(wholeNumber(128, 10_240)),
  logLevel: z.optional(z.enum(LOG_LEVELS)),
  powertools: z.optional(z.enum(POWERTOOLS_SOURCES)),
  ...registryShape,
};

export const constructSettingsSchema = z.strictObject(constructSettingsShape).check(addRegistryIssues);

const evidenceSchema = z
  .strictObject({
    /** @default 30 */
    checksExpirationDays: z.optional(daysSchema),
    /** @default 90 */
    deploysGlacierAfterDays: z.optional(daysSchema),
    /** @default 365 */
    deploysExpirationDays: z.optional(daysSchema),
    /** @default false */
    objectLock: z.optional(z.boolean()),
    /** With objectLock. @default GOVERNANCE */
    objectLockMode: z.optional(z.enum(['GOVERNANCE', 'COMPLIANCE'])),
    /** With objectLock; at most deploysExpirationDays. @default checksExpirationDays */
    objectLockRetentionDays: z.optional(daysSchema),
  })
  .check(
    z.superRefine((value, ctx) => {
      const expiration = value.deploysExpirationDays;
      if (expiration !== undefined && expiration <= (value.deploysGlacierAfterDays ?? 90)) {
        const message = 'must be later than evidence.deploysGlacierAfterDays (default 90)';
        ctx.addIssue({ code: 'custom', path: ['deploysExpirationDays'], message, input: expiration });
      }
    }),
  );

/** `rollgate gate --config`'s own settings: a gate's (gateConfigSchema), each optional in the file. */
const gateFileShape = {
  targets: z.optional(gateConfigSchema.shape.targets),
  expectedVersion: z.optional(versionSchema),
  timeoutMs: gateConfigSchema.shape.timeoutMs,
  retries: gateConfigSchema.shape.retries,
  backoffMs: gateConfigSchema.shape.backoffMs,
  concurrency: gateConfigSchema.shape.concurrency,
  maxBodyBytes: gateConfigSchema.shape.maxBodyBytes,
  failOnSkipped: gateConfigSchema.shape.failOnSkipped,
  rollback: z.optional(rollbackSettingsSchema),
};

export const rollgateConfigSchema = z
  .strictObject({
    /** The file's JSON Schema, for editors: `./node_modules/rollgate/schema/rollgate.config.schema.json`. */
    $schema: z.optional(boundedText(1, 4096)),
    /** @default "Rollgate" */
    stackName: z._default(
      stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name (letters, digits, "-")'),
      'Rollgate',
    ),
    alertTopicArn: z.optional(topicArnSchema),
    alertDeliveryAlarmTopicArn: z.optional(topicArnSchema),
    eventBusName: z.optional(stringMatching(/^[A-Za-z0-9._\-/]{1,256}$/, 'must be an EventBridge bus name')),
    /** @default 600 */
    rollbackWaitSeconds: z.optional(wholeNumber(MIN_ROLLBACK_WAIT_SECONDS, MAX_ROLLBACK_WAIT_SECONDS)),
    /** @default 120, or what the neediest monitor needs */
    checkTimeoutSeconds: z.optional(wholeNumber(10, LAMBDA_MAX_TIMEOUT_SECONDS)),
    /** @default 90 */
    logRetentionDays: z.optional(z.literal(LOG_RETENTION_DAYS)),
    evidence: z.optional(evidenceSchema),
    ...constructSettingsShape,
    ...gateFileShape,
  })
  .check(addRegistryIssues);

export type RollgateConfig = z.infer<typeof rollgateConfigSchema>;
export type RollgateConfigInput = z.input<typeof rollgateConfigSchema>;
