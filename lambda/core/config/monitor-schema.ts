// A monitor: a schedule that probes some targets (its own, or a registered service's) and alerts, and maybe rolls
// back. One definition for the config file, the construct's props, the registry and the schedule's input. A schedule
// sends `{ "monitor": "<name>" }` and the check finds the monitor in the registry; the whole monitor as the input
// (what rules deployed before the registry send) is still accepted, checked again here since a rule can be edited.

import * as z from 'zod/mini';
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  parseWithSchema,
  probeSettingSchemas,
  stringMatching,
  versionSchema,
  wholeNumber,
  type GateConfig,
} from './config-schema.ts';
import { defaultHostTags, type HostTags } from './host-tags-schema.ts';
import { nameSchema, probeTargetsShape } from './probe-request-schema.ts';
import type { Registry } from './registry.ts';
import { hostTagsOf, serviceLabel, type RollbackMode, type ServiceConfig } from './service-schema.ts';
import {
  DEFAULT_COOLDOWN_MINUTES,
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_SUCCESS_THRESHOLD,
  type PlanPolicyInput,
} from '../plan/plan-policy.ts';

/** The probe settings a monitor may set; unset ones come from its service's probe budget, else the defaults. */
const monitorProbeShape = {
  timeoutMs: z.optional(probeSettingSchemas.timeoutMs),
  retries: z.optional(probeSettingSchemas.retries),
  backoffMs: z.optional(probeSettingSchemas.backoffMs),
  concurrency: z.optional(probeSettingSchemas.concurrency),
  maxBodyBytes: z.optional(probeSettingSchemas.maxBodyBytes),
};

/** What a monitor probes and what follows a failure, as both the config and the schedule's input spell it. */
const monitorCheckShape = {
  ...probeTargetsShape,
  rollbackOnFailure: z._default(z.boolean(), false),
  service: z.optional(nameSchema),
  environment: z.optional(nameSchema),
  expectedVersion: z.optional(versionSchema),
  ...monitorProbeShape,
};

/** How a monitor's runs are followed, from one run to the next (its state between runs). */
const monitorPolicyShape = {
  /** Failed runs in a row before the monitor is down. @default 3 */
  failureThreshold: z._default(wholeNumber(1, 100), DEFAULT_FAILURE_THRESHOLD),
  /** Passed runs in a row before a down monitor is up again. @default 2 */
  successThreshold: z._default(wholeNumber(1, 100), DEFAULT_SUCCESS_THRESHOLD),
  /** Remind every so many minutes while down. @default - no reminders */
  reminderMinutes: z.optional(wholeNumber(5, 10_080)),
  /** Minutes after a rollback before the monitor may roll back again. @default 30 */
  cooldownMinutes: z._default(wholeNumber(0, 1_440), DEFAULT_COOLDOWN_MINUTES),
};

interface MonitorCheckFields {
  readonly urls?: readonly string[] | undefined;
  readonly targets?: GateConfig['targets'] | undefined;
  readonly rollbackOnFailure: boolean;
  readonly service?: string | undefined;
  readonly environment?: string | undefined;
}

const checkMonitorFields = z.superRefine((value: MonitorCheckFields, ctx) => {
  // Without targets of its own, a monitor probes the registered service it names (checked against the registry).
  const onService = value.service !== undefined && value.environment !== undefined;
  if (value.urls === undefined && value.targets === undefined && !onService) {
    const message =
      'give urls or targets with at least one entry, or the service and environment of a registered service';
    ctx.addIssue({ code: 'custom', path: ['urls'], message, input: value.urls });
  }
  // The rollback goes to the service's hosts, and the document needs both names as parameters.
  if (value.rollbackOnFailure && !onService) {
    const message = 'needs service and environment, which pick the instances to roll back';
    ctx.addIssue({ code: 'custom', path: ['rollbackOnFailure'], message, input: value.rollbackOnFailure });
  }
});

/** A monitor in rollgate.config.json, the construct's props and the registry. */
export const monitorSchema = z
  .strictObject({
    name: nameSchema,
    /** An EventBridge schedule expression. @default "rate(5 minutes)" */
    schedule: z.optional(
      stringMatching(
        /^(rate|cron)\(.+\)$/,
        'must be an EventBridge schedule such as "rate(5 minutes)" or "cron(0/5 * * * ? *)"',
      ),
    ),
    ...monitorCheckShape,
    ...monitorPolicyShape,
  })
  .check(checkMonitorFields);

/** The whole monitor as a schedule's input (rules deployed before the registry): `monitor` is its name. */
export const monitorInputSchema = z
  .strictObject({ monitor: nameSchema, ...monitorCheckShape, ...monitorPolicyShape })
  .check(checkMonitorFields);

export type MonitorConfig = z.infer<typeof monitorSchema>;
export type MonitorConfigInput = z.input<typeof monitorSchema>;

