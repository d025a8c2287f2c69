// The schema of the evidence document (evidence.ts), as every store writes it: one zod definition that readers can
// check a record with, that `npm run schema` turns into schema/evidence.schema.json for anyone reading the bucket
// (Athena's table over it is tested against that file), and that a type test holds equal to EvidenceDocument.

import * as z from 'zod/mini';
import type { AlertType } from '../plan/alerts.ts';
import { MONITOR_HEALTH_STATES } from '../state/monitor-state.ts';
import { timestampSchema } from '../state/state-field-schemas.ts';
import type { EvidenceStage } from '../gate/ports.ts';
import { STATUS_REASONS, type GateStatus } from '../verdict/verdict.ts';
import { EVIDENCE_SCHEMA_VERSION, TOOL_NAME, type EvidenceContext, type FaultPort } from './evidence.ts';
import { targetResultSchema } from './evidence-probe-schema.ts';
import { rollbackResultSchema } from './evidence-rollback-schema.ts';
import { evidenceWindowSchema } from './evidence-window-schema.ts';

const count = z.int().check(z.minimum(0));

// Keyed by the model's own types, so a value added there fails to compile here until the schema knows it.
const KINDS: { readonly [K in EvidenceContext['kind']]: K } = { gate: 'gate', deploy: 'deploy', check: 'check' };
const STAGES: { readonly [S in EvidenceStage]: S } = { verdict: 'verdict', rollback: 'rollback', delivery: 'delivery' };
const STATUSES: { readonly [S in GateStatus]: S } = { passed: 'passed', failed: 'failed', skipped: 'skipped' };
const FAULT_PORTS: { readonly [P in FaultPort]: P } = {
  evidence: 'evidence',
  alert: 'alert',
  rollback: 'rollback',
  secrets: 'secrets',
  idempotency: 'idempotency',
  state: 'state',
};
const ALERT_TYPES: { readonly [T in AlertType]: T } = {
  GateFailed: 'GateFailed',
  VersionMismatch: 'VersionMismatch',
  RollbackRequired: 'RollbackRequired',
  RollbackAwaitingApproval: 'RollbackAwaitingApproval',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  EvidenceWriteFailed: 'EvidenceWriteFailed',
  MonitorDown: 'MonitorDown',
  MonitorStillDown: 'MonitorStillDown',
  MonitorRecovered: 'MonitorRecovered',
  StateUnavailable: 'StateUnavailable',
  ProberUnavailable: 'ProberUnavailable',
};

const ciContextSchema = z.strictObject({
  provider: z.optional(z.string()),
  run_id: z.optional(z.string()),
  run_url: z.optional(z.string()),
  commit_sha: z.optional(z.string()),
  ref: z.optional(z.string()),
  event: z.optional(z.string()),
  repository: z.optional(z.string()),
});

const deployRecordSchema = z.strictObject({
  service: z.string(),
  environment: z.string(),
  version: z.string(),
  previous_version: z.optional(z.string()),
  digest: z.optional(z.string()),
  commit: z.optional(z.string()),
  event_id: z.optional(z.string()),
});

const contextSchema = z.strictObject({
  ci: z.optional(ciContextSchema),
  deploy: z.optional(deployRecordSchema),
  monitor: z.optional(z.string()),
  service: z.optional(z.string()),
  environment: z.optional(z.string()),
  run_id: z.optional(z.string()),
});

const healthSchema = z.enum(MONITOR_HEALTH_STATES);

const stateSchema = z.strictObject({
  store: z.enum(['available', 'unavailable']),
  written: z.boolean(),
  monitor: z.optional(
    z.strictObject({
      name: z.string(),
      state: healthSchema,
      consecutive_failures: count,
      consecutive_successes: count,
      since: timestampSchema,
      transition: z.nullable(z.strictObject({ from: healthSchema, to: healthSchema })),
      counted: z.boolean(),
    }),
  ),
  service: z.optional(
    z.strictObject({
      service: z.string(),
      environment: z.string(),
      deployed: z.nullable(z.string()),
      known_good: z.nullable(z.string()),
      last_rollback_at: z.nullable(timestampSchema),
    }),
  ),
  pause: z.nullable(
    z.strictObject({
      reason: z.string(),
      by: z.optional(z.string()),
      since: timestampSchema,
      until: timestampSchema,
    }),
  ),
});

const chainLinkSchema = z.strictObject({
  sequence: z.int().check(z.minimum(1)),
  previous_sha256: z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  previous_uri: z.nullable(z.string()),
});

export const evidenceDocumentSchema = z.strictObject({
  schema_version: z.literal(EVIDENCE_SCHEMA_VERSION),
  tool: z.literal(TOOL_NAME),
  kind: z.enum(KINDS),
  stage: z.enum(STAGES),
  status: z.enum(STATUSES),
  status_reason: z.enum(STATUS_REASONS),
  message: z.string(),
  started_at: timestampSchema,
  finished_at: timestampSchema,
  duration_ms: count,
  expected_version: z.nullable(z.string()),
  summary: z.strictObject({ total: count, healthy: count, failing: count }),
  targets: z.array(targetResultSchema),
  rollback: rollbackResultSchema,
  context: contextSchema,
  settings: z.nullable(
    z.strictObject({
      timeout_ms: count,
      retries: count,
      backoff_ms: count,
      concurrency: count,
      max_body_bytes: count,
    }),
  ),
  alerts: z.array(
    z.strictObject({
      type: z.enum(ALERT_TYPES),
      subject: z.string(),
      /** Null while still to be sent. */
      delivered: z.nullable(z.boolean()),
      error: z.nullable(z.string()),
    }),
  ),
  faults: z.array(z.strictObject({ port: z.enum(FAULT_PORTS), error_name: z.string(), message: z.string() })),
  links: z.optional(z.strictObject({ verdict: z.optional(z.string()), rollback: z.optional(z.string()) })),
  state: z.optional(stateSchema),
  notes: z.optional(z.array(z.string())),
  decided_by: z.optional(z.string()),
  window: z.optional(evidenceWindowSchema),
  chain: z.optional(chainLinkSchema),
});

export type EvidenceDocumentOutput = z.output<typeof evidenceDocumentSchema>;
