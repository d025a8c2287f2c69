// The deploy event, validated once at the edge: an EventBridge envelope (`detail-type`, `source`, `id`, `detail`) or
// the detail alone from a direct invoke. Everything in it is untrusted, and names and versions go on to S3 keys, EC2
// tags and rollback document parameters, so a bad event is refused whole before anything is probed or sent.

import * as z from 'zod/mini';
import { parseWithSchema, probeSettingSchemas, stringMatching, versionSchema } from './config-schema.ts';
import type { DeployEventOrigin } from './deploy-idempotency-key.ts';
import { ConfigError } from '../errors.ts';
import { tagKeySchema, tagValueSchema } from './host-tags-schema.ts';
import { COMMIT_PATTERN, DIGEST_PATTERN, EVENT_ID_PATTERN } from './name-patterns.ts';
import type { DeployRecord } from '../gate/ports.ts';
import { nameSchema, probeTargetsShape } from './probe-request-schema.ts';
import { registeredDeploy, type RegisteredDeploy } from './registered-deploy.ts';
import type { Registry } from './registry.ts';
import { MAX_ROLLBACK_INSTANCES } from '../rollback/rollback-target.ts';

const MAX_ROLLBACK_TAGS = 10;

/** The image or artifact digest a deploy announces; the state's version records keep it as announced. */
export const digestSchema = stringMatching(DIGEST_PATTERN, 'must be a digest like sha256:<hex>');
export const commitSchema = stringMatching(COMMIT_PATTERN, 'must be a commit hash (7-64 hex digits)');

const instanceIdSchema = stringMatching(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id like i-0123456789abcdef0');

// Today's events may still carry `tags`: refused after parsing, by name (registered-deploy.ts), not as unknown.
const rollbackTargetSchema = z
  .strictObject({
    instanceIds: z.optional(z.array(instanceIdSchema).check(z.minLength(1), z.maxLength(MAX_ROLLBACK_INSTANCES))),
    tags: z.optional(z.record(tagKeySchema, tagValueSchema)),
  })
  .check(
    z.superRefine((value, ctx) => {
      if ((value.instanceIds === undefined) === (value.tags === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give either instanceIds or tags', input: value });
        return;
      }
      const tagCount = Object.keys(value.tags ?? {}).length;
      if (value.tags !== undefined && (tagCount === 0 || tagCount > MAX_ROLLBACK_TAGS)) {
        const message = `must hold 1-${MAX_ROLLBACK_TAGS} tags`;
        ctx.addIssue({ code: 'custom', path: ['tags'], message, input: value.tags });
      }
    }),
  );

/** Probe settings an event may ask for: each only ever shortens the service's registered budget. */
export const eventProbeSettingsShape = {
  timeoutMs: z.optional(probeSettingSchemas.timeoutMs),
  retries: z.optional(probeSettingSchemas.retries),
  backoffMs: z.optional(probeSettingSchemas.backoffMs),
  concurrency: z.optional(probeSettingSchemas.concurrency),
  maxBodyBytes: z.optional(probeSettingSchemas.maxBodyBytes),
};

export const deployDetailSchema = z
  .strictObject({
    service: nameSchema,
    environment: nameSchema,
    version: versionSchema,
    previousVersion: z.optional(versionSchema),
    digest: z.optional(digestSchema),
    commit: z.optional(commitSchema),
    ...probeTargetsShape,
    rollback: z.optional(rollbackTargetSchema),
    expectedVersion: z.optional(versionSchema),
    ...eventProbeSettingsShape,
  })
  .check(
    z.superRefine((value, ctx) => {
      // One list, so an event never probes a mix the pipeline did not mean.
      if (value.urls !== undefined && value.targets !== undefined) {
        const message = 'give either urls or targets, not both';
        ctx.addIssue({ code: 'custom', path: ['urls'], message, input: value.urls });
      }
    }),
  );

const deployEnvelopeSchema = z.looseObject({
  'detail-type': z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  id: stringMatching(EVENT_ID_PATTERN, 'must be 1-128 letters, digits, dots, dashes or underscores'),
  detail: deployDetailSchema,
});

export type DeployDetail = z.infer<typeof deployDetailSchema>;

export interface DeployEvent extends RegisteredDeploy {
  readonly deploy: DeployRecord;
  /** The EventBridge event id, or the invocation id of a direct invoke. */
  readonly eventId: string;
  /** Envelope or direct invoke: what identifies a duplicate delivery of this event (see deployIdempotencyKey). */
  readonly origin: DeployEventOrigin;
}

export interface ParseDeployEventOptions {
  /** Identifies a direct invoke, which carries no event id: the Lambda request id. */
  readonly invocationId: string;
  /** The services the stack knows: the event must name one, and is held to its registration. */
  readonly registry: Registry;
}

/**
 * Validates a deploy event and holds it to its service's registration (registered-deploy.ts). Errors name the field as
 * the sender wrote it: `detail.service` in an envelope, `service` in a direct invoke. Throws ConfigError (one
 * problem) or ConfigErrors (several).
 */
export function parseDeployEvent(raw: unknown, options: ParseDeployEventOptions): DeployEvent {
  let detail: DeployDetail;
  let eventId: string;
  let origin: DeployEventOrigin;
  const envelope = isEnvelope(raw);
  if (envelope) {
    const envelope = parseWithSchema(deployEnvelopeSchema, raw, {}, 'event');
    detail = envelope.detail;
    eventId = envelope.id;
    origin = { kind: 'eventbridge', eventId };
  } else {
    detail = parseWithSchema(deployDetailSchema, raw, {}, 'event');
    if (!EVENT_ID_PATTERN.test(options.invocationId)) {
      throw new ConfigError('invocationId', options.invocationId, 'cannot identify this run in an evidence key');
    }
    eventId = options.invocationId;
    origin = { kind: 'direct' };
  }
  const deploy: DeployRecord = {
    service: detail.service,
    environment: detail.environment,
    version: detail.version,
    ...(detail.previousVersion !== undefined ? { previous_version: detail.previousVersion } : {}),
    ...(detail.digest !== undefined ? { digest: detail.digest } : {}),
    ...(detail.commit !== undefined ? { commit: detail.commit } : {}),
    event_id: eventId,
  };
  return { ...registeredDeploy(detail, options.registry, envelope ? 'detail.' : ''), deploy, eventId, origin };
}

function isEnvelope(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('detail' in raw || 'detail-type' in raw);
}
