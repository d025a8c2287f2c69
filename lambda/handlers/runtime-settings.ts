// The Lambda's own settings, from the environment the stack sets. Read once per container, at module load, so a
// function deployed with a missing or broken variable fails its first invocation with the variable's name rather
// than half-running a gate.

import * as z from 'zod/mini';
import { parseWithSchema, stringMatching } from '../core/config/config-schema.ts';
import {
  BUCKET_NAME_PATTERN,
  DEFAULT_ROLLBACK_WAIT_SECONDS,
  DOCUMENT_NAME_PATTERN,
  ENV,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  TABLE_NAME_PATTERN,
  TOPIC_ARN_PATTERN,
} from '../core/config/stack-contract.ts';

/** A variable the stack always sets (absent means the function was deployed some other way), matching `pattern`. */
const requiredVariable = (pattern: RegExp, rule: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is not set' : undefined) })
    .check(z.minLength(1, { error: 'is empty', abort: true }), z.regex(pattern, rule));

const runtimeEnvironmentSchema = z.object({
  [ENV.evidenceBucket]: requiredVariable(BUCKET_NAME_PATTERN, 'must be an S3 bucket name'),
  [ENV.alertTopicArn]: requiredVariable(TOPIC_ARN_PATTERN, 'must be an SNS topic ARN'),
  [ENV.rollbackDocument]: requiredVariable(DOCUMENT_NAME_PATTERN, 'must be an SSM document name or ARN'),
  [ENV.stateTable]: requiredVariable(TABLE_NAME_PATTERN, 'must be a DynamoDB table name'),
  [ENV.rollbackWaitSeconds]: z._default(
    z.pipe(
      z.pipe(stringMatching(/^[0-9]{1,6}$/, 'must be a whole number of seconds'), z.transform(Number)),
      z.number().check(
        z.minimum(1, 'must be at least 1 second'),
        // Lambda stops at 15 minutes, so a longer wait could never finish.
        z.maximum(LAMBDA_MAX_TIMEOUT_SECONDS, `must be at most ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds`),
      ),
    ),
    DEFAULT_ROLLBACK_WAIT_SECONDS,
  ),
});

/** The deploy gate's own: where it records which deploy events it has already judged. Schedules need no such guard. */
const deployGateEnvironmentSchema = z.extend(runtimeEnvironmentSchema, {
  [ENV.idempotencyTable]: requiredVariable(TABLE_NAME_PATTERN, 'must be a DynamoDB table name'),
});

export interface RuntimeSettings {
  readonly evidenceBucket: string;
  readonly alertTopicArn: string;
  readonly rollbackDocument: string;
  readonly rollbackWaitSeconds: number;
  /** Where runs remember (ROLLGATE_STATE_TABLE): monitor states, versions, rollback locks and pauses. */
  readonly stateTable: string;
}

export interface DeployGateSettings extends RuntimeSettings {
  /** The DynamoDB table of Powertools idempotency records (ROLLGATE_IDEMPOTENCY_TABLE). */
  readonly idempotencyTable: string;
}

/** Reads the settings. Throws ConfigError (or ConfigErrors) naming each variable and its value. */
export function parseRuntimeSettings(env: Readonly<Record<string, string | undefined>>): RuntimeSettings {
  return runtimeSettingsOf(parseWithSchema(runtimeEnvironmentSchema, runtimeVariablesOf(env)));
}

/** The deploy gate's settings: the shared ones and its idempotency table, every problem reported together. */
export function parseDeployGateSettings(env: Readonly<Record<string, string | undefined>>): DeployGateSettings {
  const parsed = parseWithSchema(deployGateEnvironmentSchema, {
    ...runtimeVariablesOf(env),
    ROLLGATE_IDEMPOTENCY_TABLE: env.ROLLGATE_IDEMPOTENCY_TABLE,
  });
  return { ...runtimeSettingsOf(parsed), idempotencyTable: parsed.ROLLGATE_IDEMPOTENCY_TABLE };
}

function runtimeVariablesOf(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return {
    ROLLGATE_EVIDENCE_BUCKET: env.ROLLGATE_EVIDENCE_BUCKET,
    ROLLGATE_ALERT_TOPIC_ARN: env.ROLLGATE_ALERT_TOPIC_ARN,
    ROLLGATE_ROLLBACK_DOCUMENT: env.ROLLGATE_ROLLBACK_DOCUMENT,
    ROLLGATE_STATE_TABLE: env.ROLLGATE_STATE_TABLE,
    // An empty variable means "not set", not zero.
    ROLLGATE_ROLLBACK_WAIT_SECONDS: env.ROLLGATE_ROLLBACK_WAIT_SECONDS || undefined,
  };
}

function runtimeSettingsOf(parsed: z.infer<typeof runtimeEnvironmentSchema>): RuntimeSettings {
  return {
    evidenceBucket: parsed.ROLLGATE_EVIDENCE_BUCKET,
    alertTopicArn: parsed.ROLLGATE_ALERT_TOPIC_ARN,
    rollbackDocument: parsed.ROLLGATE_ROLLBACK_DOCUMENT,
    rollbackWaitSeconds: parsed.ROLLGATE_ROLLBACK_WAIT_SECONDS,
    stateTable: parsed.ROLLGATE_STATE_TABLE,
  };
}
