// `rollgate gate --config FILE --service S --environment E`: the gate settings a registered service gives the CLI, from
// the same rollgate.config.json the stack reads. Its targets, its probe budget and (when its rollback is automatic) its
// rollback command, each labelled with the file field it came from, so an error names `FILE: services[0].targets[1]`.

import { gateConfigSchema, parseWithSchema } from '../../lambda/core/config/config-schema.ts';
import { rollgateConfigSchema, type RollgateConfig } from '../../lambda/core/config/rollgate-config-schema.ts';
import { serviceLabel } from '../../lambda/core/config/service-schema.ts';
import { ConfigError } from '../../lambda/core/errors.ts';

/** The top-level fields of the file that are the CLI gate's own; the stack's (services, monitors, ...) are not. */
export const GATE_FILE_FIELDS: ReadonlySet<string> = new Set(Object.keys(gateConfigSchema.shape));

/** A gate field's value and the name of where it came from. */
export interface LabelledField {
  readonly field: string;
  readonly value: unknown;
  readonly label: string;
}

/**
 * Validates the whole file with the schema the stack uses, each error named `shown: field`. A file for the stack is
 * thereby a valid `--config` too, and a misspelt field anywhere in it is refused by the CLI as by synth.
 */
export function validateConfigFile(file: Record<string, unknown>, shown: string): RollgateConfig {
  const labels = new Proxy<Record<string, string>>(Object.create(null), {
    get: (_target, property) =>
      typeof property !== 'string' ? undefined : property === '' ? shown : `${shown}: ${property}`,
  });
  return parseWithSchema(rollgateConfigSchema, file, labels, shown);
}

/** The gate fields of service `service` in `environment`: targets, probe settings and the rollback command. */
export function serviceGateFields(
  file: Record<string, unknown>,
  parsed: RollgateConfig,
  shown: string,
  service: string,
  environment: string,
): LabelledField[] {
  const index = parsed.services.findIndex((entry) => entry.service === service && entry.environment === environment);
  if (index < 0) {
    const registered = parsed.services.map(serviceLabel).join(', ') || 'none';
    throw new ConfigError(
      '--service',
      `${service}/${environment}`,
      `is not under services in ${shown} (registered: ${registered})`,
    );
  }
  const entry = parsed.services[index]!;
  // The file's own values (not the parsed ones with defaults), so the gate's precedence and labels hold.
  const raw = (file.services as Array<Record<string, unknown>>)[index]!;
  const at = `${shown}: services[${index}]`;
  const fields: LabelledField[] = [{ field: 'targets', value: raw.targets ?? [], label: `${at}.targets` }];
  const probe = (raw.probe ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(probe)) fields.push({ field, value, label: `${at}.probe.${field}` });
  // `approve` and `off` run nothing: the gate then fails without a rollback, for a person to decide.
  const command = entry.rollback.mode === 'auto' ? entry.rollback.command : undefined;
  if (command !== undefined)
    fields.push({ field: 'rollback.command', value: command, label: `${at}.rollback.command` });
  return fields;
}
