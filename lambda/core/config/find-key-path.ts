// Finds a key anywhere in parsed input (JSON-like objects and arrays) without recursion, so input nested deeper than
// the call stack is searched like any other, and a cycle ends the search rather than the process.

/** The path of the first object key, depth first, for which `isWanted` holds; undefined when none does. */
export function findKeyPath(value: unknown, isWanted: (key: string) => boolean): PropertyKey[] | undefined {
  // Each frame points at its parent, so a path is built only for the key that is found.
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
    if (Array.isArray(frame.value)) {
      for (let index = frame.value.length - 1; index >= 0; index -= 1) {
        const child: unknown = frame.value[index];
        if (child !== null && typeof child === 'object') stack.push({ value: child, key: index, parent: frame });
      }
      continue;
    }
    const keys = Object.keys(frame.value);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index]!;
      if (isWanted(key)) return pathOf({ value: frame.value, key, parent: frame });
      const child = (frame.value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, key, parent: frame });
    }
  }
  return undefined;

  function pathOf(frame: Frame): PropertyKey[] {
    const path: PropertyKey[] = [];
    for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  }
}
