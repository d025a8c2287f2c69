// A deploy event held to its service's registration. The event says which service and version; the registration says
// what to probe, with which secrets, for how long, and which hosts to roll back. Whoever can put an event on the bus
// therefore chooses none of these: an unknown service is refused, targets from the event only where the service opts
// in (never with headers or allowPrivate, never past its budget), probe settings may only shorten the budget, and
// instance ids are sent to only after they are checked to carry the service's host tags (by the rollback executor).

import type { GateConfig, TargetConfig } from './config-schema.ts';
import { ConfigError } from '../errors.ts';
import { hostTagsOf, serviceLabel, type ServiceConfig, type ServiceProbe } from './service-schema.ts';
import type { HostTags } from './host-tags-schema.ts';
import { probeBudgetMs } from './probe-budget.ts';
import type { Registry } from './registry.ts';
import { seconds, serviceProbeBudgetMs } from './run-budget.ts';
import type { RollbackTarget } from '../rollback/rollback-target.ts';

/** What a parsed deploy event's detail may carry beyond the deploy's identity. */
export interface DeployRequest {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly expectedVersion?: string | undefined;
  readonly urls?: readonly string[] | undefined;
  readonly targets?: readonly TargetConfig[] | undefined;
  readonly rollback?:
    | {
        readonly instanceIds?: readonly string[] | undefined;
        readonly tags?: Readonly<Record<string, string>> | undefined;
      }
    | undefined;
  readonly timeoutMs?: number | undefined;
  readonly retries?: number | undefined;
  readonly backoffMs?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly maxBodyBytes?: number | undefined;
}

export interface DeployRollback {
  /** The service's hosts by their tags, or the event's instances (sent to only if they carry `requiredTags`). */
  readonly target: RollbackTarget;
  /** The service's host tags: every instance sent the rollback must carry all of them. */
  readonly requiredTags: HostTags;
  /** The service's own rollback wait; undefined for the stack's. */
  readonly waitSeconds?: number;
}

export interface RegisteredDeploy {
  /** The registration the event named. */
  readonly service: ServiceConfig;
  readonly gateConfig: GateConfig;
  /** How long the probes can take at most: the registered budget or, with an event's settings, less. */
  readonly probeBudgetMs: number;
  /** Undefined unless the service rolls back automatically (rollback.mode "auto"). */
  readonly rollback: DeployRollback | undefined;
  /** What of the event was not used as sent (settings cut to the budget), for the log. */
  readonly notes: readonly string[];
}

const SETTINGS = ['timeoutMs', 'retries', 'backoffMs', 'concurrency', 'maxBodyBytes'] as const;

/**
 * Holds a parsed event to its service's registration. `prefix` is how the sender names the detail's fields (`detail.`
 * in an envelope). Throws ConfigError naming the field an event may not set, or the service the stack does not know.
 */
export function registeredDeploy(request: DeployRequest, registry: Registry, prefix: string): RegisteredDeploy {
  const service = registeredService(request, registry, prefix);
  const label = serviceLabel(service);
  const eventTargets = eventTargetsOf(request, service, prefix);
  const notes: string[] = [];

  // An event may lower each setting, never raise it: the registration's value is the budget.
  const probe: Record<(typeof SETTINGS)[number], number> = { ...service.probe };
  for (const setting of SETTINGS) {
    const asked = request[setting];
    if (asked === undefined) continue;
    if (asked > service.probe[setting]) {
      notes.push(`${prefix}${setting} ${asked} was cut to ${label}'s registered ${service.probe[setting]}`);
    } else {
      probe[setting] = asked;
    }
  }
  const targets = [...service.targets, ...eventTargets];
  const budgetMs = serviceProbeBudgetMs(service);
  const runMs = probeBudgetMs({ targets: targets.length, ...probe });
  if (runMs > budgetMs) {
    throw new ConfigError(
      `${prefix}${request.urls !== undefined ? 'urls' : 'targets'}`,
      eventTargets.length,
      `would make the probes take up to ${seconds(runMs)}s, past ${label}'s registered budget of ${seconds(budgetMs)}s: ` +
        'send fewer targets, or register them',
      { show: 'none' },
    );
  }

  return {
    service,
    gateConfig: {
      targets,
      expectedVersion: request.expectedVersion ?? request.version,
      ...(probe as ServiceProbe),
      failOnSkipped: false,
    },
    probeBudgetMs: runMs,
    rollback: rollbackOf(request, service, prefix),
    notes,
  };
}

function registeredService(request: DeployRequest, registry: Registry, prefix: string): ServiceConfig {
  const found = registry.services.find(
    (entry) => entry.service === request.service && entry.environment === request.environment,
  );
  if (found !== undefined) return found;
  const environments = registry.services
    .filter((entry) => entry.service === request.service)
    .map((entry) => entry.environment);
  if (environments.length > 0) {
    throw new ConfigError(
      `${prefix}environment`,
      request.environment,
      `is not registered for service ${JSON.stringify(request.service)} (registered: ${environments.join(', ')})`,
    );
  }
  throw new ConfigError(
    `${prefix}service`,
    request.service,
    'is not a service this stack knows: register it (with its environment) under services in rollgate.config.json ' +
      "or the construct's services",
  );
}

/** The event's own targets, only where the service opts in, and never with headers or allowPrivate. */
function eventTargetsOf(request: DeployRequest, service: ServiceConfig, prefix: string): TargetConfig[] {
  const field = request.urls !== undefined ? 'urls' : 'targets';
  const targets = [...(request.urls ?? []).map((url) => ({ url })), ...(request.targets ?? [])];
  if (targets.length === 0) return [];
  if (service.eventTargets !== 'allow') {
    throw new ConfigError(
      `${prefix}${field}`,
      undefined,
      `is refused: ${serviceLabel(service)} takes no targets from events (its eventTargets is "refuse"); the gate ` +
        'probes its registered targets, so leave them out',
      { show: 'none' },
    );
  }
  request.targets?.forEach((target, index) => {
    if (target.headers !== undefined) {
      throw new ConfigError(
        `${prefix}targets[${index}].headers`,
        undefined,
        'is refused: headers (and the secrets in them) come only from the registered targets',
        { show: 'withheld' },
      );
    }
    if (target.allowPrivate !== undefined) {
      throw new ConfigError(
        `${prefix}targets[${index}].allowPrivate`,
        target.allowPrivate,
        'is refused: only a registered target may open private, loopback or link-local addresses to the probes',
      );
    }
  });
  return targets;
}

function rollbackOf(request: DeployRequest, service: ServiceConfig, prefix: string): DeployRollback | undefined {
  if (request.rollback?.tags !== undefined) {
    throw new ConfigError(
      `${prefix}rollback.tags`,
      request.rollback.tags,
      `is refused: ${serviceLabel(service)}'s registration says how its hosts are found (hosts.tags)`,
    );
  }
  if (service.rollback.mode !== 'auto') return undefined;
  const requiredTags = hostTagsOf(service);
  const instanceIds = request.rollback?.instanceIds;
  return {
    target: instanceIds !== undefined ? { instanceIds: [...new Set(instanceIds)] } : { tags: requiredTags },
    requiredTags,
    ...(service.rollback.waitSeconds !== undefined ? { waitSeconds: service.rollback.waitSeconds } : {}),
  };
}
