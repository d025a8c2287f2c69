// Interleaving order: the same items starting one further along each round, so none always runs first, right after
// a pause or right after a particular other one.

export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
