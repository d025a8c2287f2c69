// What the stack's functions can do with a target's headers, beyond what the engine's schema says of any target: they
// read secrets only from SSM parameters under /rollgate/ (their IAM allows no other path), and never from their own
// environment (the Lambda refuses `{ "env": ... }`, which would hand a target the function's credentials). Checked at
// synth, so such a target fails `cdk synth` rather than every run.
import type { TargetConfig } from '../lambda/core/config/config-schema.ts';
import type { Registry } from '../lambda/core/config/registry.ts';
import { SECRET_PARAMETER_PREFIX } from '../lambda/core/config/stack-contract.ts';
import { RollgateConfigError } from './rollgate-config-error.ts';

/** Throws RollgateConfigError naming the first header of a service or monitor target the functions cannot send. */
export function checkStackTargets(registry: Registry): void {
  for (const [index, service] of registry.services.entries()) checkTargets(`services[${index}]`, service.targets);
  for (const [index, monitor] of registry.monitors.entries()) checkTargets(`monitors[${index}]`, monitor.targets ?? []);
}

function checkTargets(owner: string, targets: readonly TargetConfig[]): void {
  targets.forEach((target, index) => {
    for (const [header, value] of Object.entries(target.headers ?? {})) {
      if (typeof value === 'string') continue;
      const field = `${owner}.targets[${index}].headers.${header}`;
      if ('env' in value) {
        throw new RollgateConfigError(
          field,
          value,
          `is read by the CLI only: the functions never read their own environment; use { "ssm": "${SECRET_PARAMETER_PREFIX}..." }`,
        );
      }
      if (!value.ssm.startsWith(SECRET_PARAMETER_PREFIX)) {
        throw new RollgateConfigError(
          field,
          value,
          `must name a parameter under ${SECRET_PARAMETER_PREFIX}: the functions may only read parameters there`,
        );
      }
    }
  });
}
