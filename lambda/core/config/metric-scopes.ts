// Whose metrics a stack has: each service and environment the registry names (a registered service, or one a
// registered monitor watches) with the monitors that watch it, and the monitors that watch no service. The handlers
// publish dimensions only for these (lambda/handlers/run-metrics.ts) and the stack draws a dashboard row and a `down`
// alarm for each (lib/operations-dashboard.ts), so both sides agree on one list.

export interface ServiceMetricScope {
  readonly service: string;
  readonly environment: string;
  /** The registered monitors watching it, by name: what its MonitorState gauge is made of. */
  readonly monitors: readonly string[];
}

export interface MetricScopes {
  /** Sorted by service, then environment. */
  readonly services: readonly ServiceMetricScope[];
  /** Monitors on no service, by name, sorted. */
  readonly monitorsAlone: readonly string[];
}

/** What of a registry names scopes: the registry itself, or the stack's resolved config. */
export interface RegistryNames {
  readonly services: readonly { readonly service: string; readonly environment: string }[];
  readonly monitors: readonly { readonly name: string; readonly service?: string; readonly environment?: string }[];
}

export function metricScopesOf(registry: RegistryNames): MetricScopes {
  const services = new Map<string, { service: string; environment: string; monitors: string[] }>();
  const scopeOf = (service: string, environment: string) => {
    const key = JSON.stringify([service, environment]);
    let scope = services.get(key);
    if (scope === undefined) {
      scope = { service, environment, monitors: [] };
      services.set(key, scope);
    }
    return scope;
  };
  for (const entry of registry.services) scopeOf(entry.service, entry.environment);
  const monitorsAlone: string[] = [];
  for (const monitor of registry.monitors) {
    if (monitor.service !== undefined && monitor.environment !== undefined) {
      scopeOf(monitor.service, monitor.environment).monitors.push(monitor.name);
    } else {
      monitorsAlone.push(monitor.name);
    }
  }
  return {
    services: [...services.values()]
      .map((scope) => ({ ...scope, monitors: scope.monitors.sort() }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.environment.localeCompare(b.environment)),
    monitorsAlone: monitorsAlone.sort(),
  };
}

/** A service and environment the registry names: a registered service, or the one a registered monitor watches. */
export function isRegisteredServiceScope(registry: RegistryNames, service: string, environment: string): boolean {
  return (
    registry.services.some((entry) => entry.service === service && entry.environment === environment) ||
    registry.monitors.some((entry) => entry.service === service && entry.environment === environment)
  );
}
