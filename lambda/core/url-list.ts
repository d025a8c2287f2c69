// The CI contract's target list: RUNTIME_HEALTH_URLS is comma-separated; entries are trimmed, empties dropped,
// duplicates removed keeping first-seen order, and only http: and https: URLs accepted.

import { ConfigError } from './errors.ts';

/** Splits a comma list of URLs. Throws ConfigError naming `field` and the first entry that is not an http(s) URL. */
export function parseUrlList(raw: string | undefined, field: string): string[] {
  if (raw === undefined) return [];
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const entry of raw.split(',')) {
    const candidate = entry.trim();
    if (candidate === '') continue;
    const problem = httpUrlProblem(candidate);
    if (problem) throw new ConfigError(field, candidate, problem);
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    urls.push(candidate);
  }
  return urls;
}

/** Why a string is not a usable probe URL, or undefined when it is one. */
export function httpUrlProblem(candidate: string): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http: or https: URL, not ${url.protocol}`;
  }
  if (url.hostname === '') return 'has no host';
  return undefined;
}
