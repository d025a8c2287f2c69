// Reads the JSON file the CDK app is configured with (rollgate.config.json) and validates it once with the engine's
// own schema (lambda/core/config/rollgate-config-schema.ts), reporting every bad field with its value instead of a
// stack trace. No schema of its own: the one the handlers and the CLI use is the only definition.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formatPath, parseWithSchema } from '../lambda/core/config/config-schema.ts';
import { rejectPrototypeKeys } from '../lambda/core/config/reject-prototype-keys.ts';
import { type RollgateConfig, rollgateConfigSchema } from '../lambda/core/config/rollgate-config-schema.ts';
import { RollgateConfigError, withRollgateConfigErrors } from './rollgate-config-error.ts';

export type { RollgateConfig } from '../lambda/core/config/rollgate-config-schema.ts';
export { RollgateConfigFileError } from './rollgate-config-error.ts';

/** Reads and validates a config file. */
export function loadRollgateConfig(path: string): RollgateConfig {
  const source = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RollgateConfigError('(file)', path, `cannot be read: ${(cause as Error).message}`, { cause, source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new RollgateConfigError('(file)', path, `is not valid JSON: ${(cause as Error).message}`, { cause, source });
  }
  return parseRollgateConfig(json, source);
}

/** Validates an already parsed config; `source` names it in error messages. Prototype keys are refused first. */
export function parseRollgateConfig(input: unknown, source = 'config'): RollgateConfig {
  return withRollgateConfigErrors(() => {
    // Named from the file's top, as every other field of it is (`monitors[0].__proto__`).
    rejectPrototypeKeys(input, (path) => formatPath(path));
    return parseWithSchema(rollgateConfigSchema, input, {}, '(top level)');
  }, source);
}
