// The registry: the services and monitors a stack knows. The stack writes it at synth into a small Lambda layer
// (stack-contract.ts), the handlers read and validate it once at cold start, and no event can change it. The same
// rules across entries (one registration per service and environment, unique monitor names, a monitor on a service
// names a registered one) are checked for the config file and the construct's props too (addRegistryIssues).

import * as z from 'zod/mini';
import { parseWithSchema } from './config-schema.ts';
import { monitorSchema, type MonitorConfig } from './monitor-schema.ts';
import { serviceLabel, serviceSchema, type ServiceConfig } from './service-schema.ts';

/** Far more than a stack needs, far less than a layer's size or a cold start's patience. */
const MAX_ENTRIES = 1_000;

export const registryShape = {
  services: z._default(z.array(serviceSchema).check(z.maxLength(MAX_ENTRIES)), []),
  monitors: z._default(z.array(monitorSchema).check(z.maxLength(MAX_ENTRIES)), []),
};

interface RegistryEntries {
  readonly services: readonly ServiceConfig[];
  readonly monitors: readonly MonitorConfig[];
}

/** The rules across entries, as issues on the entry at fault; for any schema that holds services and monitors. */
export const addRegistryIssues = z.superRefine((value: RegistryEntries, ctx) => {
  const services = new Map<string, number>();
  value.services.forEach((service, index) => {
    const key = serviceLabel(service);
    const first = services.get(key);
    if (first !== undefined) {
      const message = `registers ${key} again (services[${first}] has it); one registration per service and environment`;
      ctx.addIssue({ code: 'custom', path: ['services', index, 'environment'], message, input: service.environment });
    } else {
      services.set(key, index);
    }
  });
  const monitors = new Set<string>();
  value.monitors.forEach((monitor, index) => {
    const at = (field: string): PropertyKey[] => ['monitors', index, field];
    if (monitors.has(monitor.name)) {
      const message = 'is used by another monitor; names must be unique';
      ctx.addIssue({ code: 'custom', path: at('name'), message, input: monitor.name });
    }
    monitors.add(monitor.name);
    if (monitor.service === undefined || monitor.environment === undefined) return;
    const registered = services.get(serviceLabel({ service: monitor.service, environment: monitor.environment }));
    const service = registered === undefined ? undefined : value.services[registered];
    const ownTargets = monitor.urls !== undefined || monitor.targets !== undefined;
    if (!ownTargets && service === undefined) {
      const message = `has no urls or targets, and ${monitor.service}/${monitor.environment} is not under services, whose targets it would probe`;
      ctx.addIssue({ code: 'custom', path: at('service'), message, input: monitor.service });
    } else if (!ownTargets && service !== undefined && service.targets.length === 0) {
      const message = `has no urls or targets, and services[${registered}] (${serviceLabel(service)}) registers none to probe`;
      ctx.addIssue({ code: 'custom', path: at('service'), message, input: monitor.service });
    }
    if (monitor.rollbackOnFailure && service?.rollback.mode === 'off') {
      const message = `contradicts services[${registered}] (${serviceLabel(service)}), whose rollback.mode is "off"`;
      ctx.addIssue({ code: 'custom', path: at('rollbackOnFailure'), message, input: true });
    }
  });
});

export const registrySchema = z.strictObject(registryShape).check(addRegistryIssues);

export type Registry = z.infer<typeof registrySchema>;
export type RegistryInput = z.input<typeof registrySchema>;

export const EMPTY_REGISTRY: Registry = { services: [], monitors: [] };

/** Validates a registry. Throws ConfigError (one problem) or ConfigErrors (several), each field under `rootLabel`. */
export function parseRegistry(raw: unknown, rootLabel = 'registry'): Registry {
  return parseWithSchema(registrySchema, raw, {}, rootLabel);
}

export function findService(registry: Registry, service: string, environment: string): ServiceConfig | undefined {
  return registry.services.find((entry) => entry.service === service && entry.environment === environment);
}

export function findMonitor(registry: Registry, name: string): MonitorConfig | undefined {
  return registry.monitors.find((monitor) => monitor.name === name);
}
