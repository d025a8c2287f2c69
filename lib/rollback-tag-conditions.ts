// The IAM conditions that let a function send the rollback document only to the hosts of the services it may roll
// back: `ssm:resourceTag/<key>` StringEquals the registered values, one condition set per service. Sets that differ in
// one tag's values alone are merged (services in one environment, one service in several), which allows exactly the
// union of what they allowed, so a stack of many services stays within IAM's policy size.
import type { HostTags } from '../lambda/core/config/host-tags-schema.ts';

/** Each tag key with the values a host may carry for it; a host must match every key. */
export type TagCondition = Readonly<Record<string, readonly string[]>>;

/** The fewest condition sets allowing exactly the hosts that carry all the tags of one of `tagSets`. */
export function rollbackTagConditions(tagSets: readonly HostTags[]): TagCondition[] {
  let conditions: Array<Record<string, string[]>> = [];
  for (const tags of tagSets) {
    const condition = Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, [value]]));
    if (!conditions.some((known) => sameCondition(known, condition))) conditions.push(condition);
  }
  // Merging two sets that differ in one key's values is exact: every other key allows the same values in both.
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < conditions.length; i += 1) {
      for (let j = i + 1; j < conditions.length; j += 1) {
        const key = soleDifference(conditions[i]!, conditions[j]!);
        if (key === undefined) continue;
        conditions[i]![key] = [...new Set([...conditions[i]![key]!, ...conditions[j]![key]!])].sort();
        conditions = conditions.filter((_condition, index) => index !== j);
        merged = true;
        break outer;
      }
    }
  }
  return conditions;
}

/** The one key whose values differ, when both sets have the same keys and agree on every other; else undefined. */
function soleDifference(a: Record<string, string[]>, b: Record<string, string[]>): string | undefined {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length || !keys.every((key) => key in b)) return undefined;
  const differing = keys.filter((key) => !sameValues(a[key]!, b[key]!));
  return differing.length === 1 ? differing[0] : undefined;
}

function sameCondition(a: Record<string, string[]>, b: Record<string, string[]>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameValues(a[key]!, b[key]!));
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}
