// The registry the stack deployed with this function (lib/registry-layer.ts): read from the file ROLLGATE_REGISTRY_FILE
// names and validated with the schema the stack checked it with, once per container at cold start, so a missing or
// broken registry fails the first invocation naming the variable and the field.

import { readFileSync } from 'node:fs';
import { parseRegistry, type Registry } from '../core/config/registry.ts';
import { ENV } from '../core/config/stack-contract.ts';
import { ConfigError, ConfigErrors, errorMessageOf } from '../core/errors.ts';

/** Reads and validates the registry. Throws ConfigError naming ROLLGATE_REGISTRY_FILE, its path and the problem. */
export function readRegistry(env: Readonly<Record<string, string | undefined>>): Registry {
  const path = env[ENV.registryFile];
  if (path === undefined || path === '') throw new ConfigError(ENV.registryFile, path, 'is not set');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(ENV.registryFile, path, `cannot be read as JSON: ${errorMessageOf(error)}`, { cause: error });
  }
  try {
    return parseRegistry(raw);
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ConfigErrors)) throw error;
    // The file is the stack's own, checked at synth: a problem here means it was edited or built by something else.
    throw new ConfigError(ENV.registryFile, path, `holds an invalid registry: ${error.message}`, {
      cause: error,
      show: 'none',
    });
  }
}
