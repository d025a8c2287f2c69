// Refuses `__proto__`, `constructor` and `prototype` keys anywhere in parsed input (config files, deploy events,
// monitor inputs), before any code copies or merges it: JSON.parse makes `"__proto__"` an own key, and assigning that
// key elsewhere replaces a prototype, smuggling settings (a rollback command) past a schema that checks own keys only.

import { ConfigError } from './errors.ts';

export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const PROTOTYPE_KEY_PROBLEM = 'is not allowed (prototype keys are refused)';

/** The path of the first prototype key in `value`, depth first, or undefined when it has none. */
export function findPrototypeKey(value: unknown): PropertyKey[] | undefined {
  // An explicit stack, not recursion: input nested deeper than the call stack must be refused by name, not by a
  // RangeError. Each entry points at its parent, so a path is built only for the key that is found.
  interface Frame {
    readonly value: object;
    readonly key: PropertyKey | undefined;
    readonly parent: Frame | undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const seen = new Set<object>();
  const stack: Frame[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (seen.has(frame.value)) continue;
    seen.add(frame.value);
    const isArray = Array.isArray(frame.value);
    const keys = Object.keys(frame.value);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index]!;
      if (!isArray && PROTOTYPE_KEYS.has(key)) return pathOf({ value: frame.value, key, parent: frame });
      const child = (frame.value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        stack.push({ value: child, key: isArray ? Number(key) : key, parent: frame });
      }
    }
  }
  return undefined;

  function pathOf(frame: Frame): PropertyKey[] {
    const path: PropertyKey[] = [];
    for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  }
}

/**
 * Throws a ConfigError naming the first prototype key, e.g. `config.__proto__: is not allowed (prototype keys are
 * refused)`. `fieldOf` turns its path into the name the sender knows (a file name, `event`, `config`).
 */
export function rejectPrototypeKeys(value: unknown, fieldOf: (path: readonly PropertyKey[]) => string): void {
  const path = findPrototypeKey(value);
  if (path !== undefined) throw new ConfigError(fieldOf(path), undefined, PROTOTYPE_KEY_PROBLEM, { show: 'none' });
}
