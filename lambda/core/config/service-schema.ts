// A service registration: one service in one environment as the stack knows it, so a deploy event need only name it.
// Its targets (with expectations and secret headers), its probe budget, how to find its hosts, its rollback, and
// whether a deploy event may add targets of its own. The deploy gate, its monitors and (issue 14) its state share it.

import * as z from 'zod/mini';
import { gateConfigSchema, rollbackSettingsSchema, wholeNumber } from './config-schema.ts';
import { defaultHostTags, hostTagsSchema, type HostTags } from './host-tags-schema.ts';
import { nameSchema } from './probe-request-schema.ts';
import { MAX_ROLLBACK_WAIT_SECONDS, MIN_ROLLBACK_WAIT_SECONDS } from './stack-contract.ts';
import { windowPolicySchema } from '../window/window-policy.ts';

/** How long a rollback in approve mode waits for `rollgate approve` or `rollgate reject`. */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 30;

/**
 * `auto` rolls back a failed gate; `off` never does; `approve` asks a person first (RollbackAwaitingApproval, then
 * `rollgate approve` or `rollgate reject` within approvalTimeoutMinutes) where the deploy flow runs, and alerts
 * RollbackRequired where a one-shot gate cannot wait.
 */
export const ROLLBACK_MODES = ['auto', 'approve', 'off'] as const;
export type RollbackMode = (typeof ROLLBACK_MODES)[number];

/** `refuse`: a deploy event may not name targets; `allow`: it may add targets without headers or allowPrivate. */
export const EVENT_TARGET_POLICIES = ['refuse', 'allow'] as const;

/** The probe budget: how long the service's probes may take at most. Events may only shorten it. */
export const serviceProbeSchema = z.strictObject({
  timeoutMs: gateConfigSchema.shape.timeoutMs,
  retries: gateConfigSchema.shape.retries,
  backoffMs: gateConfigSchema.shape.backoffMs,
  concurrency: gateConfigSchema.shape.concurrency,
  maxBodyBytes: gateConfigSchema.shape.maxBodyBytes,
});

export const serviceRollbackSchema = z.strictObject({
  /** @default "auto" */
  mode: z._default(z.enum(ROLLBACK_MODES), 'auto'),
  /** The local shell command `rollgate gate --service` runs on failure. The Lambdas send the SSM document instead. */
  command: rollbackSettingsSchema.shape.command,
  /** How long the gate follows the rollback. @default the stack's rollbackWaitSeconds */
  waitSeconds: z.optional(wholeNumber(MIN_ROLLBACK_WAIT_SECONDS, MAX_ROLLBACK_WAIT_SECONDS)),
  /** In approve mode, how long the rollback waits for a person, then alerts RollbackRequired. @default 30 */
  approvalTimeoutMinutes: z.optional(wholeNumber(1, 1_440)),
});

export const serviceSchema = z
  .strictObject({
    service: nameSchema,
    environment: nameSchema,
    /** What the gate probes for every deploy of this service. */
    targets: z._default(gateConfigSchema.shape.targets, []),
    probe: z.prefault(serviceProbeSchema, {}),
    hosts: z.optional(z.strictObject({ tags: z.optional(hostTagsSchema) })),
    rollback: z.prefault(serviceRollbackSchema, {}),
    /** @default "refuse" */
    eventTargets: z._default(z.enum(EVENT_TARGET_POLICIES), 'refuse'),
    /** The watch window a deploy of this service is judged over (window.ts); an event may only shorten it. */
    window: z.optional(windowPolicySchema),
    // Issue 14 adds cooldownMinutes here: room for it, not accepted yet.
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.targets.length === 0 && value.eventTargets === 'refuse') {
        ctx.addIssue({
          code: 'custom',
          path: ['targets'],
          message:
            'needs at least one target, unless eventTargets is "allow" (every target then comes with its events)',
          input: value.targets,
        });
      }
    }),
  );

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ServiceConfigInput = z.input<typeof serviceSchema>;
export type ServiceProbe = z.infer<typeof serviceProbeSchema>;

/** The tags that find this service's hosts: its own, or rollgate:service and rollgate:environment. */
export function hostTagsOf(service: Pick<ServiceConfig, 'service' | 'environment' | 'hosts'>): HostTags {
  return service.hosts?.tags ?? defaultHostTags(service.service, service.environment);
}

/** `checkout/prod` */
export function serviceLabel(service: { readonly service: string; readonly environment: string }): string {
  return `${service.service}/${service.environment}`;
}
