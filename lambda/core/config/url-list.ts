// The CI contract's target list: RUNTIME_HEALTH_URLS is separated by commas or line breaks (a multi-line YAML value in
// CI); entries are trimmed, empties dropped, duplicates removed keeping first-seen order, and only http: and https: URLs
// accepted.

import { ConfigError } from '../errors.ts';

/**
 * Splits a list of URLs at commas and line breaks. Throws ConfigError naming `field` and the first entry that is not an
 * http(s) URL (quoted without its credentials).
 */
export function parseUrlList(raw: string | undefined, field: string): string[] {
  if (raw === undefined) return [];
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const entry of raw.split(/[,\r\n]/)) {
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
