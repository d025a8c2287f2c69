// Refuses `__proto__`, `constructor` and `prototype` keys anywhere in parsed input (config files, deploy events,
// monitor inputs), before any code copies or merges it: JSON.parse makes `"__proto__"` an own key, and assigning that
// key elsewhere replaces a prototype, smuggling settings (a rollback command) past a schema that checks own keys only.

import { ConfigError } from '../errors.ts';
import { findKeyPath } from './find-key-path.ts';

export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const PROTOTYPE_KEY_PROBLEM = 'is not allowed (prototype keys are refused)';

/** The path of the first prototype key in `value`, depth first, or undefined when it has none. */
export function findPrototypeKey(value: unknown): PropertyKey[] | undefined {
  return findKeyPath(value, (key) => PROTOTYPE_KEYS.has(key));
}

/**
 * Throws a ConfigError naming the first prototype key, e.g. `config.__proto__: is not allowed (prototype keys are
 * refused)`. `fieldOf` turns its path into the name the sender knows (a file name, `event`, `config`).
 */
export function rejectPrototypeKeys(value: unknown, fieldOf: (path: readonly PropertyKey[]) => string): void {
  const path = findPrototypeKey(value);
  if (path !== undefined) throw new ConfigError(fieldOf(path), undefined, PROTOTYPE_KEY_PROBLEM, { show: 'none' });
}