export interface MonitorCheck {
  readonly monitor: string;
  readonly gateConfig: GateConfig;
  readonly service?: string;
  readonly environment?: string;
  /** Set only when the monitor rolls back on failure: whose hosts, found by which tags, waiting how long. */
  readonly rollback: MonitorRollback | undefined;
  /** Why a monitor that asks to roll back on failure will not (its service's rollback mode). */
  readonly rollbackNote?: string;
  /**
   * How its runs are followed: its thresholds, reminders and cooldown, and the rollback mode (`auto` when it rolls
   * back; its service's `approve` or `off`, which ask for a rollback by hand when it goes down; else `off`).
   */
  readonly policy: PlanPolicyInput;
}

export interface MonitorRollback {
  readonly scope: { readonly service: string; readonly environment: string };
  readonly hostTags: HostTags;
  /** The service's own wait; undefined for the stack's. */
  readonly waitSeconds?: number;
}

/**
 * Validates a schedule's input: `{ "monitor": "<name>" }` names a monitor of the registry; anything more is a whole
 * monitor. Throws ConfigError (one problem) or ConfigErrors (several), naming each field.
 */
export function parseMonitorInput(raw: unknown, registry: Registry): MonitorCheck {
  if (isNameOnly(raw)) {
    const name = parseWithSchema(z.strictObject({ monitor: nameSchema }), raw, {}, 'monitor input').monitor;
    const monitor = registry.monitors.find((entry) => entry.name === name);
    if (monitor === undefined) {
      throw new ConfigError('monitor', name, 'is not a monitor of the registry this function was deployed with');
    }
    return monitorCheckOf({ ...monitor, monitor: monitor.name }, registry);
  }
  return monitorCheckOf(parseWithSchema(monitorInputSchema, raw, {}, 'monitor input'), registry);
}

type MonitorFields = z.infer<typeof monitorInputSchema>;

/** The check a monitor makes: its targets (or its service's), its settings, and its rollback if it has one. */
export function monitorCheckOf(monitor: MonitorFields, registry: Registry): MonitorCheck {
  const registered =
    monitor.service !== undefined && monitor.environment !== undefined
      ? registry.services.find(
          (entry) => entry.service === monitor.service && entry.environment === monitor.environment,
        )
      : undefined;
  const ownTargets = monitor.urls !== undefined || monitor.targets !== undefined;
  if (!ownTargets && registered === undefined) {
    throw new ConfigError(
      'service',
      monitor.service,
      `and environment ${JSON.stringify(monitor.environment)} name no registered service, and the monitor has no targets of its own`,
    );
  }
  const probe = registered?.probe;
  const gateConfig: GateConfig = {
    targets: ownTargets
      ? [...(monitor.urls ?? []).map((url) => ({ url })), ...(monitor.targets ?? [])]
      : [...registered!.targets],
    ...(monitor.expectedVersion !== undefined ? { expectedVersion: monitor.expectedVersion } : {}),
    timeoutMs: monitor.timeoutMs ?? probe?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: monitor.retries ?? probe?.retries ?? DEFAULT_RETRIES,
    backoffMs: monitor.backoffMs ?? probe?.backoffMs ?? DEFAULT_BACKOFF_MS,
    concurrency: monitor.concurrency ?? probe?.concurrency ?? DEFAULT_CONCURRENCY,
    maxBodyBytes: monitor.maxBodyBytes ?? probe?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    failOnSkipped: false,
  };
  const mode: RollbackMode = registered?.rollback.mode ?? 'auto';
  const rollsBack =
    monitor.rollbackOnFailure && monitor.service !== undefined && monitor.environment !== undefined && mode === 'auto';
  return {
    monitor: monitor.monitor,
    gateConfig,
    ...(monitor.service !== undefined ? { service: monitor.service } : {}),
    ...(monitor.environment !== undefined ? { environment: monitor.environment } : {}),
    rollback: rollsBack ? monitorRollbackOf(monitor.service!, monitor.environment!, registered) : undefined,
    ...(monitor.rollbackOnFailure && !rollsBack && registered !== undefined
      ? { rollbackNote: `no automatic rollback: ${serviceLabel(registered)} has rollback.mode "${mode}"` }
      : {}),
    policy: {
      rollback: rollsBack ? 'auto' : registered !== undefined && mode !== 'auto' ? mode : 'off',
      ...(registered !== undefined && mode === 'off' ? { rollbackByHand: true } : {}),
      failureThreshold: monitor.failureThreshold,
      successThreshold: monitor.successThreshold,
      ...(monitor.reminderMinutes !== undefined ? { reminderMinutes: monitor.reminderMinutes } : {}),
      cooldownMinutes: monitor.cooldownMinutes,
    },
  };
}

function monitorRollbackOf(
  service: string,
  environment: string,
  registered: ServiceConfig | undefined,
): MonitorRollback {
  return {
    scope: { service, environment },
    hostTags: registered !== undefined ? hostTagsOf(registered) : defaultHostTags(service, environment),
    ...(registered?.rollback.waitSeconds !== undefined ? { waitSeconds: registered.rollback.waitSeconds } : {}),
  };
}

/** `{ "monitor": "x" }` and nothing else: what a schedule of the registry sends. */
function isNameOnly(raw: unknown): boolean {
  return (
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 1 && 'monitor' in raw
  );
}
